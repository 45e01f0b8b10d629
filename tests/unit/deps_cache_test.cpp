// Issue 18, defects 5 and 6 at the unit level: listings asking for other
// features of a crate never share a cargo call; what keys a cached verdict.
#include "build/build_stage.hpp"
#include "build/cache.hpp"
#include "build/path_crate_hash.hpp"
#include "fake_runner.hpp"
#include "scratch/wrap.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <set>
#include <unistd.h>

namespace snipcheck::app {
namespace {

namespace fs = std::filesystem;

class TempFolder : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_folder = fs::temp_directory_path() / ("snipcheck-deps-cache-unit-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_folder);
    fs::create_directories(m_folder);
  }
  void TearDown() override { fs::remove_all(m_folder); }

  void write(const fs::path& relative, const std::string& text) const
  {
    fs::create_directories((m_folder / relative).parent_path());
    text::write_file_atomically(m_folder / relative, text);
  }

  fs::path m_folder;
};

scratch::Dependency log_with(std::vector<std::string> features)
{
  return {"log", "0.4", std::move(features), true};
}

TEST(DependenciesFingerprint, NamesEverythingCargoResolvesInAFixedOrder)
{
  const auto base = scratch::dependencies_fingerprint({log_with({"std", "serde"}), {"anyhow", "1", {}, true}});
  EXPECT_EQ(base, scratch::dependencies_fingerprint({{"anyhow", "1", {}, true}, log_with({"serde", "std"})}));
  EXPECT_NE(base, scratch::dependencies_fingerprint({{"anyhow", "1", {}, true}, log_with({"std"})}));
  auto local = scratch::Dependency{"helper", "", {}, true, "/book/helper"};
  const auto at_helper = scratch::dependencies_fingerprint({local});
  local.path = "/book/other-helper";
  EXPECT_NE(at_helper, scratch::dependencies_fingerprint({local}));
  local.default_features = false;
  EXPECT_NE(at_helper, scratch::dependencies_fingerprint({local}));
  EXPECT_EQ(scratch::dependencies_fingerprint({}), "");
}

TEST(BuildPlan, ListingsAskingForOtherFeaturesAreNeverBatchedTogether)
{
  std::vector<build::BuildItem> items(3);
  for (auto& item : items) {
    item.mergeable = true;
    item.unit.deps = {log_with({})};
  }
  items[1].unit.deps = {log_with({"std"})};
  const auto plan = build::plan_targets(items);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0], (build::PlannedTarget{{0, 2}, true}));
  EXPECT_EQ(plan[1], (build::PlannedTarget{{1}, false}));
}

class OneCargoCallPerCrateSet : public TempFolder
{
};

TEST_F(OneCargoCallPerCrateSet, EachSetOfCratesIsBuiltInAWorkspaceAndACargoCallOfItsOwn)
{
  std::deque<book::Listing> listings;
  std::vector<build::BuildItem> items;
  const std::vector<std::vector<scratch::Dependency>> crate_sets = {
      {log_with({})}, {log_with({"std"})}, {}, {log_with({})}};
  for (std::size_t k = 0; k < crate_sets.size(); ++k) {
    auto& listing = listings.emplace_back();
    listing.id = "ch01/1-" + std::to_string(k + 1);
    listing.chapter = 1;
    listing.files = {"book.md"};
    listing.lines.push_back({"fn main() {}", 10, 0, false});
    build::BuildItem item;
    item.unit = {&listing, scratch::wrap_listing(listing, {}), scratch::CrateType::bin, "2021", crate_sets[k]};
    item.mergeable = true;
    items.push_back(std::move(item));
  }
  // Per cargo call: its workspace, and the dependency lines of its packages' manifests.
  std::vector<std::pair<fs::path, std::set<std::string>>> calls;
  testing::FakeRunner runner([&](const cargo::Command& command) {
    std::set<std::string> dependency_lines;
    for (const auto& entry : fs::recursive_directory_iterator(command.working_dir)) {
      if (entry.path().filename() == "Cargo.toml" && entry.path().parent_path() != command.working_dir) {
        for (const auto& line : text::split_lines(text::read_file(entry.path()))) {
          if (line.starts_with("log")) {
            dependency_lines.insert(std::string(line));
          }
        }
      }
    }
    calls.emplace_back(command.working_dir, dependency_lines);
    return testing::exited(0);
  });
  check::ToolchainInfo toolchain;
  toolchain.name = "stable";
  build::BuildSettings settings;
  settings.build_dir = m_folder;
  build::build_cell(items, {&toolchain, "2021"}, settings, runner, [](const std::string&) {}, {}, {});
  ASSERT_EQ(calls.size(), 3u); // no crates; log; log with std
  std::set<fs::path> workspaces;
  for (const auto& [workspace, dependency_lines] : calls) {
    workspaces.insert(workspace);
    EXPECT_LE(dependency_lines.size(), 1u) << workspace << ": one way of asking for log per cargo call";
  }
  EXPECT_EQ(workspaces.size(), 3u);
  EXPECT_TRUE(workspaces.contains(m_folder / "stable-2021" / "workspace"));
}

