// `snipcheck lint`'s pure parts (docs/lint.md): the [lint] table, the flags
// clippy-driver gets, which listings a lint run keeps out of batches, reading
// `clippy-driver -W help`, and the findings taken from a finished run. No cargo.
#include "build/cache.hpp"
#include "cargo/cargo.hpp"
#include "cargo/compile_limit.hpp"
#include "check/expectation.hpp"
#include "lint/lint.hpp"
#include "lint/lint_config.hpp"
#include "report/lint_report.hpp"
#include "util/errors.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include <unistd.h>

namespace snipcheck::lint {
namespace {

LintConfig read(const std::string& text, std::vector<InputProblem>& problems)
{
  const auto document = toml::parse(text);
  return read_lint_table(*document.get("lint"), "snipcheck.toml", problems);
}

TEST(LintConfig, ReadsTheListsAndTheFailingLevel)
{
  std::vector<InputProblem> problems;
  const auto config = read("[lint]\nallow = [\"clippy::needless-return\"]\nwarn = [\"clippy::pedantic\"]\n"
                           "deny = [\"unused_variables\"]\nfail-on = \"deny\"\n",
                           problems);
  EXPECT_TRUE(problems.empty());
  ASSERT_EQ(config.entries.size(), 3u);
  const auto entry = [&](const std::string& name) {
    const auto found =
        std::find_if(config.entries.begin(), config.entries.end(), [&](const LevelEntry& e) { return e.name == name; });
    return found == config.entries.end() ? LevelEntry{} : *found;
  };
  EXPECT_EQ(entry("clippy::needless_return").level, Level::allow); // as diagnostics spell it
  EXPECT_EQ(entry("clippy::needless_return").line, 2);
  EXPECT_EQ(entry("clippy::pedantic").level, Level::warn);
  EXPECT_EQ(entry("clippy::pedantic").line, 3);
  EXPECT_EQ(entry("unused_variables").level, Level::deny);
  EXPECT_EQ(config.fail_on, Level::deny);
}

TEST(LintConfig, EveryProblemHasItsLine)
{
  std::vector<InputProblem> problems;
  read("[lint]\nallow = \"clippy::x\"\nwarn = [3]\nfail-on = \"error\"\nlevels = 1\n"
       "deny = [\"clippy::a\"]\n",
       problems);
  std::sort(problems.begin(), problems.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_EQ(problems[0].line, 2);
  EXPECT_NE(problems[0].message.find("array"), std::string::npos);
  EXPECT_EQ(problems[1].line, 3);
  EXPECT_EQ(problems[2].line, 4);
  EXPECT_NE(problems[2].message.find("fail-on"), std::string::npos);
  EXPECT_EQ(problems[3].line, 5);
  EXPECT_NE(problems[3].message.find("unknown field `lint.levels`"), std::string::npos);
  EXPECT_EQ(problems[3].file, "snipcheck.toml");
}

TEST(LintConfig, ANameInTwoListsIsAProblem)
{
  std::vector<InputProblem> problems;
  read("[lint]\nallow = [\"clippy::a\"]\ndeny = [\"clippy::a\"]\n", problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_NE(problems[0].message.find("both"), std::string::npos);
}

TEST(ClippyFlags, ClippysDenyByDefaultLintsWarnAndALintWinsOverItsGroup)
{
  std::vector<InputProblem> problems;
  const auto config = read("[lint]\nallow = [\"clippy::module_name_repetitions\"]\n"
                           "deny = [\"clippy::pedantic\"]\nwarn = [\"clippy::style\"]\n",
                           problems);
  const auto flags = clippy_flags(config, {"clippy::pedantic", "clippy::style"});
  const std::vector<std::string> expected{"-Wclippy::all", "-Aunexpected_cfgs", "-Wclippy::style", "-Wclippy::pedantic",
                                          "-Aclippy::module_name_repetitions"};
  EXPECT_EQ(flags, expected); // denied ones warn: snipcheck tells the levels apart, the build stays check's
}

scratch::ScratchSource source(const std::string& text)
{
  scratch::ScratchSource s;
  s.text = text;
  return s;
}

TEST(CanMergeForLint, KeepsTestModulesAndCallsOfMainAlone)
{
  EXPECT_TRUE(can_merge_for_lint(source("fn main() {\n    let domain = domain();\n}\n")));
  EXPECT_TRUE(can_merge_for_lint(source("fn main () {}\nfn remain(x: u8) {}\n")));
  EXPECT_FALSE(can_merge_for_lint(source("fn main() {\n    main();\n}\n")));
  EXPECT_FALSE(can_merge_for_lint(source("fn main() { crate::main () }\n")));
  EXPECT_FALSE(can_merge_for_lint(source("fn f() {}\n#[cfg(test)]\nmod tests {}\n")));
}

TEST(ConfirmAlone, LintsThatSeeTheBatchNeedABuildAlone)
{
  check::Observed observed;
  observed.diagnostics.push_back({"warning", "clippy::needless_return"});
  EXPECT_FALSE(confirm_alone(observed));
  observed.diagnostics.push_back({"warning", "clippy::missing_const_for_fn"});
  EXPECT_TRUE(confirm_alone(observed));
}

constexpr std::string_view help_text = R"(
Available lint options:
    -W <foo>           Warn about <foo>

Lint checks provided by rustc:

                      name  default  meaning
                      ----  -------  -------
          unused-variables  warn     detect variables which are not used in any way
           non-snake-case   warn     variables, methods, functions should have snake case names

Lint groups provided by rustc:

                      name  sub-lints
                      ----  ---------
                  warnings  all lints that are set to issue warnings
                    unused  unused-variables, dead-code

Lint checks loaded by this crate:

                      name  default  meaning
                      ----  -------  -------
   clippy::needless-return  warn     using a return statement like `return expr;` where an expression would suffice
          clippy::len-zero  warn     checking `x.len() == 0`
            clippy::eq-op   deny     equal operands

Lint groups loaded by this crate:

                      name  sub-lints
                      ----  ---------
               clippy::all  clippy::needless-return, clippy::len-zero, clippy::eq-op
             clippy::style  clippy::needless-return, clippy::len-zero
)";

TEST(LintHelp, ReadsLintsAndGroupsAsDiagnosticsNameThem)
{
  const auto known = parse_lint_help(help_text);
  EXPECT_TRUE(known.lints.contains("unused_variables"));
  EXPECT_TRUE(known.lints.contains("clippy::needless_return"));
  EXPECT_TRUE(known.knows("clippy::style"));
  EXPECT_TRUE(known.knows("warnings"));
  EXPECT_FALSE(known.knows("clippy::needles_return"));
  EXPECT_EQ(known.groups.at("clippy::style"), (std::set<std::string>{"clippy::needless_return", "clippy::len_zero"}));
  EXPECT_EQ(known.groups.at("unused"), (std::set<std::string>{"unused_variables", "dead_code"}));
  EXPECT_TRUE(known.groups.at("warnings").empty());
}

// A finished run of one listing with these diagnostics.
struct OneListing
{
  book::Listing listing;
  check::CheckRun run;

  explicit OneListing(std::vector<check::Diagnostic> diagnostics,
                      check::Observed::Build build = check::Observed::Build::compiled)
  {
    listing.id = "ch01/1-2";
    listing.files = {"src/ch01.md"};
    listing.fence_line = 10;
    listing.lines = {{"fn main() {", 11}, {"    return;", 12}, {"}", 13}};
    check::ListingResult result;
    result.listing = &listing;
    result.toolchain = "stable";
    result.edition = "2021";
    result.observed.build = build;
    result.observed.diagnostics = std::move(diagnostics);
    run.results.push_back(std::move(result));
  }
};

check::Diagnostic diagnostic(std::string level, std::string code, int book_line)
{
  check::Diagnostic d;
  d.level = std::move(level);
  d.code = std::move(code);
  d.message = "a message";
  d.book_file = "src/ch01.md";
  d.book_line = book_line;
  d.listing_line = book_line > 0 ? book_line - 10 : 0;
  d.column = 5;
  return d;
}

TEST(Findings, OnlyLintsOnTheListingsOwnLinesEachOnce)
{
  const auto known = parse_lint_help(help_text);
  OneListing run({diagnostic("warning", "clippy::needless_return", 12),
                  diagnostic("warning", "clippy::needless_return", 12),
                  diagnostic("warning", "clippy::len_zero", 0), // the wrapper, a prelude or a batch's glue
                  diagnostic("warning", "", 12), diagnostic("note", "clippy::eq_op", 12)});
  const auto lint = collect_findings(run.run, {}, known);
  ASSERT_EQ(lint.results.size(), 1u);
  ASSERT_EQ(lint.results[0].findings.size(), 1u);
  EXPECT_EQ(lint.results[0].findings[0].diagnostic.code, "clippy::needless_return");
  EXPECT_EQ(lint.results[0].findings[0].level, Level::warn);
  EXPECT_TRUE(fails(lint));
  EXPECT_EQ(findings_per_lint(lint), (std::map<std::string, int>{{"clippy::needless_return", 1}}));
}

TEST(Findings, LevelsComeFromTheLintThenItsStrictestGroup)
{
  const auto known = parse_lint_help(help_text);
  OneListing run({diagnostic("warning", "clippy::needless_return", 12), diagnostic("warning", "clippy::len_zero", 12),
                  diagnostic("warning", "non_snake_case", 11)});
  std::vector<InputProblem> problems;
  auto config =
      read("[lint]\nwarn = [\"clippy::needless_return\"]\ndeny = [\"clippy::style\"]\nfail-on = \"deny\"\n", problems);
  auto lint = collect_findings(run.run, config, known);
  ASSERT_EQ(lint.results[0].findings.size(), 3u);
  EXPECT_EQ(lint.results[0].findings[0].level, Level::warn); // named itself
  EXPECT_EQ(lint.results[0].findings[1].level, Level::deny); // by its group
  EXPECT_EQ(lint.results[0].findings[2].level, Level::warn); // as reported
  EXPECT_TRUE(fails(lint));
  config = read("[lint]\nallow = [\"clippy::len_zero\"]\nfail-on = \"deny\"\n", problems);
  lint = collect_findings(run.run, config, known);
  EXPECT_EQ(lint.results[0].findings.size(), 2u);
  EXPECT_FALSE(fails(lint)); // warnings only, and the run fails at deny
  config = read("[lint]\ndeny = [\"warnings\"]\nfail-on = \"deny\"\n", problems);
  lint = collect_findings(run.run, config, known);
  EXPECT_TRUE(fails(lint));
}

TEST(Findings, AnEntryOfTheListingAllowsWithItsLine)
{
  const auto known = parse_lint_help(help_text);
  OneListing run({diagnostic("warning", "clippy::needless_return", 12), diagnostic("warning", "non_snake_case", 11)});
  auto& expectation = run.run.results[0].expectation;
  expectation.annotation_file = "expected/ch01.toml";
  expectation.allowed_lints = {{"clippy::style", 3}, {"clippy::no_such_lint", 4}};
  const auto lint = collect_findings(run.run, {}, known);
  ASSERT_EQ(lint.results[0].findings.size(), 2u);
  EXPECT_EQ(lint.results[0].findings[0].allowed_by, "expected/ch01.toml:3");
  EXPECT_TRUE(lint.results[0].findings[1].allowed_by.empty());
  EXPECT_FALSE(counts(lint.results[0].findings[0], Level::warn));
  ASSERT_EQ(lint.problems.size(), 1u); // a name clippy does not know, at its line
  EXPECT_EQ(lint.problems[0].file, "expected/ch01.toml");
  EXPECT_EQ(lint.problems[0].line, 4);
  EXPECT_NE(report::finding_line(lint.results[0].findings[0], run.run.results[0], false).find("allowed by"),
            std::string::npos);
}

TEST(Findings, AListingThatDoesNotCompileOrShouldNotIsNotLinted)
{
  const auto known = parse_lint_help(help_text);
  OneListing broken({diagnostic("error", "E0308", 12), diagnostic("warning", "clippy::needless_return", 12)},
                    check::Observed::Build::failed);
  auto lint = collect_findings(broken.run, {}, known);
  EXPECT_EQ(lint.results[0].not_linted, "does not compile (E0308)");
  EXPECT_TRUE(lint.results[0].findings.empty());
  EXPECT_FALSE(fails(lint));
  // Failing only by a lint it denies itself: linted, the lint at deny.
  OneListing denied({diagnostic("error", "clippy::needless_return", 12)}, check::Observed::Build::failed);
  lint = collect_findings(denied.run, {}, known);
  EXPECT_TRUE(lint.results[0].not_linted.empty());
  ASSERT_EQ(lint.results[0].findings.size(), 1u);
  EXPECT_EQ(lint.results[0].findings[0].level, Level::deny);
  OneListing meant({diagnostic("warning", "clippy::needless_return", 12)});
  meant.run.results[0].expectation.outcome = check::Outcome::compile_fail;
  lint = collect_findings(meant.run, {}, known);
  EXPECT_EQ(lint.results[0].not_linted, "expected not to compile");
}

TEST(Findings, UnknownNamesInLintAreProblemsAtTheirLines)
{
  std::vector<InputProblem> problems;
  const auto config = read("[lint]\nwarn = [\"clippy::style\",\n  \"clippy::stlye\"]\n", problems);
  const auto lint = collect_findings({}, config, parse_lint_help(help_text));
  ASSERT_EQ(lint.problems.size(), 1u);
  EXPECT_EQ(lint.problems[0].line, 3);
  EXPECT_NE(lint.problems[0].message.find("clippy::stlye"), std::string::npos);
}

TEST(LintReports, JsonGithubAndJunitCarryTheFindings)
{
  OneListing run({diagnostic("warning", "clippy::needless_return", 12)});
  const auto lint = collect_findings(run.run, {}, parse_lint_help(help_text));
  const auto json = report::lint_json_report(run.run, lint);
  EXPECT_EQ(json["schema"], "snipcheck-lint/1");
  EXPECT_EQ(json["results"][0]["findings"][0]["lint"], "clippy::needless_return");
  EXPECT_EQ(json["results"][0]["findings"][0]["book_line"], 12);
  EXPECT_EQ(json["per_lint"]["clippy::needless_return"], 1);
  EXPECT_EQ(json["summary"]["failed"], true);
  const auto github = report::lint_github_annotations(lint);
  EXPECT_NE(github.find("::warning file="), std::string::npos);
  EXPECT_NE(github.find("line=12,col=5"), std::string::npos);
  const auto junit = report::lint_junit_report(run.run, lint);
  EXPECT_NE(junit.find("<failure type=\"lint\""), std::string::npos);
}

TEST(LintBuild, ClippyDriverTakesRustcsPlaceForTheWorkspaceOnly)
{
  cargo::CargoSettings settings{"/ws", "/target", "", false};
  settings.toolchain_bin = "/toolchains/stable/bin";
  settings.clippy_driver = "/toolchains/stable/bin/clippy-driver";
  settings.clippy_flags = {"-Wclippy::all", "-Aclippy::len_zero"};
  auto command = cargo::cargo_command(settings, "build", {});
  EXPECT_EQ(command.set_env.at("CLIPPY_ARGS"), "-Wclippy::all__CLIPPY_HACKERY__-Aclippy::len_zero__CLIPPY_HACKERY__");
  EXPECT_EQ(command.set_env.at("CLIPPY_CONF_DIR"), "/ws");
  EXPECT_EQ(command.set_env.at("RUSTC"), "/toolchains/stable/bin/rustc"); // crates are compiled by rustc
  if (command.set_env.contains(cargo::compile_limit_variable)) {
    // snipcheck is the workspace wrapper (the compile limit): it runs clippy-driver in rustc's place
    EXPECT_EQ(command.set_env.at(cargo::clippy_driver_variable), settings.clippy_driver.string());
  } else {
    EXPECT_EQ(command.set_env.at("RUSTC_WORKSPACE_WRAPPER"), settings.clippy_driver.string());
  }
  settings.compile_timeout = std::chrono::seconds(10);
  command = cargo::cargo_command(settings, "build", {});
  if (!command.set_env.contains("RUSTC_WRAPPER")) {
    EXPECT_EQ(command.set_env.at(cargo::clippy_driver_variable), settings.clippy_driver.string());
    EXPECT_NE(command.set_env.at("RUSTC_WORKSPACE_WRAPPER"), settings.clippy_driver.string());
  }
  settings.clippy_driver.clear();
  command = cargo::cargo_command(settings, "build", {});
  EXPECT_FALSE(command.set_env.contains("CLIPPY_ARGS"));
  EXPECT_FALSE(command.set_env.contains(cargo::clippy_driver_variable));
}

TEST(LintBuild, NoClippyForTheToolchainNamesTheComponentToAdd)
{
  const auto bin = std::filesystem::temp_directory_path() / ("snipcheck-noclippy-" + std::to_string(::getpid()));
  std::filesystem::create_directories(bin);
  try {
    cargo::resolve_clippy_driver(bin, "nightly");
    FAIL() << "a toolchain without clippy-driver was accepted";
  } catch (const Fatal& error) {
    EXPECT_NE(std::string(error.what()).find("rustup component add clippy --toolchain nightly"), std::string::npos)
        << error.what();
  }
  std::ofstream(bin / "clippy-driver") << "#!/bin/sh\n";
  std::filesystem::permissions(bin / "clippy-driver", std::filesystem::perms::owner_all);
  EXPECT_EQ(cargo::resolve_clippy_driver(bin, "nightly"), bin / "clippy-driver");
  std::filesystem::remove_all(bin);
}

TEST(LintBuild, ALintRunNeverSharesACacheEntryWithACheckRun)
{
  book::Listing listing;
  listing.id = "ch01/1-1";
  scratch::Unit unit;
  unit.listing = &listing;
  unit.source.text = "fn main() {}\n";
  build::CacheContext context{"rustc 1.95.0\n", "", false, 10};
  const auto check_key = build::cache_key(unit, context);
  context.clippy_flags = std::vector<std::string>{"-Wclippy::all"};
  const auto lint_key = build::cache_key(unit, context);
  EXPECT_NE(check_key, lint_key);
  context.clippy_flags = std::vector<std::string>{"-Wclippy::all", "-Wclippy::pedantic"};
  EXPECT_NE(build::cache_key(unit, context), lint_key);
}

TEST(ExpectedAllow, NeedsAReasonAndKeepsTheLineOfEachName)
{
  const auto entries = check::parse_expectation_file(
      "[\"ch01/1-1\"]\nallow = [\"clippy::needless-range-loop\",\n  \"clippy::len_zero\"]\nreason = \"on purpose\"\n",
      "expected/ch01.toml");
  const auto& allow = entries.at("ch01/1-1").allow;
  ASSERT_EQ(allow.size(), 2u);
  EXPECT_EQ(allow[0], (std::pair<std::string, int>{"clippy::needless_range_loop", 2}));
  EXPECT_EQ(allow[1].second, 3);
  try {
    check::parse_expectation_file("[\"ch01/1-1\"]\nallow = [\"clippy::len_zero\"]\n", "expected/ch01.toml");
    FAIL() << "an allow without a reason was accepted";
  } catch (const InputError& error) {
    ASSERT_EQ(error.problems().size(), 1u);
    EXPECT_NE(error.problems()[0].message.find("reason"), std::string::npos);
    EXPECT_EQ(error.problems()[0].line, 1);
  }
}

} // namespace
} // namespace snipcheck::lint
