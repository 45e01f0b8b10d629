#include "build/cache.hpp"
#include "app/pipeline.hpp"
#include "fake_runner.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <unistd.h>

namespace snipcheck::app {
namespace {

struct Fixture
{
  book::Listing listing;
  scratch::Unit unit;
  build::CacheContext context{"rustc 1.95.0\ncommit-hash: abc\n", "", false, 10};

  Fixture()
  {
    listing.id = "ch01/1.1-1";
    unit.listing = &listing;
    unit.source.text = "fn main() {}\n";
    unit.edition = "2021";
  }
};

TEST(CacheKey, ChangesWithEverythingThatCanChangeAVerdict)
{
  Fixture f;
  const auto base = build::cache_key(f.unit, f.context);
  EXPECT_EQ(base, build::cache_key(f.unit, f.context));
  auto changed = f;
  changed.unit.listing = &changed.listing;
  changed.unit.source.text = "fn main() { }\n";
  EXPECT_NE(build::cache_key(changed.unit, changed.context), base);
  changed = f;
  changed.unit.listing = &changed.listing;
  changed.unit.edition = "2024";
  EXPECT_NE(build::cache_key(changed.unit, changed.context), base);
  changed.unit.edition = "2021";
  changed.unit.deps.push_back({"tokio", "1", {"full"}, true});
  EXPECT_NE(build::cache_key(changed.unit, changed.context), base);
  changed = f;
  changed.unit.listing = &changed.listing;
  changed.context.rustc_verbose_version = "rustc 1.96.0\n";
  EXPECT_NE(build::cache_key(changed.unit, changed.context), base);
  changed.context = f.context;
  changed.context.runs = true;
  EXPECT_NE(build::cache_key(changed.unit, changed.context), base);
  changed.unit.crate_type = scratch::CrateType::proc_macro;
  changed.context.runs = false;
  EXPECT_NE(build::cache_key(changed.unit, changed.context), base);
}

class CacheStore : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_folder = std::filesystem::temp_directory_path() / ("snipcheck-cache-" + std::to_string(::getpid()));
  }
  void TearDown() override { std::filesystem::remove_all(m_folder); }
  std::filesystem::path m_folder;
};

TEST_F(CacheStore, RoundTripsAnObservation)
{
  check::Observed observed;
  observed.build = check::Observed::Build::compiled;
  check::Diagnostic diagnostic;
  diagnostic.level = "warning";
  diagnostic.code = "dead_code";
  diagnostic.book_line = 42;
  diagnostic.other_listing_lines = {3, 4};
  diagnostic.fixes = {{"remove `return`", {{2, 5, 2, 12, ""}, {2, 17, 2, 18, "\xFF"}}}};
  observed.diagnostics.push_back(diagnostic);
  observed.run = check::RunOutput{{cargo::ExitStatus::Kind::exited, 0, 0}, "r1: 5\n", "", false};
  const build::ResultCache cache(m_folder);
  cache.store("k", observed);
  const auto loaded = cache.load("k");
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->cached);
  EXPECT_EQ(loaded->build, check::Observed::Build::compiled);
  EXPECT_EQ(loaded->diagnostics[0].book_line, 42);
  EXPECT_EQ(loaded->diagnostics[0].other_listing_lines, (std::vector<int>{3, 4}));
  EXPECT_EQ(loaded->diagnostics[0].fixes, diagnostic.fixes); // `snipcheck fix` reads them from a cached verdict
  EXPECT_EQ(loaded->run->stdout_text, "r1: 5\n");
  EXPECT_FALSE(cache.load("other"));
}

TEST_F(CacheStore, NeverKeepsEnvironmentFailuresOrTimeouts)
{
  const build::ResultCache cache(m_folder);
  check::Observed not_built;
  cache.store("a", not_built);
  EXPECT_FALSE(cache.load("a"));
  check::Observed timed_out;
  timed_out.build = check::Observed::Build::compiled;
  timed_out.run = check::RunOutput{{cargo::ExitStatus::Kind::timed_out, 0, 0}, "", "", false};
  cache.store("b", timed_out);
  EXPECT_FALSE(cache.load("b"));
}

TEST_F(CacheStore, ADamagedEntryIsAMiss)
{
  std::filesystem::create_directories(m_folder);
  text::write_file_atomically(m_folder / "k.json", "{ not json");
  EXPECT_FALSE(build::ResultCache(m_folder).load("k"));
}

TEST_F(CacheStore, UnchangedReRunLaunchesNoCargo)
{
  Options options;
  options.book = testing::bundled_book();
  options.expected = testing::source_dir() / "expected";
  options.build_dir = m_folder;
  options.selectors = {"2"};
  options.merge = false; // the captured cargo output built one target per listing
  const auto captured = text::read_file(testing::source_dir() / "tests" / "data" / "cargo-check-ch02.jsonl");
  testing::FakeRunner runner([&](const cargo::Command& command) {
    if (command.argv[0] == "rustc") {
      return testing::exited(0, "rustc 1.95.0 (59807616e 2026-04-14)\n");
    }
    auto out = testing::replace_all(captured, "@WORKSPACE@", command.working_dir.string());
    return testing::exited(101, testing::replace_all(out, "@TARGET@", command.set_env.at("CARGO_TARGET_DIR")));
  });
  const auto cargo_runs = [&] {
    return std::count_if(runner.commands.begin(), runner.commands.end(),
                         [](const cargo::Command& command) { return command.argv[0] != "rustc"; });
  };
  const auto first = run_check(options, runner, [](const std::string&) {});
  EXPECT_EQ(cargo_runs(), 1);
  const auto second = run_check(options, runner, [](const std::string&) {});
  EXPECT_EQ(cargo_runs(), 1); // only rustc, asked which toolchain this is
  EXPECT_EQ(runner.commands.back().argv[0], "rustc");
  for (std::size_t k = 0; k < second.results.size(); ++k) {
    EXPECT_TRUE(second.results[k].observed.cached);
    EXPECT_EQ(second.results[k].status(), first.results[k].status());
  }
  options.use_cache = false;
  run_check(options, runner, [](const std::string&) {});
  EXPECT_EQ(runner.commands.back().argv[0], "cargo");
}

} // namespace
} // namespace snipcheck::app
