// A listing's output is hostile data (issue 18): bytes that are not UTF-8,
// terminal escapes, lines that GitHub's runner obeys. The escaping functions
// one by one, then every report of a run whose listings print such things.
#include "build/cache.hpp"
#include "check/compare.hpp"
#include "check/result.hpp"
#include "report/ci_reports.hpp"
#include "report/escape.hpp"
#include "report/json_report.hpp"
#include "report/terminal.hpp"
#include "util/text.hpp"
#include "util/utf8.hpp"

#include "support/workflow_commands.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

namespace snipcheck {
namespace {

using namespace std::string_literals;

const std::string replacement = "\xEF\xBF\xBD"; // U+FFFD

TEST(LossyUtf8, ReplacesEachMaximalInvalidSubpartOnce)
{
  EXPECT_EQ(text::lossy_utf8("caf\xC3\xA9 \xF0\x9F\xA6\x80"), "caf\xC3\xA9 \xF0\x9F\xA6\x80"); // valid: unchanged
  EXPECT_EQ(text::lossy_utf8("a\xFF"
                             "b"),
            "a" + replacement + "b");
  EXPECT_EQ(text::lossy_utf8("\xF0\x9F\xA6"), replacement);                             // truncated: one
  EXPECT_EQ(text::lossy_utf8("\xE0\x80\xAF"), replacement + replacement + replacement); // overlong
  EXPECT_EQ(text::lossy_utf8("\xED\xA0\x80"), replacement + replacement + replacement); // a surrogate
  EXPECT_EQ(text::lossy_utf8("\xF4\x90\x80\x80"), replacement + replacement + replacement + replacement); // > U+10FFFF
  EXPECT_EQ(text::lossy_utf8("\xC3(x"), replacement + "(x");
  EXPECT_TRUE(text::is_valid_utf8("\xC2\x85 ok"));
  EXPECT_FALSE(text::is_valid_utf8("ok \xC0\xAF"));
  EXPECT_EQ(text::first_invalid_utf8_line("one\ntwo \xFF\n"), 2);
}

TEST(TerminalSafe, ShowsControlCharactersAsRustEscapes)
{
  EXPECT_EQ(report::terminal_safe("\x1b[2J\x1b]0;title\x07"
                                  "a\0b\x7f\r\tend"s),
            "\\u{1b}[2J\\u{1b}]0;title\\u{7}a\\0b\\u{7f}\\r\tend");
  EXPECT_EQ(report::terminal_safe("c1 \xC2\x9B"
                                  "31m \xC2\x85"),
            "c1 \\u{9b}31m \\u{85}");
  EXPECT_EQ(report::terminal_safe("bad \xFF"), "bad " + replacement);
  EXPECT_EQ(report::terminal_safe("x ##[error]forged"), "x ##\\u{5b}error]forged");
  EXPECT_EQ(report::terminal_safe("caf\xC3\xA9 \xC2\xA0 C:\\path"), "caf\xC3\xA9 \xC2\xA0 C:\\path");
}

TEST(TerminalSafe, QuotedLinesNeverStartALine)
{
  EXPECT_EQ(report::quoted_lines("::stop-commands::x\n  ::error::y\r::warning::z\n", "  | "),
            "  | ::stop-commands::x\n  |   ::error::y\\r::warning::z\n");
  EXPECT_EQ(report::quoted_lines("no newline at the end", "  | "), "  | no newline at the end\n");
  EXPECT_EQ(report::quoted_lines("", "  | "), "");
  EXPECT_EQ(report::continued_lines("mismatched\n::error file=a::b\x1b[2J", "    | "),
            "mismatched\n    | ::error file=a::b\\u{1b}[2J");
}

TEST(GithubEscaping, KeepsEverythingOnTheCommandsLine)
{
  EXPECT_EQ(report::github_escape_data("50% done\r\n::error::x\n"), "50%25 done%0D%0A::error::x%0A");
  EXPECT_EQ(report::github_escape_data("\x1b[2J\xFF\tend"), "\\u{1b}[2J" + replacement + "\tend");
  EXPECT_EQ(report::github_escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
}

TEST(XmlEscaping, LeavesOnlyWhatXml10Allows)
{
  EXPECT_EQ(report::xml_escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  EXPECT_EQ(report::xml_escape("\x1b[2J\0\x0b\r\xFF\xEF\xBF\xBF]]>\t\n"s),
            "\\u{1b}[2J\\0\\u{b}\\r" + replacement + replacement + "]]&gt;\t\n");
}

// One failing result per way a listing's text reaches a report.
class HostileRun : public ::testing::Test
{
protected:
  HostileRun()
  {
    run.book.path = "book.md";
    run.toolchains = {{"stable", "rustc 1.95.0", "", ""}};
    run.editions = {"2021"};
    listings.reserve(3); // the results point into it
    auto& stderr_result = add("stderr", check::verdict::RunFailed{{cargo::ExitStatus::Kind::exited, 101, 0}});
    stderr_result.observed.build = check::Observed::Build::compiled;
    stderr_result.observed.run =
        check::RunOutput{{cargo::ExitStatus::Kind::exited, 101, 0},
                         "",
                         "::stop-commands::token\n\x1b]0;title\x07\0 \xFF\nthread 'main' panicked:\n"
                         "\n::error file=src/lib.rs,line=1::forged\n ##[error]legacy\r::warning::cr\n"s,
                         false};
    auto& rustc_result = add("rustc", check::verdict::UnexpectedFailure{check::Outcome::run, {"error"}});
    rustc_result.observed.build = check::Observed::Build::failed;
    check::Diagnostic diagnostic;
    diagnostic.level = "error";
    diagnostic.message = "\n::error file=src/lib.rs,line=2::forged by rustc\x1b[2J";
    diagnostic.book_file = "book.md";
    diagnostic.book_line = 5;
    diagnostic.listing_line = 1;
    diagnostic.column = 1;
    rustc_result.observed.diagnostics = {diagnostic};
    const std::string printed = "before \xFF after\n\x1b[2J ::error::diff\n";
    auto& stdout_result = add("stdout", check::verdict::OutputMismatch{check::unified_diff("before\n", printed), ""});
    stdout_result.observed.build = check::Observed::Build::compiled;
    stdout_result.observed.run = check::RunOutput{{cargo::ExitStatus::Kind::exited, 0, 0}, printed, "", false};
    stdout_result.expectation.stdout_text = "before\n";
  }

  check::ListingResult& add(const std::string& id, check::Verdict verdict)
  {
    book::Listing listing;
    listing.id = id;
    listing.chapter = 1;
    listing.files = {"book.md"};
    listing.fence_line = 3;
    listing.lines.push_back({"fn main() {}", 4});
    listings.push_back(std::move(listing));
    check::ListingResult result;
    result.listing = &listings.back();
    result.toolchain = "stable";
    result.edition = "2021";
    result.expectation.outcome = check::Outcome::run;
    result.expectation.from = "fence";
    result.verdict = std::move(verdict);
    run.results.push_back(std::move(result));
    return run.results.back();
  }

  std::vector<book::Listing> listings;
  check::CheckRun run;
};

using testing_support::command_lines;

bool has_control_characters(std::string_view text)
{
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7F) {
      return true;
    }
  }
  return text.find("\xC2\x9B") != std::string_view::npos;
}

TEST_F(HostileRun, TerminalShowsListingTextQuotedAndEscaped)
{
  std::string out;
  for (const auto& result : run.results) {
    out += report::status_line(result, report::Style{}, false) + "\n" +
           report::failure_details(result, report::Style{}) + "\n";
  }
  EXPECT_EQ(command_lines(out), std::vector<std::string>{}) << out;
  EXPECT_FALSE(has_control_characters(out)) << out;
  EXPECT_TRUE(text::is_valid_utf8(out)) << out;
  EXPECT_EQ(out.find("##["), std::string::npos) << out;
  EXPECT_NE(out.find("  | ::stop-commands::token\n  | \\u{1b}]0;title\\u{7}\\0 " + replacement + "\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  book.md:5:1: error: \n    | ::error file=src/lib.rs,line=2::forged by rustc\\u{1b}[2J "
                     "[listing line 1]\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  | +before " + replacement + " after\n  | +\\u{1b}[2J ::error::diff\n"), std::string::npos)
      << out;
  EXPECT_NE(out.find("its output is not valid UTF-8"), std::string::npos) << out;
}

TEST_F(HostileRun, GithubAnnotationsAreSnipchecksOwnLinesOnly)
{
  const auto out = report::github_annotations(run);
  const auto lines = command_lines(out);
  ASSERT_EQ(lines.size(), 3u) << out;
  // file= is the book's path from the repository root, so it depends on where the tests run.
  for (const auto& line : lines) {
    EXPECT_TRUE(line.starts_with("::error file=")) << line;
    EXPECT_EQ(line.find(','), line.find("book.md,line=") + std::string("book.md").size()) << line;
  }
  EXPECT_FALSE(has_control_characters(out)) << out;
  EXPECT_NE(out.find("error: %0A::error file=src/lib.rs,line=2::forged by rustc\\u{1b}[2J%0A"), std::string::npos)
      << out;
}

TEST_F(HostileRun, JunitIsUtf8WithoutControlCharacters)
{
  const auto xml = report::junit_report(run);
  EXPECT_TRUE(text::is_valid_utf8(xml)) << xml;
  EXPECT_FALSE(has_control_characters(xml)) << xml;
  EXPECT_NE(xml.find("  | +before " + replacement + " after"), std::string::npos) << xml;
}

TEST_F(HostileRun, JsonHoldsTheOutputLossilyAndSaysSo)
{
  const auto report = report::json_report(run);
  const auto text = report.dump(2); // strict: throws on a string that is not UTF-8
  const auto& stdout_actual = report["results"][2]["actual"];
  EXPECT_EQ(stdout_actual["stdout"], "before " + replacement + " after\n\x1b[2J ::error::diff\n");
  EXPECT_EQ(stdout_actual["stdout_lossy"], true);
  EXPECT_FALSE(report["results"][1]["actual"].contains("stdout_lossy"));
}

TEST_F(HostileRun, TheCacheKeepsTheExactBytes)
{
  const auto folder =
      std::filesystem::temp_directory_path() / ("snipcheck-hostile-cache-" + std::to_string(::getpid()));
  const build::ResultCache cache(folder);
  auto observed = run.results[0].observed;
  observed.diagnostics = run.results[1].observed.diagnostics;
  observed.diagnostics[0].message += "\xFE";
  observed.diagnostics[0].rendered = "error: \xFF";
  observed.environment_problem = "cargo said \xC0";
  cache.store("k", observed);
  const auto loaded = cache.load("k");
  std::filesystem::remove_all(folder);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->run->stderr_text, observed.run->stderr_text);
  EXPECT_EQ(loaded->run->stdout_text, "");
  EXPECT_EQ(loaded->diagnostics[0].message, observed.diagnostics[0].message);
  EXPECT_EQ(loaded->diagnostics[0].rendered, observed.diagnostics[0].rendered);
  EXPECT_EQ(loaded->environment_problem, observed.environment_problem);
  // So a cached result is judged as the fresh one: the bytes are not the replacement character.
  check::Expectation expectation;
  expectation.outcome = check::Outcome::run;
  expectation.stdout_text = "x " + replacement + "\n";
  auto printed = observed;
  printed.run = check::RunOutput{{cargo::ExitStatus::Kind::exited, 0, 0}, "x \xFF\n", "", false};
  cache.store("p", printed);
  const auto reloaded = cache.load("p");
  std::filesystem::remove_all(folder);
  ASSERT_TRUE(reloaded);
  EXPECT_EQ(check::status_of(check::compare(expectation, *reloaded, "")),
            check::status_of(check::compare(expectation, printed, "")));
  EXPECT_EQ(check::status_of(check::compare(expectation, *reloaded, "")), check::Status::fail);
}

} // namespace
} // namespace snipcheck
