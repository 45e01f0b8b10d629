// End-to-end: the real snipcheck binary against real cargo, on small fixture
// books in tests/e2e/books/ and on the bundled book with its expected/.
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <chrono>
#include <fstream>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

const fs::path shared_build = SNIPCHECK_E2E_BUILD_DIR; // shared so crates compile once

class EndToEnd : public ::testing::Test
{
protected:
  void SetUp() override { m_temp = fresh_test_folder("e2e"); }
  void TearDown() override { fs::remove_all(m_temp); }

  // Runs snipcheck in `dir` with extra environment assignments ("NAME=value").
  Finished snipcheck(const std::string& arguments, const fs::path& dir, const std::string& environment = "") const
  {
    return run_shell("env " + environment + " '" + binary.string() + "' " + arguments, dir, m_temp);
  }

  Finished check_bundled(const std::string& arguments, const std::string& environment = "") const
  {
    return snipcheck("--build-dir '" + shared_build.string() + "' " + arguments, source_dir, environment);
  }

  fs::path copy_of_book(const std::string& from, const std::string& to) const
  {
    auto text = read_file(source_dir / "snippets" / "intermediate-rust-programming.txt");
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    const auto path = m_temp / "book.txt";
    std::ofstream(path) << text;
    return path;
  }

  static const json& result(const json& report, const std::string& id) { return find_result(report, id); }

  fs::path m_temp;
};

TEST_F(EndToEnd, BundledBookBehavesAsAnnotated)
{
  const auto report_path = m_temp / "report.json";
  const auto run = check_bundled("--report json='" + report_path.string() + "'");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto report = json::parse(read_file(report_path));
  EXPECT_EQ(report["schema"], "snipcheck-report/1");
  EXPECT_EQ(report["book"], "snippets/intermediate-rust-programming.txt");
  EXPECT_EQ(report["summary"]["listings"], 36);
  EXPECT_EQ(report["summary"]["fail"], 0);
  EXPECT_EQ(report["summary"]["error"], 0);
  EXPECT_EQ(report["summary"]["not_rust"], 1);
  const auto& longest = result(report, "ch02/2.3-1");
  EXPECT_EQ(longest["status"], "pass");
  EXPECT_EQ(longest["actual"]["errors"], json({"E0106", "E0428"}));
  bool e0106_at_286 = false;
  for (const auto& diagnostic : longest["actual"]["diagnostics"]) {
    e0106_at_286 = e0106_at_286 || (diagnostic["code"] == "E0106" && diagnostic["book_line"] == 286);
  }
  EXPECT_TRUE(e0106_at_286);
  EXPECT_EQ(result(report, "ch05/5.1-1")["actual"]["stdout"], "r1: 5\n");
  EXPECT_EQ(result(report, "ch07/7.1-1")["status"], "skip");
}

TEST_F(EndToEnd, ChapterTwoPassesWithTheIntendedFailure)
{
  const auto run = check_bundled("chapter 2");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("ch02/2.3-1"), std::string::npos);
  EXPECT_NE(run.out.find("6 listings: 6 pass, 0 fail"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("ch03/"), std::string::npos);
}

TEST_F(EndToEnd, BreakingACorrectListingTurnsTheRunRedAtTheBookLine)
{
  const auto book = copy_of_book("5 impl<'a> Parser<'a> {", "5 impl<'a> Parsr<'a> {");
  const auto report_path = m_temp / "report.json";
  const auto run = check_bundled("--book '" + book.string() + "' 2 --report json='" + report_path.string() + "'");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto report = json::parse(read_file(report_path));
  const auto& broken = result(report, "ch02/2.3-2");
  EXPECT_EQ(broken["status"], "stale"); // the annotation was written for other code
  EXPECT_EQ(broken["actual"]["outcome"], "compile-fail");
  EXPECT_EQ(broken["actual"]["diagnostics"][0]["book_line"], 305);
  EXPECT_NE(run.out.find("book.txt:305:"), std::string::npos) << run.out;
  EXPECT_EQ(result(report, "ch02/2.3-1")["status"], "pass");
}