TEST(CacheKey, ChangesWithTheBuildSetupAndTheRegistryContent)
{
  book::Listing listing;
  listing.id = "ch01/1-1";
  scratch::Unit unit;
  unit.listing = &listing;
  unit.source.text = "fn main() {}\n";
  build::CacheContext context{"rustc 1.95.0\n", "/registry", true, 10};
  context.registry_digest = "digest-1";
  context.build_setup = "compile isolated true, programs isolated true, RUSTC_WRAPPER unset";
  const auto base = build::cache_key(unit, context);
  auto changed = context;
  changed.build_setup = "compile isolated false, programs isolated true, RUSTC_WRAPPER '/usr/bin/sccache'";
  EXPECT_NE(build::cache_key(unit, changed), base);
  changed = context;
  changed.registry_digest = "digest-2";
  EXPECT_NE(build::cache_key(unit, changed), base);
}

class RegistryDigest : public TempFolder
{
};

TEST_F(RegistryDigest, ChangesWhenACrateChangesAtTheSameVersion)
{
  write("tiny-1.0.0/Cargo.toml", "[package]\nname = \"tiny\"\nversion = \"1.0.0\"\n");
  write("tiny-1.0.0/.cargo-checksum.json", R"({"package":"Could not get crate checksum","files":{}})");
  const auto checksum_file = m_folder / "tiny-1.0.0/.cargo-checksum.json";
  const auto first = build::registry_digest(m_folder);
  EXPECT_EQ(first, build::registry_digest(m_folder));
  EXPECT_EQ(build::registry_digest(""), "crates.io");

  // A Debian revision: the same (file-less) checksum, written anew.
  const auto written = fs::last_write_time(checksum_file);
  fs::last_write_time(checksum_file, written + std::chrono::seconds(3));
  const auto rewritten = build::registry_digest(m_folder);
  EXPECT_NE(rewritten, first);

  // A vendored crate whose checksum lists its files: another content at the same time.
  write("tiny-1.0.0/.cargo-checksum.json", R"({"package":"Could not get crate checksuM","files":{}})");
  fs::last_write_time(checksum_file, written + std::chrono::seconds(3));
  EXPECT_NE(build::registry_digest(m_folder), rewritten);

  write("other-0.1.0/Cargo.toml", "");
  EXPECT_NE(build::registry_digest(m_folder), rewritten);
}

class PathCrateHash : public TempFolder
{
};

TEST_F(PathCrateHash, CoversDotFoldersTargetFoldersBelowTheTopAndPathDependencies)
{
  write("helper/Cargo.toml", "[package]\nname = \"helper\"\n[dependencies]\ninner = { path = \"../inner\" }\n"
                             "[target.'cfg(unix)'.build-dependencies]\nunixy = { path = \"../unixy\" }\n");
  write("helper/src/lib.rs", "#[path = \"../.hidden/a.rs\"] mod a;\n");
  write("helper/.hidden/a.rs", "pub const A: i32 = 1;\n");
  write("helper/src/target/word.txt", "word\n");
  write("helper/target/CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n");
  write("helper/target/debug/libhelper.rlib", "1");
  write("inner/Cargo.toml", "[package]\nname = \"inner\"\n");
  write("inner/src/lib.rs", "pub fn f() {}\n");
  write("unixy/src/lib.rs", "pub fn g() {}\n");
  const auto crate = m_folder / "helper";
  auto previous = build::path_crate_hash(crate);
  EXPECT_EQ(previous, build::path_crate_hash(crate));
  // cargo's build output of the crate itself is not what it compiles from.
  write("helper/target/debug/libhelper.rlib", "2");
  EXPECT_EQ(build::path_crate_hash(crate), previous);
  for (const auto* edited :
       {"helper/.hidden/a.rs", "helper/src/target/word.txt", "inner/src/lib.rs", "unixy/src/lib.rs"}) {
    write(edited, "edited\n");
    const auto now = build::path_crate_hash(crate);
    EXPECT_NE(now, previous) << edited;
    previous = now;
  }
  // A top-level `target` that is no build output of cargo's is the crate's own.
  fs::remove(m_folder / "helper/target/CACHEDIR.TAG");
  EXPECT_NE(build::path_crate_hash(crate), previous);
}

class CacheEntries : public TempFolder
{
};

TEST_F(CacheEntries, AnEntryAnswersOnlyItsOwnKeyAndOnlyUnedited)
{
  check::Observed observed;
  observed.build = check::Observed::Build::compiled;
  observed.run = check::RunOutput{{cargo::ExitStatus::Kind::exited, 0, 0}, "genuine\n", "", false};
  const build::ResultCache cache(m_folder);
  cache.store("aaaa", observed);
  observed.run->stdout_text = "other\n";
  cache.store("bbbb", observed);
  ASSERT_TRUE(cache.load("aaaa"));
  EXPECT_EQ(cache.load("aaaa")->run->stdout_text, "genuine\n");

  // Swapped: each file holds the other's entry.
  fs::rename(m_folder / "aaaa.json", m_folder / "swap.json");
  fs::rename(m_folder / "bbbb.json", m_folder / "aaaa.json");
  fs::rename(m_folder / "swap.json", m_folder / "bbbb.json");
  EXPECT_FALSE(cache.load("aaaa"));
  EXPECT_FALSE(cache.load("bbbb"));

  // Edited in place, its header kept.
  cache.store("aaaa", observed);
  auto entry = text::read_file(m_folder / "aaaa.json");
  entry.replace(entry.find("other"), 5, "forge");
  text::write_file_atomically(m_folder / "aaaa.json", entry);
  EXPECT_FALSE(cache.load("aaaa"));
  cache.store("aaaa", observed); // a miss is built again and replaces the entry
  ASSERT_TRUE(cache.load("aaaa"));
  EXPECT_EQ(cache.load("aaaa")->run->stdout_text, "other\n");
}

} // namespace
} // namespace snipcheck::app
