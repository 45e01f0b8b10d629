#include "check/compare.hpp"

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
  EXPECT_EQ(status_name(verdict), "pass");
}

TEST(Compare, AnUnannotatedErrorFails)
{
  const auto verdict = compare(compile_fail({"E0106"}), failed_with({{"E0106", 2}, {"E0428", 7}}), "f");
  ASSERT_TRUE(std::holds_alternative<verdict::ErrorMismatch>(verdict));
  EXPECT_EQ(std::get<verdict::ErrorMismatch>(verdict).unexpected, (std::set<std::string>{"E0428"}));
  EXPECT_EQ(status_name(verdict), "fail");
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

TEST(Compare, EnvironmentFailureIsNeverAListingFailure)
{
  Observed observed;
  observed.build = Observed::Build::not_built;
  observed.environment_problem = "dependency failed";
  Expectation expectation;
  EXPECT_EQ(status_name(compare(expectation, observed, "f")), "error");
}

TEST(Compare, StaleWinsOverEverythingButNotRust)
{
  auto expectation = compile_fail({"E0106"});
  expectation.stale = true;
  expectation.recorded_fingerprint = "old";
  const auto verdict = compare(expectation, failed_with({{"E0106", 2}}), "new");
  EXPECT_EQ(status_name(verdict), "stale");
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
  EXPECT_EQ(status_name(compare(expectation, observed, "f")), "pass");
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
  EXPECT_EQ(status_name(compare(expectation, observed, "f")), "pass");
  observed.run->status.code = 0;
  EXPECT_TRUE(std::holds_alternative<verdict::UnexpectedRunSuccess>(compare(expectation, observed, "f")));
}

TEST(Compare, UncodedErrorsCountAsError)
{
  EXPECT_EQ(failed_with({{"", 3}, {"E0432", 1}}).error_codes(), (std::set<std::string>{"E0432", "error"}));
}

} // namespace
} // namespace snipcheck::check