TEST_F(EndToEnd, CorrectingAnErratumTurnsTheRunRed)
{
  const auto book = copy_of_book("let mut map = HashMap::new();", "let mut map = std::collections::HashMap::new();");
  const auto report_path = m_temp / "report.json";
  const auto run = check_bundled("--book '" + book.string() + "' 3.1 --report json='" + report_path.string() + "'");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto report = json::parse(read_file(report_path));
  const auto& fixed = result(report, "ch03/3.1-1");
  EXPECT_EQ(fixed["status"], "stale");
  EXPECT_EQ(fixed["actual"]["outcome"], "compile");
  EXPECT_TRUE(fixed["expected"]["erratum"].is_string());
  EXPECT_NE(run.out.find("now compiles"), std::string::npos) << run.out;
}

TEST_F(EndToEnd, UnannotatedFailureIsReportedAtTheBookLine)
{
  const auto book = source_dir / "tests" / "e2e" / "books" / "small.txt";
  // The listing claims its error with `// Error!`: the book is green.
  auto run = snipcheck("--book '" + book.string() + "' --build-dir '" + (m_temp / "b").string() + "'", m_temp);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  // The same listing, its marker removed: red, at the book's line 16.
  auto text = read_file(book);
  text.replace(text.find(" // Error!"), 10, "");
  std::ofstream(m_temp / "small.txt") << text;
  run = snipcheck("--book small.txt --build-dir b", m_temp);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("small.txt:16:18: error[E0308]: mismatched types"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("\x1b["), std::string::npos); // no colours when not on a terminal
}

TEST_F(EndToEnd, ListShowsEveryListingAtItsBookLines)
{
  const auto run = snipcheck("list", source_dir);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("ch02/2.3-1"), std::string::npos);
  EXPECT_NE(run.out.find("snippets/intermediate-rust-programming.txt:285-293"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("36 listings"), std::string::npos);
}

// As CommonMark reads it, an unclosed fence runs to the end of the book: that
// listing is bad input (exit 2), every other listing is checked and reported.
TEST_F(EndToEnd, UnclosedFenceIsBadInputOfItsListingOnly)
{
  const auto book = "--book '" + (source_dir / "tests/e2e/books/unclosed.txt").string() + "'";
  auto run = snipcheck(book + " --build-dir b --report json=report.json", m_temp);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.out.find("unclosed.txt:11: code fence opened here is never closed"), std::string::npos) << run.out;
  const auto report = json::parse(read_file(m_temp / "report.json"));
  EXPECT_EQ(result(report, "ch01/1.1-1")["status"], "pass") << report.dump(1);
  EXPECT_EQ(result(report, "ch01/1.2-1")["status"], "fail") << report.dump(1);
  run = snipcheck(book + " list", m_temp);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.out.find("ch01/1.1-1"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("unclosed.txt:11: code fence opened here is never closed"), std::string::npos) << run.err;
}

TEST_F(EndToEnd, UnknownFieldInExpectedIsBadInputWithFileAndLine)
{
  fs::create_directories(m_temp / "expected");
  std::ofstream(m_temp / "expected" / "ch01.toml") << "[\"ch01/1.1-1\"]\nexpect = \"compile\"\nexpectt = \"run\"\n";
  const auto run = snipcheck("--book '" + (source_dir / "tests/e2e/books/small.txt").string() + "' list", m_temp);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("ch01.toml:3: unknown field `expectt`"), std::string::npos) << run.err;
}

TEST_F(EndToEnd, SelectorMatchingNothingIsBadUsage)
{
  const auto run = snipcheck("ch42/*", source_dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("matches no listing"), std::string::npos);
}

TEST_F(EndToEnd, NoToolchainIsAnEnvironmentFailure)
{
  const auto run = snipcheck("--book '" + (source_dir / "tests/e2e/books/small.txt").string() + "' --build-dir b",
                             m_temp, "PATH=/nonexistent");
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("no Rust toolchain"), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find("FAIL"), std::string::npos);
}

