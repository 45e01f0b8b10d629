// The whole pipeline on the bundled book's chapter 2, with cargo's output
// replayed from tests/data/ (captured from a real run) instead of running cargo.
#include "app/pipeline.hpp"
#include "fake_runner.hpp"
#include "report/json_report.hpp"
#include "test_support.hpp"
#include "util/errors.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

namespace snipcheck::app {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using testing::exited;

class PipelineReplay : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_build = std::filesystem::temp_directory_path() / ("snipcheck-replay-" + std::to_string(::getpid()));
    m_options.book = testing::bundled_book();
    m_options.expected = testing::source_dir() / "expected";
    m_options.build_dir = m_build;
    m_options.selectors = {"2"};
    m_options.merge = false; // the captured cargo output built one target per listing
  }
  void TearDown() override { std::filesystem::remove_all(m_build); }

  static cargo::CommandResult rustc_or(const cargo::Command& command,
                                       const std::function<cargo::CommandResult()>& cargo)
  {
    if (command.argv[0] == "rustc") {
      return exited(0, "rustc 1.95.0 (59807616e 2026-04-14)\n");
    }
    return cargo();
  }

  // The whole run, as a call for EXPECT_THAT(..., ThrowsMessage<Fatal>(...)).
  auto check_with(testing::FakeRunner& runner)
  {
    return [this, &runner] { run_check(m_options, runner, [](const std::string&) {}); };
  }

  std::filesystem::path m_build;
  Options m_options;
};

TEST_F(PipelineReplay, LongestListingPassesWithErrorsAtTheBookLines)
{
  const auto captured = text::read_file(testing::source_dir() / "tests" / "data" / "cargo-check-ch02.jsonl");
  testing::FakeRunner runner([&](const cargo::Command& command) {
    return rustc_or(command, [&] {
      auto out = testing::replace_all(captured, "@WORKSPACE@", command.working_dir.string());
      return exited(101, testing::replace_all(out, "@TARGET@", command.set_env.at("CARGO_TARGET_DIR")));
    });
  });
  const auto run = run_check(m_options, runner, [](const std::string&) {});
  ASSERT_EQ(run.results.size(), 6u);
  // rustc --print sysroot and -vV, then one cargo build for the chapter
  ASSERT_EQ(runner.commands.size(), 3u);
  EXPECT_EQ(runner.commands[2].argv[1], "build");
  for (const auto& result : run.results) {
    EXPECT_EQ(result.status(), check::Status::pass) << result.listing->id;
  }
  const auto& longest = run.results[4];
  ASSERT_EQ(longest.listing->id, "ch02/2.3-1");
  ASSERT_EQ(longest.observed.diagnostics.size(), 2u);
  const auto& e0106 = longest.observed.diagnostics[1];
  EXPECT_EQ(e0106.code, "E0106");
  EXPECT_EQ(e0106.book_line, 286);
  EXPECT_EQ(e0106.listing_line, 2);
  EXPECT_EQ(e0106.column, 33);
  EXPECT_EQ(longest.observed.diagnostics[0].book_line, 291);

  const auto report = report::json_report(run);
  EXPECT_EQ(report["schema"], "snipcheck-report/1");
  EXPECT_EQ(report["summary"]["listings"], 6);
  EXPECT_EQ(report["summary"]["pass"], 6);
  const auto& entry = report["results"][4];
  EXPECT_EQ(entry["id"], "ch02/2.3-1");
  EXPECT_EQ(entry["section"], "2.3");
  EXPECT_EQ(entry["ordinal"], 1);
  EXPECT_EQ(entry["source"]["fence_line"], 283);
  EXPECT_EQ(entry["source"]["first_line"], 285);
  EXPECT_EQ(entry["source"]["last_line"], 293);
  EXPECT_EQ(entry["expected"]["outcome"], "compile-fail");
  EXPECT_EQ(entry["expected"]["from"], "expected/ch02.toml");
  EXPECT_EQ(entry["actual"]["errors"], nlohmann::json({"E0106", "E0428"}));
  EXPECT_EQ(entry["actual"]["diagnostics"][1]["book_line"], 286);
  EXPECT_EQ(entry["status"], "pass");
  EXPECT_EQ(entry["toolchain"], "stable");
  EXPECT_EQ(entry["edition"], "2021");
}

TEST_F(PipelineReplay, MissingCargoIsAnEnvironmentFailure)
{
  testing::FakeRunner runner([](const cargo::Command& command) {
    return rustc_or(command, [] {
      cargo::CommandResult result;
      result.start_error = "`cargo` not found on PATH";
      return result;
    });
  });
  EXPECT_THAT(check_with(runner), ThrowsMessage<Fatal>(HasSubstr("Install a Rust toolchain")));
}

TEST_F(PipelineReplay, CargoCrashIsAnEnvironmentFailureNotAListingFailure)
{
  testing::FakeRunner runner([](const cargo::Command& command) {
    return rustc_or(command, [] {
      cargo::CommandResult result;
      result.status = {cargo::ExitStatus::Kind::signaled, 0, 11};
      return result;
    });
  });
  EXPECT_THROW(check_with(runner)(), Fatal);
}

TEST_F(PipelineReplay, CargoFailingBeforeAnyListingIsAnEnvironmentFailure)
{
  testing::FakeRunner runner([](const cargo::Command& command) {
    return rustc_or(command, [] { return exited(101, "", "error: failed to load source for dependency `tokio`"); });
  });
  EXPECT_THAT(check_with(runner), ThrowsMessage<Fatal>(HasSubstr("failed to load source")));
}

TEST_F(PipelineReplay, MissingToolchainSaysHowToInstallIt)
{
  m_options.toolchains = {"1.70"};
  testing::FakeRunner runner([](const cargo::Command&) {
    return exited(1, "", "error: toolchain '1.70-x86_64-unknown-linux-gnu' is not installed");
  });
  EXPECT_THAT(check_with(runner), ThrowsMessage<Fatal>(HasSubstr("rustup toolchain install 1.70")));
}

} // namespace
} // namespace snipcheck::app
