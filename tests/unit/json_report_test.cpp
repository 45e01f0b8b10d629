// The JSON report (snipcheck-report/1) on a hand-built run: the summary, the
// book's classes, and what each result says it expected and saw.
#include "report/json_report.hpp"
#include "report_fixture.hpp"

#include <gtest/gtest.h>

namespace snipcheck::report {
namespace {

using nlohmann::json;

const json& entry(const json& report, const std::string& id)
{
  for (const auto& result : report["results"]) {
    if (result["id"] == id) {
      return result;
    }
  }
  throw std::out_of_range(id);
}

TEST(JsonReport, HeaderAndSummary)
{
  const testing::ReportFixture fixture;
  const auto report = json_report(fixture.run);
  EXPECT_EQ(report["schema"], "snipcheck-report/1");
  EXPECT_EQ(report["book"], "book.md");
  EXPECT_EQ(report["toolchains"], json::parse(R"x([{"name":"stable","rustc":"rustc 1.95.0 (59807616e 2026-04-14)"}])x"));
  EXPECT_EQ(report["editions"], json({"2021"}));
  EXPECT_EQ(report["summary"], json::parse(R"x({"listings":9,"pass":2,"fail":3,"stale":1,"skip":1,"not_rust":1,
      "error":1,"duration_ms":1500,"cached":1,"book":{"as_printed":1,"with_scaffolding":0,"fail_as_intended":0,
      "errata":1,"skipped":1,"not_passing":5}})x"));
  EXPECT_EQ(report["results"].size(), 9u);
  EXPECT_EQ(report["ignored"].size(), 1u);
}

TEST(JsonReport, AFailureCarriesItsDiagnosticsAtTheBookLines)
{
  const testing::ReportFixture fixture;
  const auto report = json_report(fixture.run);
  const auto& failed = entry(report, "ch01/1.1-2");
  EXPECT_EQ(failed["status"], "fail");
  EXPECT_EQ(failed["message"], "expected to compile, but it failed to compile with [E0308]");
  EXPECT_EQ(failed["source"], json::parse(R"x({"file":"book.md","fence_line":7,"first_line":8,"last_line":10})x"));
  EXPECT_EQ(failed["expected"], json::parse(R"x({"outcome":"compile","errors":null,"from":"default","reason":null,
      "erratum":null,"fix":null})x"));
  EXPECT_EQ(failed["actual"], json::parse(R"x({"outcome":"compile-fail","errors":["E0308"],"stdout":null,
      "exit_code":null,"diagnostics":[{"level":"error","code":"E0308","message":"mismatched types","book_line":9,
      "listing_line":2,"column":18,"file":"book.md"}]})x"));
  EXPECT_EQ(failed["skip_reason"], nullptr);
  EXPECT_EQ(failed["duration_ms"], 250);
  EXPECT_EQ(failed["cached"], false);
  EXPECT_EQ(failed["toolchain"], "stable");
  EXPECT_EQ(failed["edition"], "2021");
  EXPECT_EQ(failed["fingerprint"], fixture.result("ch01/1.1-2").listing->fingerprint());
}

TEST(JsonReport, EachStatusWithWhatExplainsIt)
{
  const testing::ReportFixture fixture;
  const auto report = json_report(fixture.run);
  const auto& skipped = entry(report, "ch01/1.1-3");
  EXPECT_EQ(skipped["status"], "skip");
  EXPECT_EQ(skipped["skip_reason"], "marked `ignore`");
  EXPECT_EQ(skipped["actual"], nullptr); // never built
  EXPECT_EQ(entry(report, "ch01/1.1-4")["status"], "not-rust");
  const auto& erratum = entry(report, "ch02/2.1-1");
  EXPECT_EQ(erratum["status"], "pass");
  EXPECT_EQ(erratum["expected"]["erratum"], "uses `s` after moving it");
  EXPECT_EQ(erratum["expected"]["fix"], "call `s.clone()`");
  EXPECT_EQ(erratum["expected"]["errors"], json({"E0382"}));
  const auto& claim = entry(report, "ch02/2.1-2");
  EXPECT_EQ(claim["expected"]["claim"], "does_not_compile");
  EXPECT_EQ(claim["actual"]["forms"], json({"program"}));
  const auto& environment = entry(report, "ch02/2.1-3");
  EXPECT_EQ(environment["status"], "error");
  EXPECT_EQ(environment["actual"]["outcome"], "not-built");
  EXPECT_EQ(environment["actual"]["environment_problem"], "cargo was killed by signal 9");
  EXPECT_EQ(entry(report, "ch02/2.1-4")["status"], "stale");
  const auto& printed = entry(report, "ch03/3.1-1");
  EXPECT_EQ(printed["status"], "fail");
  EXPECT_EQ(printed["expected"]["stdout"], "hello\n");
  EXPECT_EQ(printed["actual"]["stdout"], "hullo\n");
  EXPECT_EQ(printed["actual"]["exit_code"], 0);
  EXPECT_EQ(printed["expected"]["output_block"]["first_line"], 44);
}

TEST(JsonReport, ASignalIsReportedInsteadOfAnExitCode)
{
  testing::ReportFixture fixture;
  auto& crashed = fixture.run.results[0];
  crashed.observed.run->status = {cargo::ExitStatus::Kind::signaled, 0, 11};
  crashed.verdict = check::verdict::RunFailed{crashed.observed.run->status};
  const auto report = json_report(fixture.run);
  const auto& entry_json = entry(report, "ch01/1.1-1");
  EXPECT_EQ(entry_json["actual"]["exit_code"], nullptr);
  EXPECT_EQ(entry_json["actual"]["signal"], 11);
  EXPECT_EQ(entry_json["actual"]["outcome"], "run-fail");
  EXPECT_EQ(entry_json["status"], "fail");
}

} // namespace
} // namespace snipcheck::report