TEST_F(EndToEnd, UnwritableBuildFolderIsAnEnvironmentFailure)
{
  const auto run = snipcheck("--book '" + (source_dir / "tests/e2e/books/small.txt").string() +
                                 "' --build-dir /proc/snipcheck-cannot-write",
                             m_temp);
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("--build-dir"), std::string::npos) << run.err;
}

TEST_F(EndToEnd, BlessRestoresWhatHappensAndKeepsHandWrittenText)
{
  fs::copy(source_dir / "expected", m_temp / "expected");
  auto text = read_file(m_temp / "expected" / "ch02.toml");
  const std::string original = text;
  text.replace(text.find("errors = [\"E0106\", \"E0428\"]"), 27, "errors = [\"E0106\"]  ");
  text.insert(text.find("[\"ch02/2.3-1\"]"), "# hand-written note\n");
  std::ofstream(m_temp / "expected" / "ch02.toml") << text;
  auto run = check_bundled("--expected '" + (m_temp / "expected").string() + "' 2.3");
  EXPECT_EQ(run.exit_code, 1);
  run = check_bundled("--expected '" + (m_temp / "expected").string() + "' bless 2.3");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("errors [\"E0106\"] -> [\"E0106\", \"E0428\"]"), std::string::npos) << run.out;
  const auto blessed = read_file(m_temp / "expected" / "ch02.toml");
  EXPECT_NE(blessed.find("# hand-written note\n[\"ch02/2.3-1\"]"), std::string::npos);
  EXPECT_NE(blessed.find("reason = \"Intentional"), std::string::npos);
  run = check_bundled("--expected '" + (m_temp / "expected").string() + "' 2.3");
  EXPECT_EQ(run.exit_code, 0) << run.out;
}

TEST_F(EndToEnd, EditionMatrixShowsTheEdition2024Breakages)
{
  const auto report_path = m_temp / "report.json";
  const auto run = check_bundled("--edition 2021,2024 --report json='" + report_path.string() + "'");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto report = json::parse(read_file(report_path));
  EXPECT_EQ(report["summary"]["listings"], 72);
  std::set<std::string> broken_in_2024;
  for (const auto& entry : report["results"]) {
    if (entry["edition"] == "2024" && entry["actual"].is_object() && entry["actual"]["outcome"] == "compile-fail" &&
        entry["expected"]["outcome"] == "compile-fail" && entry["status"] == "pass") {
      bool fails_in_2021 = false;
      for (const auto& other : report["results"]) {
        fails_in_2021 = fails_in_2021 || (other["id"] == entry["id"] && other["edition"] == "2021" &&
                                          other["expected"]["outcome"] == "compile-fail");
      }
      if (!fails_in_2021) {
        broken_in_2024.insert(entry["id"].get<std::string>());
      }
    }
  }
  EXPECT_EQ(broken_in_2024, (std::set<std::string>{"ch03/3.2.1-1", "ch05/5.3.1-1", "ch05/5.3.2-1"}));
  EXPECT_NE(run.out.find("stable 2021"), std::string::npos); // the summary matrix
  EXPECT_NE(run.out.find("stable 2024"), std::string::npos);
}

