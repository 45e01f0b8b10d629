#include "check/compare.hpp"
#include "check/result.hpp"

#include <gtest/gtest.h>

namespace snipcheck::check {
namespace {

Observed failed_with(std::vector<std::pair<std::string, int>> errors)
{
  Observed observed;
  observed.build = Observed::Build::failed;
  for (const auto& [code, line] : errors) {
    Diagnostic diagnostic;
    diagnostic.level = "error";
    diagnostic.code = code;
    diagnostic.listing_line = line;
    observed.diagnostics.push_back(diagnostic);
  }
  return observed;
}

Expectation compile_fail(std::set<std::string> codes, std::vector<int> lines = {})
{
  Expectation expectation;
  expectation.outcome = Outcome::compile_fail;
  expectation.errors = std::move(codes);
  for (const int line : lines) {
    expectation.required.push_back({line, std::nullopt});
  }
  return expectation;
}

TEST(Compare, ExactErrorSetOnTheClaimedLinesPasses)
{
  const auto verdict =
      compare(compile_fail({"E0106", "E0428"}, {2, 7}), failed_with({{"E0106", 2}, {"E0428", 7}}), "f");
  EXPECT_EQ(status_name(status_of(verdict)), "pass");
}

TEST(Compare, AnUnannotatedErrorFails)
{
  const auto verdict = compare(compile_fail({"E0106"}), failed_with({{"E0106", 2}, {"E0428", 7}}), "f");
  ASSERT_TRUE(std::holds_alternative<verdict::ErrorMismatch>(verdict));
  EXPECT_EQ(std::get<verdict::ErrorMismatch>(verdict).unexpected, (std::set<std::string>{"E0428"}));
  EXPECT_EQ(status_name(status_of(verdict)), "fail");
}

TEST(Compare, ErrorOnTheWrongLineFails)
{
  const auto verdict = compare(compile_fail({"E0106"}, {2}), failed_with({{"E0106", 3}}), "f");
  ASSERT_TRUE(std::holds_alternative<verdict::ErrorMismatch>(verdict));
  EXPECT_EQ(std::get<verdict::ErrorMismatch>(verdict).unmatched.size(), 1u);
}

TEST(Compare, CompilingWhenMeantToFailIsAFailure)
{
  Observed observed;
  observed.build = Observed::Build::compiled;
  EXPECT_TRUE(std::holds_alternative<verdict::UnexpectedSuccess>(compare(compile_fail({"E0106"}), observed, "f")));
}

// Each failing verdict carries what explains it; explain() needs nothing else.
TEST(Compare, VerdictsCarryTheirEvidence)
{
  Observed compiled;
  compiled.build = Observed::Build::compiled;
  const auto success = compare(compile_fail({"E0106"}), compiled, "f");
  ASSERT_TRUE(std::holds_alternative<verdict::UnexpectedSuccess>(success));
  EXPECT_EQ(std::get<verdict::UnexpectedSuccess>(success).expected_errors, (std::set<std::string>{"E0106"}));
  EXPECT_EQ(explain(success), "expected to fail with [E0106], but it compiled");

  Expectation run;
  run.outcome = Outcome::run;
  const auto failure = compare(run, failed_with({{"E0308", 2}}), "f");
  ASSERT_TRUE(std::holds_alternative<verdict::UnexpectedFailure>(failure));
  EXPECT_EQ(std::get<verdict::UnexpectedFailure>(failure).expected, Outcome::run);
  EXPECT_EQ(explain(failure), "expected to run, but it failed to compile with [E0308]");

  const auto mismatch = compare(compile_fail({"E0106"}), failed_with({{"E0106", 2}, {"E0428", 7}}), "f");
  EXPECT_EQ(explain(mismatch), "failed to compile, but not as expected: unexpected [E0428] (got [E0106, E0428])");

  auto stale = compile_fail({"E0106"});
  stale.stale = true;
  stale.recorded_fingerprint = "0123";
  const auto changed = compare(stale, failed_with({{"E0499", 1}}), "4567");
  EXPECT_EQ(explain(changed), "stale: the listing changed since it was annotated (fingerprint 0123 recorded, 4567 "
                              "now); it now fails with [E0499], annotated as compile-fail; review it, then "
                              "`snipcheck bless` it");
  EXPECT_EQ(explain(changed), explain(changed, stale, failed_with({{"E0499", 1}})));
}

TEST(Compare, EnvironmentFailureIsNeverAListingFailure)
{
  Observed observed;
  observed.build = Observed::Build::not_built;
  observed.environment_problem = "dependency failed";
  Expectation expectation;
  EXPECT_EQ(status_name(status_of(compare(expectation, observed, "f"))), "error");
}

TEST(Compare, ACompileTimeoutIsTheListingsFailureWhateverItExpects)
{
  Observed observed;
  observed.build = Observed::Build::timed_out;
  observed.diagnostics.push_back({"error", "snipcheck::compile-timeout", "did not finish"});
  EXPECT_EQ(observed.outcome_name(), "compile-timeout");
  for (const auto outcome : {Outcome::compile, Outcome::run, Outcome::compile_fail}) {
    Expectation expectation;
    expectation.outcome = outcome;
    const auto verdict = compare(expectation, observed, "f");
    ASSERT_TRUE(std::holds_alternative<verdict::TimedOut>(verdict)) << outcome_name(outcome);
    EXPECT_TRUE(std::get<verdict::TimedOut>(verdict).while_compiling);
    EXPECT_EQ(status_name(status_of(verdict)), "fail");
    EXPECT_NE(explain(verdict).find("timed out while compiling"), std::string::npos);
  }
}

TEST(Compare, StaleWinsOverEverythingButNotRust)
{
  auto expectation = compile_fail({"E0106"});
  expectation.stale = true;
  expectation.recorded_fingerprint = "old";
  const auto verdict = compare(expectation, failed_with({{"E0106", 2}}), "new");
  EXPECT_EQ(status_name(status_of(verdict)), "stale");
  EXPECT_NE(explain(verdict, expectation, failed_with({{"E0106", 2}})).find("old"), std::string::npos);
}

TEST(Compare, RunChecksExitAndStdout)
{
  Expectation expectation;
  expectation.outcome = Outcome::run;
  expectation.stdout_text = "r1: 5\n";
  Observed observed;
  observed.build = Observed::Build::compiled;
  observed.run = RunOutput{{cargo::ExitStatus::Kind::exited, 0, 0}, "r1: 5\r\n", "", false};
  EXPECT_EQ(status_name(status_of(compare(expectation, observed, "f"))), "pass");
  observed.run->stdout_text = "r1: 6\n";
  const auto mismatch = compare(expectation, observed, "f");
  ASSERT_TRUE(std::holds_alternative<verdict::OutputMismatch>(mismatch));
  EXPECT_NE(std::get<verdict::OutputMismatch>(mismatch).diff.find("-r1: 5\n+r1: 6\n"), std::string::npos);
  observed.run->status = {cargo::ExitStatus::Kind::signaled, 0, 9};
  EXPECT_TRUE(std::holds_alternative<verdict::RunFailed>(compare(expectation, observed, "f")));
  observed.run->status = {cargo::ExitStatus::Kind::timed_out, 0, 0};
  EXPECT_TRUE(std::holds_alternative<verdict::TimedOut>(compare(expectation, observed, "f")));
}

TEST(Compare, RunFailNeedsAFailure)
{
  Expectation expectation;
  expectation.outcome = Outcome::run_fail;
  Observed observed;
  observed.build = Observed::Build::compiled;
  observed.run = RunOutput{{cargo::ExitStatus::Kind::exited, 101, 0}, "", "panicked", false};
  EXPECT_EQ(status_name(status_of(compare(expectation, observed, "f"))), "pass");
  observed.run->status.code = 0;
  EXPECT_TRUE(std::holds_alternative<verdict::UnexpectedRunSuccess>(compare(expectation, observed, "f")));
}

TEST(Compare, UncodedErrorsCountAsError)
{
  EXPECT_EQ(failed_with({{"", 3}, {"E0432", 1}}).error_codes(), (std::set<std::string>{"E0432", "error"}));
}

// --- compile_fail without codes, and crates that are not available ----------

Diagnostic error_diagnostic(std::string code, std::string message, std::string rendered = "")
{
  Diagnostic diagnostic;
  diagnostic.level = "error";
  diagnostic.code = std::move(code);
  diagnostic.message = std::move(message);
  diagnostic.rendered = std::move(rendered);
  diagnostic.listing_line = 1;
  return diagnostic;
}

Observed failed_with_diagnostics(std::vector<Diagnostic> diagnostics)
{
  Observed observed;
  observed.build = Observed::Build::failed;
  observed.diagnostics = std::move(diagnostics);
  return observed;
}

Expectation fence(Outcome outcome)
{
  Expectation expectation;
  expectation.outcome = outcome;
  expectation.from = "fence";
  return expectation;
}

// As in rustdoc, `compile_fail` without codes passes on any error: a parse
// error, an inline-assembly or macro error, `mod garden;` without its file.
TEST(CompileFailWithoutCodes, PassesOnAnyError)
{
  const auto expectation = fence(Outcome::compile_fail);
  EXPECT_EQ(status_name(status_of(
                compare(expectation, failed_with_diagnostics({error_diagnostic("", "expected `;`, found `}`")}), "f"))),
            "pass");
  auto garden = fence(Outcome::compile_fail);
  garden.declared_names = {"garden"};
  EXPECT_EQ(status_name(status_of(
                compare(garden,
                        failed_with_diagnostics({error_diagnostic("E0583", "file not found for module `garden`"),
                                                 error_diagnostic("E0432", "unresolved import `garden`")}),
                        "f"))),
            "pass");
  // A misspelt std path is the listing's own error, not a missing crate.
  EXPECT_EQ(status_name(status_of(compare(
                expectation,
                failed_with_diagnostics({error_diagnostic("E0432", "unresolved import `std::collections::HashMapp`")}),
                "f"))),
            "pass");
}

TEST(UnavailableCrate, IsASkipWithItsReasonWhateverTheExpectation)
{
  const auto halt = failed_with_diagnostics({error_diagnostic("E0432", "unresolved import `panic_halt`")});
  for (const auto outcome : {Outcome::compile_fail, Outcome::compile, Outcome::run, Outcome::run_fail}) {
    const auto verdict = compare(fence(outcome), halt, "f");
    EXPECT_EQ(status_name(status_of(verdict)), "skip") << outcome_name(outcome);
    EXPECT_EQ(skip_reason(verdict),
              "needs crate panic_halt, which is not available: add it to the book's dependencies");
  }
  // `extern crate`, and `tokio::` in an expression (1.95 and older wordings), with what follows from them.
  const auto several = failed_with_diagnostics(
      {error_diagnostic("E0463", "can't find crate for `cortex_m`"),
       error_diagnostic("E0433", "cannot find module or crate `tokio` in this scope"),
       error_diagnostic("E0433", "failed to resolve: use of undeclared crate or module `anyhow`"),
       error_diagnostic("E0752", "`main` function is not allowed to be `async`"),
       error_diagnostic("", "cannot find attribute `error` in this scope"),
       error_diagnostic("", "`#[panic_handler]` function required, but not found"),
       error_diagnostic("", "unwinding panics are not supported without std")});
  const auto verdict = compare(fence(Outcome::run), several, "f");
  EXPECT_EQ(skip_reason(verdict),
            "needs crates anyhow, cortex_m, tokio, which are not available: add them to the book's dependencies");
}

TEST(UnavailableCrate, NotWhenTheErrorIsTheListingsOwn)
{
  const auto run = fence(Outcome::run);
  // The crate is among the listing's dependencies: something else is wrong.
  auto with_tokio = run;
  with_tokio.deps = {{"tokio", "1", {}, true}};
  const auto tokio = failed_with_diagnostics({error_diagnostic("E0433", "cannot find module or crate `tokio`")});
  EXPECT_EQ(status_name(status_of(compare(with_tokio, tokio, "f"))), "fail");
  // A module the listing declares, or one rustc knows (a forgotten `use std::fmt;`, `crate::`).
  auto declares = run;
  declares.declared_modules = {"tokio"};
  EXPECT_EQ(status_name(status_of(compare(declares, tokio, "f"))), "fail");
  EXPECT_EQ(status_name(status_of(compare(run,
                                          failed_with_diagnostics({error_diagnostic(
                                              "E0433", "cannot find module or crate `fmt` in this scope",
                                              "help: consider importing this module\n  |\n1 + use std::fmt;\n")}),
                                          "f"))),
            "fail");
  EXPECT_EQ(status_name(status_of(compare(run,
                                          failed_with_diagnostics({error_diagnostic(
                                              "E0432", "unresolved import `garden`", "help: a similar path exists")}),
                                          "f"))),
            "fail");
  // std, core and alloc are always there.
  EXPECT_EQ(status_name(status_of(
                compare(run, failed_with_diagnostics({error_diagnostic("E0432", "unresolved import `core`")}), "f"))),
            "fail");
  // Not only the crate: a real error besides it is reported.
  EXPECT_EQ(status_name(
                status_of(compare(run,
                                  failed_with_diagnostics({error_diagnostic("E0432", "unresolved import `panic_halt`"),
                                                           error_diagnostic("E0308", "mismatched types")}),
                                  "f"))),
            "fail");
  // A compile_fail block without codes passes on that other error, as in rustdoc.
  EXPECT_EQ(status_name(
                status_of(compare(fence(Outcome::compile_fail),
                                  failed_with_diagnostics({error_diagnostic("E0432", "unresolved import `panic_halt`"),
                                                           error_diagnostic("E0308", "mismatched types")}),
                                  "f"))),
            "pass");
}

// A maintainer who records E0432 means it: the listing shows what happens without the crate.
TEST(UnavailableCrate, ClaimedCrateErrorsAreCheckedAsUsual)
{
  const auto halt = failed_with_diagnostics({error_diagnostic("E0432", "unresolved import `panic_halt`")});
  EXPECT_EQ(status_name(status_of(compare(compile_fail({"E0432"}), halt, "f"))), "pass");
  EXPECT_EQ(status_name(status_of(compare(compile_fail({"E0433"}), halt, "f"))), "fail");
}

} // namespace
} // namespace snipcheck::check