TEST_F(EndToEnd, JunitValidatesAndGithubAnnotationsPointAtBookLines)
{
  const auto book = copy_of_book("5 impl<'a> Parser<'a> {", "5 impl<'a> Parsr<'a> {");
  const auto junit = m_temp / "junit.xml";
  // Outside the repository root (no GITHUB_WORKSPACE, no git work tree, not below the current folder): absolute.
  const auto run = check_bundled("--book '" + book.string() + "' --edition 2021,2024 --report junit='" +
                                     junit.string() + "' --report github",
                                 "-u GITHUB_WORKSPACE");
  EXPECT_EQ(run.exit_code, 1);
  const auto schema = source_dir / "tests" / "data" / "junit.xsd";
  const auto validate = "xmllint --noout --schema '" + schema.string() + "' '" + junit.string() + "' 2>/dev/null";
  EXPECT_EQ(std::system(validate.c_str()), 0) << read_file(junit);
  const auto xml = read_file(junit);
  EXPECT_NE(xml.find("<testsuite name=\"ch02\""), std::string::npos);
  EXPECT_NE(xml.find("name=\"ch02/2.3-2 [stable 2024]\""), std::string::npos);
  EXPECT_NE(xml.find("<failure type=\"stale\""), std::string::npos);
  EXPECT_NE(xml.find("book.txt:305:10: error[E0425]"), std::string::npos);
  const std::string annotation =
      "::error file=" + book.string() + ",line=305,col=10,title=snipcheck ch02/2.3-2 [stable 2021]::";
  EXPECT_NE(run.out.find(annotation), std::string::npos) << run.out;
}

// GitHub places an annotation by its path from the repository root, wherever
// the checkout and the current folder are: GITHUB_WORKSPACE, else the git work
// tree holding the book; never `../`.
TEST_F(EndToEnd, GithubAnnotationPathsAreFromTheRepositoryRoot)
{
  const auto repository = m_temp / "repository";
  fs::create_directories(repository / ".git");
  fs::create_directories(repository / "docs");
  fs::rename(copy_of_book("5 impl<'a> Parser<'a> {", "5 impl<'a> Parsr<'a> {"), repository / "docs/book.txt");
  const auto check = [&](const std::string& environment) {
    return check_bundled("--book '" + (repository / "docs/book.txt").string() + "' 2.3 --report github", environment);
  };
  const std::string at_line = ",line=305,col=10,title=snipcheck ch02/2.3-2";
  auto run = check("-u GITHUB_WORKSPACE");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("::error file=docs/book.txt" + at_line), std::string::npos) << run.out;
  run = check("GITHUB_WORKSPACE='" + (repository / "docs").string() + "/'");
  EXPECT_NE(run.out.find("::error file=book.txt" + at_line), std::string::npos) << run.out;
  run = check("GITHUB_WORKSPACE='" + source_dir.string() + "'"); // the book is outside it
  EXPECT_NE(run.out.find("::error file=" + (repository / "docs/book.txt").string() + at_line), std::string::npos)
      << run.out;
  EXPECT_EQ(run.out.find("file=.."), std::string::npos) << run.out;
}

TEST_F(EndToEnd, ShardsTogetherCheckEveryListingOnce)
{
  std::multiset<std::string> seen;
  for (int k = 1; k <= 3; ++k) {
    const auto report_path = m_temp / ("shard" + std::to_string(k) + ".json");
    const auto run = check_bundled("--shard " + std::to_string(k) + "/3 --report json='" + report_path.string() + "'");
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    const auto report = json::parse(read_file(report_path));
    for (const auto& entry : report["results"]) {
      seen.insert(entry["id"].get<std::string>());
    }
  }
  EXPECT_EQ(seen.size(), 36u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 36u);
}

TEST_F(EndToEnd, RustcWrapperIsPassedThroughToCargo)
{
  const auto log = m_temp / "wrapper.log";
  const auto wrapper = m_temp / "wrapper.sh";
  std::ofstream(wrapper) << "#!/bin/sh\necho \"$@\" >> '" << log.string() << "'\nexec \"$@\"\n";
  fs::permissions(wrapper, fs::perms::owner_all);
  const auto run = snipcheck("--book '" + (source_dir / "tests/e2e/books/small.txt").string() + "' --build-dir b",
                             m_temp, "RUSTC_WRAPPER='" + wrapper.string() + "'");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(read_file(log).find("--crate-name ch01_1_1_1"), std::string::npos) << read_file(log);
}

TEST_F(EndToEnd, MissingToolchainNamesTheRustupCommand)
{
  const auto run = snipcheck(
      "--book '" + (source_dir / "tests/e2e/books/small.txt").string() + "' --build-dir b --toolchain 1.10.0", m_temp);
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("rustup toolchain install 1.10.0"), std::string::npos) << run.err;
}

TEST_F(EndToEnd, CiGetsPlainProgressLines)
{
  const auto run = snipcheck("--book '" + (source_dir / "tests/e2e/books/small.txt").string() + "' --build-dir b",
                             m_temp, "CI=true");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.err.find("snipcheck: stable 2021: done [3/3]"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("\r"), std::string::npos);
}

TEST_F(EndToEnd, BadInputsGetTheirMessagesAndExitCodes)
{
  std::ofstream(m_temp / "empty.txt") << "\n\n";
  auto run = snipcheck("--book empty.txt list", m_temp);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("empty.txt: the book is empty"), std::string::npos) << run.err;

  std::ofstream(m_temp / "binary.txt") << std::string("Chapter 1\0\0\0", 12);
  run = snipcheck("--book binary.txt list", m_temp);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("binary file"), std::string::npos) << run.err;

  std::ofstream(m_temp / "latin1.txt") << "Chapter 1\n\nCaf\xe9\n";
  run = snipcheck("--book latin1.txt list", m_temp);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("latin1.txt:3: invalid UTF-8"), std::string::npos) << run.err;

  fs::create_directories(m_temp / "expected");
  std::ofstream(m_temp / "expected" / "ch01.toml") << "[\"ch01/1.1-1\"]\nexpect = \"compiles\"\n\n[\"ch01/9.9-1\"]\n";
  run = snipcheck("--book '" + (source_dir / "tests/e2e/books/small.txt").string() + "' list", m_temp);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("ch01.toml:2: unknown outcome `compiles`"), std::string::npos) << run.err;
  std::ofstream(m_temp / "expected" / "ch01.toml") << "[\"ch01/9.9-1\"]\nexpect = \"compile\"\n";
  run = snipcheck("--book '" + (source_dir / "tests/e2e/books/small.txt").string() + "' list", m_temp);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("ch01.toml:1: [\"ch01/9.9-1\"] matches no listing"), std::string::npos) << run.err;
  std::ofstream(m_temp / "expected" / "ch01.toml") << "[\"ch01/1.1-1\"\nexpect = \"compile\"\n";
  run = snipcheck("--book '" + (source_dir / "tests/e2e/books/small.txt").string() + "' list", m_temp);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("ch01.toml:1: malformed TOML"), std::string::npos) << run.err;
}

TEST_F(EndToEnd, LargeBooksAndLongListingsAreReadQuickly)
{
  // 50 MB of prose with a 100,000-line listing in the middle.
  {
    std::ofstream book(m_temp / "big.txt");
    book << "Chapter 1\n\nBig\n\n1.1 Long\n\n";
    const std::string prose(99, 'x');
    for (int k = 0; k < 250000; ++k) {
      book << prose << "\n";
    }
    book << "```\n";
    for (int k = 1; k <= 100000; ++k) {
      book << k << " let v" << k << " = " << k << ";\n";
    }
    book << "```\n";
    for (int k = 0; k < 250000; ++k) {
      book << prose << "\n";
    }
  }
  ASSERT_GT(fs::file_size(m_temp / "big.txt"), 50u * 1000 * 1000);
  // Linear reading finishes in seconds; a quadratic one would outlast ctest's TIMEOUT
  // (no wall-clock assertion: CI machines are busy).
  const auto run = snipcheck("--book big.txt list", m_temp);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("ch01/1.1-1       big.txt:250008-350007"), std::string::npos) << run.out;
}

TEST_F(EndToEnd, SummaryClassifiesTheBookAndErrataAreReported)
{
  const auto run = check_bundled("");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("book: 15 as printed, 10 with scaffolding, 2 fail as intended, 7 errata, 1 skipped"),
            std::string::npos)
      << run.out;
  const auto errata = check_bundled("errata");
  EXPECT_EQ(errata.exit_code, 0) << errata.err;
  int sections = 0;
  for (auto at = errata.out.find("\n## "); at != std::string::npos; at = errata.out.find("\n## ", at + 1)) {
    ++sections;
  }
  EXPECT_EQ(sections, 7);
  EXPECT_NE(errata.out.find("## 1. Section 3.1, listing ch03/3.1-1"), std::string::npos) << errata.out;
  EXPECT_NE(errata.out.find("- line 327 (listing line 4): error[E0433]"), std::string::npos);
  EXPECT_NE(errata.out.find("**Fix.** Add `use std::collections::HashMap;`"), std::string::npos);
}

TEST_F(EndToEnd, MdbookDiagnosticsPointAtTheIncludedFile)
{
  fs::copy(source_dir / "tests/corpus/mdbook", m_temp / "book", fs::copy_options::recursive);
  auto run = snipcheck("--book book --build-dir b", m_temp);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  // Break the file that nested.md includes: the error is at its own line 3.
  const auto moved = m_temp / "book/listings/moved.rs";
  auto text = read_file(moved);
  text.replace(text.find("assert_eq!(t,"), 13, "assert_eq!(s,");
  std::ofstream(moved) << text;
  run = snipcheck("--book book --build-dir b --report json=report.json", m_temp);
  EXPECT_EQ(run.exit_code, 1);
  const auto report = json::parse(read_file(m_temp / "report.json"));
  bool at_included_line = false;
  for (const auto& entry : report["results"]) {
    for (const auto& diagnostic : entry["actual"].is_object() ? entry["actual"]["diagnostics"] : json::array()) {
      at_included_line = at_included_line || (diagnostic["code"] == "E0382" &&
                                              diagnostic["file"].get<std::string>().ends_with("listings/moved.rs") &&
                                              diagnostic["book_line"] == 3);
    }
  }
  EXPECT_TRUE(at_included_line) << report.dump(1);
  // A missing include is bad input at the including line, never silence.
  fs::remove(moved);
  run = snipcheck("--book book --build-dir b", m_temp);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.out.find("nested.md:2"), std::string::npos) << run.out;
}

TEST_F(EndToEnd, LatexInputListingMapsToItsFile)
{
  fs::copy(source_dir / "tests/corpus/latex", m_temp / "latex", fs::copy_options::recursive);
  auto run = snipcheck("--book latex/book.tex --build-dir b", m_temp);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto code = m_temp / "latex/code/lifetimes.rs";
  auto text = read_file(code);
  text.replace(text.find("{ x } else { y }"), 16, "{ x } else { z }");
  std::ofstream(code) << text;
  run = snipcheck("--book latex/book.tex --build-dir b", m_temp);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("code/lifetimes.rs:3:"), std::string::npos) << run.out;
}

TEST_F(EndToEnd, MergedTargetsGiveTheSameVerdictsAsOneTargetPerListing)
{
  const auto merged_path = m_temp / "merged.json";
  const auto separate_path = m_temp / "separate.json";
  auto run = check_bundled("--no-cache --report json='" + merged_path.string() + "'");
  EXPECT_EQ(run.exit_code, 0) << run.out;
  run = check_bundled("--no-cache --no-merge --report json='" + separate_path.string() + "'");
  EXPECT_EQ(run.exit_code, 0) << run.out;
  const auto merged = json::parse(read_file(merged_path));
  const auto separate = json::parse(read_file(separate_path));
  ASSERT_EQ(merged["results"].size(), separate["results"].size());
  for (std::size_t k = 0; k < merged["results"].size(); ++k) {
    const auto& a = merged["results"][k];
    const auto& b = separate["results"][k];
    EXPECT_EQ(a["status"], b["status"]) << a["id"];
    EXPECT_EQ(a["actual"], b["actual"].is_object() ? b["actual"] : json(nullptr)) << a["id"];
  }
}

} // namespace
