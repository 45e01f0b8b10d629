// The build stage through the CommandRunner seam: a fake cargo "compiles" the
// scratch files it is asked for (a line holding BROKEN is a compile error at
// that line, LINKFAIL an error without a span, ENDLESS makes its target hit the
// compile-time limit, as snipcheck's rustc wrapper reports it), and its executables record the
// modules compiled into them, so a run of a stale binary is seen as such.
#include "build/build_stage.hpp"
#include "cargo/compile_limit.hpp"
#include "fake_runner.hpp"
#include "scratch/wrap.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <deque>
#include <map>
#include <unistd.h>

namespace snipcheck::app {
namespace {

using testing::exited;

book::Listing make_listing(const std::string& id, const std::string& code)
{
  book::Listing listing;
  listing.id = id;
  listing.chapter = 1;
  listing.files = {"book.md"};
  int line = 10;
  for (const auto& text : text::split_lines(code)) {
    listing.lines.push_back({text, line++, 0, false});
  }
  return listing;
}

// A fake cargo and a fake program loader over the files snipcheck writes.
class FakeCargo
{
public:
  cargo::CommandResult operator()(const cargo::Command& command)
  {
    const auto& argv = command.argv;
    if (!argv.empty() && argv.back().ends_with("unresolved-trait-probe.rs")) {
      ++probes;
      return probe_answer;
    }
    if (std::find(argv.begin(), argv.end(), "build") != argv.end()) {
      ++builds;
      return build(command);
    }
    return run(command);
  }

  int builds = 0;
  int probes = 0; // rustc asked what it does at an unresolved trait (cargo::unresolved_trait_stops_before_type_checking)
  // What rustc 1.95 answers the probe: the trait, the well-formedness error, the early lint; nothing type-checked.
  cargo::CommandResult probe_answer = exited(
      1, "", "{\"code\":{\"code\":\"E0405\"},\"level\":\"error\"}\n{\"code\":{\"code\":\"redundant_semicolons\"},"
             "\"level\":\"warning\"}\n{\"code\":{\"code\":\"E0392\"},\"level\":\"error\"}\n");
  std::vector<std::size_t> targets; // per build, how many targets it was asked for
  std::vector<std::string> ran;     // "module-or-program: status"

private:
  cargo::CommandResult build(const cargo::Command& command)
  {
    std::set<std::string> wanted;
    for (std::size_t k = 0; k + 1 < command.argv.size(); ++k) {
      if (command.argv[k] == "--bin" || command.argv[k] == "--test") {
        wanted.insert(command.argv[k + 1]);
      }
    }
    targets.push_back(wanted.size());
    const std::filesystem::path target_dir = command.set_env.at("CARGO_TARGET_DIR");
    std::string out;
    bool failed = false;
    std::vector<std::filesystem::path> waiting;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(command.working_dir)) {
      const auto path = entry.path();
      if (path.extension() != ".rs" || !wanted.contains(path.stem().string())) {
        continue;
      }
      if (text::read_file(path).find("WAITS") != std::string::npos) {
        waiting.push_back(path);
        continue;
      }
      const auto lines = text::split_lines(text::read_file(path));
      const auto relative = std::filesystem::relative(path, command.working_dir).string();
      bool has_error = false;
      std::string modules;
      std::string module;
      if (text::read_file(path).find("ENDLESS") != std::string::npos) {
        nlohmann::json message = {{"reason", "compiler-message"},
                                  {"target", {{"src_path", path.string()}, {"name", path.stem().string()}}},
                                  {"message",
                                   {{"level", "error"},
                                    {"message", "compilation did not finish within the compile-time limit"},
                                    {"code", {{"code", cargo::compile_timeout_code}}},
                                    {"spans", nlohmann::json::array()},
                                    {"children", nlohmann::json::array()},
                                    {"rendered", "error: timed out\n"}}}};
        out += message.dump() + "\n";
        failed = true;
        continue;
      }
      const auto message_at = [&](int line, const std::string& level, const nlohmann::json& code, bool placed,
                                  std::string text = "broken") {
        nlohmann::json span = {{"file_name", relative}, {"line_start", line}, {"line_end", line},
                               {"column_start", 1},     {"column_end", 2},    {"is_primary", true}};
        nlohmann::json message = {{"reason", "compiler-message"},
                                  {"target", {{"src_path", path.string()}, {"name", path.stem().string()}}},
                                  {"message",
                                   {{"level", level},
                                    {"message", placed ? text : "linking with `cc` failed"},
                                    {"code", code},
                                    {"spans", placed ? nlohmann::json::array({span}) : nlohmann::json::array()},
                                    {"children", nlohmann::json::array()},
                                    {"rendered", level + ": broken\n"}}}};
        out += message.dump() + "\n";
      };
      bool fatal = false;
      bool lacks_main = false;
      bool type_checked = true;  // UNRESOLVED_TRAIT: rustc stops before type checking
      bool borrow_checked = true; // NO_BORROWCK: rustc stops before borrow checking
      for (std::size_t k = 0; k < lines.size() && !fatal; ++k) {
        const int line = static_cast<int>(k) + 1;
        // BROKEN: an error at that line (BROKEN(E0432): with that code); LINTERR: a lint's error;
        // FATAL: an error after which rustc stops (its analysis marker never warns).
        if (const auto broken = lines[k].find("BROKEN"); broken != std::string::npos) {
          has_error = true;
          const bool coded = lines[k].compare(broken + 6, 1, "(") == 0;
          // As rustc names an item of a batch member: by its path from the batch's root.
          message_at(line, "error", coded ? nlohmann::json{{"code", lines[k].substr(broken + 7, 5)}} : nlohmann::json(),
                     true, fmt::format("expected `{}Thing`", module.empty() ? "" : module + "::"));
        }
        if (lines[k].find("LINKFAIL") != std::string::npos) {
          has_error = true;
          message_at(line, "error", nullptr, false);
        }
        if (lines[k].find("OVERFLOW") != std::string::npos) { // no span, but the member's path in its text
          has_error = true;
          message_at(line, "error", {{"code", "E0275"}}, false);
          out.insert(out.rfind("linking with `cc` failed"), fmt::format("overflow evaluating `<() as {}Trait>::A` ",
                                                                           module.empty() ? "" : module + "::"));
        }
        if (lines[k].find("LINTERR") != std::string::npos) {
          has_error = true;
          message_at(line, "error", {{"code", "unused_variables"}}, true);
        }
        if (lines[k].find("CRASH") != std::string::npos) { // an ICE, which ends rustc there
          has_error = fatal = true;
          message_at(line, "error", nullptr, true, "internal compiler error: broken MIR");
        }
        if (lines[k].find("FATAL") != std::string::npos) {
          has_error = fatal = true;
          message_at(line, "error", nullptr, true);
        }
        // NOMAIN: rustc's error about the member's `main`, in the glue that wraps it.
        if (lines[k].find("NOMAIN") != std::string::npos) {
          lacks_main = !module.empty();
          if (module.empty()) { // alone: rustc says so at the crate
            has_error = true;
            message_at(line, "error", {{"code", "E0601"}}, true);
          }
        }
        if (lines[k].find("fn snipcheck_entry") != std::string::npos && lacks_main) {
          has_error = true;
          lacks_main = false;
          message_at(line, "error", {{"code", "E0425"}}, true);
        }
        // UNRESOLVED_TRAIT: E0405, after which rustc stops before type checking (what the probe shows);
        // NO_BORROWCK: a type error after which it borrow-checks nothing.
        if (lines[k].find("UNRESOLVED_TRAIT") != std::string::npos) {
          has_error = true;
          type_checked = borrow_checked = false;
          message_at(line, "error", {{"code", "E0405"}}, true, "cannot find trait `Missing` in this scope");
        }
        if (lines[k].find("NO_BORROWCK") != std::string::npos) {
          has_error = true;
          borrow_checked = false;
          message_at(line, "error", {{"code", "E0277"}}, true, "the trait bound is not satisfied");
        }
        if (lines[k].starts_with("fn snipcheck_analysis_marker") && type_checked) {
          message_at(line + 2, "warning", {{"code", "unreachable_code"}}, true);
        }
        if (lines[k].starts_with("fn snipcheck_resolution_marker")) {
          message_at(line + 1, "warning", {{"code", "redundant_semicolons"}}, true);
        }
        if (lines[k].starts_with("fn snipcheck_borrow_check_marker") && borrow_checked) {
          message_at(line + 1, "warning", {{"code", "unused_mut"}}, true);
        }
        if (lines[k].starts_with("pub mod ")) {
          module = lines[k].substr(8, lines[k].find(' ', 8) - 8);
          modules += module + "\n";
        }
        if (lines[k].find("SLOW") != std::string::npos) {
          modules += "SLOW=" + module + "\n"; // this member's program never ends
        }
        if (lines[k].find("POISON") != std::string::npos) {
          modules += "POISON\n";
        }
      }
      if (has_error) {
        failed = true;
        continue;
      }
      out += artifact(path, target_dir, modules);
    }
    // As cargo does with a test target whose package's bins failed: not built, no error of its own.
    for (const auto& path : waiting) {
      out += failed ? std::string() : artifact(path, target_dir, "");
    }
    return exited(failed ? 101 : 0, out);
  }

  static std::string artifact(const std::filesystem::path& path, const std::filesystem::path& target_dir,
                              const std::string& modules)
  {
    const auto executable = target_dir / "debug" / path.stem();
    text::write_file_if_changed(executable, modules.empty() ? "standalone\n" : modules);
    nlohmann::json artifact = {{"reason", "compiler-artifact"},
                               {"target", {{"src_path", path.string()}, {"name", path.stem().string()}}},
                               {"executable", executable.string()},
                               {"fresh", false}};
    return artifact.dump() + "\n";
  }

  cargo::CommandResult run(const cargo::Command& command)
  {
    // An isolated program sits at a place in its own view; the file is the one bound there.
    auto program = std::filesystem::path(command.argv[0]);
    if (command.sandbox.view) {
      for (const auto& [source, place] : command.sandbox.view->files_at) {
        program = place == program ? source : program;
      }
    }
    const auto modules = text::split_lines(text::read_file(program));
    const std::string module = command.argv.size() > 1 ? command.argv[1] : "";
    auto listed = [&](const std::string& name) {
      return std::find(modules.begin(), modules.end(), name) != modules.end();
    };
    cargo::CommandResult result;
    if (!module.empty() && !listed(module)) {
      result = exited(2); // the dispatching main does not know it: a stale binary
    } else if (listed("SLOW=" + module)) {
      result.status = {cargo::ExitStatus::Kind::timed_out, 0, 0};
    } else if (listed("POISON")) {
      result.status = {cargo::ExitStatus::Kind::signaled, 0, 11};
    } else {
      result = exited(0, "ok\n");
    }
    ran.push_back((module.empty() ? "alone" : module) + ": " + result.status.describe());
    return result;
  }
};

class BuildStage : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_build = std::filesystem::temp_directory_path() / ("snipcheck-build-stage-" + std::to_string(::getpid()));
    m_settings.build_dir = m_build;
    m_settings.jobs = 1;
    m_settings.run.jobs = 1;
    m_toolchain.name = "stable";
  }
  void TearDown() override { if (!std::getenv("KEEP_BUILD_STAGE")) std::filesystem::remove_all(m_build); }

  // Listings that all run; `code_of(k)` is listing k's body.
  void add_runnable(int count, const std::function<std::string(int)>& code_of)
  {
    for (int k = 0; k < count; ++k) {
      m_listings.push_back(make_listing(fmt::format("ch01/1.1-{}", k + 1), code_of(k)));
    }
  }

  std::vector<build::BuildItem> items()
  {
    std::vector<build::BuildItem> result;
    for (const auto& listing : m_listings) {
      build::BuildItem item;
      item.unit = {&listing, scratch::wrap_listing(listing, {}), scratch::CrateType::bin, m_edition, {}};
      item.runs = true;
      item.mergeable = scratch::can_merge(item.unit.source);
      result.push_back(std::move(item));
    }
    return result;
  }

  void build(std::vector<build::BuildItem>& items, FakeCargo& cargo, const build::AcceptBatchedRun& accept = {},
             const build::ItemFinished& finished = {})
  {
    testing::FakeRunner runner([&](const cargo::Command& command) { return cargo(command); });
    build::build_cell(
        items, {&m_toolchain, m_edition}, m_settings, runner, [](const std::string&) {}, {}, accept, finished);
  }

  static bool ran_cleanly(const build::BuildItem& item)
  {
    return item.observed.build == check::Observed::Build::compiled && item.observed.run &&
           item.observed.run->status.success();
  }

  std::filesystem::path m_build;
  build::BuildSettings m_settings;
  check::ToolchainInfo m_toolchain;
  std::string m_edition = "2021";
  std::deque<book::Listing> m_listings; // stable addresses: units point at them
};

TEST(BuildPlan, MergeableListingsShareBatchesOfOneEditionAndCrateSet)
{
  std::vector<build::BuildItem> items(5);
  for (auto& item : items) {
    item.mergeable = true;
  }
  items[1].mergeable = false;
  items[3].unit.edition = "2024";
  items[4].unit.deps = {{"anyhow", "1", {}, true}};
  const auto plan = build::plan_targets(items);
  // 0 and 2 share a batch; 1 is not mergeable; 3 and 4 are alone in their groups.
  ASSERT_EQ(plan.size(), 4u);
  EXPECT_EQ(plan[0], (build::PlannedTarget{{0, 2}, true}));
  EXPECT_EQ(plan[1], (build::PlannedTarget{{1}, false}));
  EXPECT_EQ(plan[2], (build::PlannedTarget{{3}, false}));
  EXPECT_EQ(plan[3], (build::PlannedTarget{{4}, false}));
}

TEST(BuildPlan, FullBatchesAreClosed)
{
  std::vector<build::BuildItem> items(7);
  for (auto& item : items) {
    item.mergeable = true;
  }
  const auto plan = build::plan_targets(items, 3);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[2], (build::PlannedTarget{{6}, false}));
}

TEST(BuildPlan, FailedBatchSendsTheListingsWithErrorsAloneAndKeepsTheRestTogether)
{
  const build::PlannedTarget batch{{0, 1, 2, 3, 4}, true};
  const auto parts = build::split_failed_batch(batch, {1, 3});
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], (build::PlannedTarget{{1}, false}));
  EXPECT_EQ(parts[1], (build::PlannedTarget{{3}, false}));
  EXPECT_EQ(parts[2], (build::PlannedTarget{{0, 2, 4}, true}));
}

TEST(BuildPlan, FailedBatchWithoutAnyListingToBlameIsBisected)
{
  const auto parts = build::split_failed_batch({{0, 1, 2, 3, 4, 5, 6, 7, 8}, true}, {});
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0], (build::PlannedTarget{{0, 1}, true}));
  EXPECT_EQ(parts[1], (build::PlannedTarget{{2, 3}, true}));
  EXPECT_EQ(parts[2], (build::PlannedTarget{{4, 5}, true}));
  EXPECT_EQ(parts[3], (build::PlannedTarget{{6, 7, 8}, true}));
  EXPECT_EQ(build::split_failed_batch({{5, 6}, true}, {}), (std::vector<build::PlannedTarget>{{{5}, false}, {{6}, false}}));
}

TEST(BuildPlan, BatchThatHitTheCompileLimitIsBuiltAgainMemberByMember)
{
  EXPECT_EQ(build::split_timed_out_batch({{3, 4, 5}, true}),
            (std::vector<build::PlannedTarget>{{{3}, false}, {{4}, false}, {{5}, false}}));
}

TEST_F(BuildStage, AListingThatHitsTheCompileLimitIsFoundAndTheOthersGetTheirOwnResult)
{
  // The const-eval loop: merged, its batch timed out and nobody was reported.
  add_runnable(12, [](int k) { return k == 7 ? std::string("// ENDLESS\nprintln!(\"x\");") : "println!(\"y\");"; });
  for (const auto merge : {build::MergeListings::yes, build::MergeListings::no}) {
    m_settings.merge = merge;
    auto built = items();
    FakeCargo cargo;
    build(built, cargo);
    for (std::size_t k = 0; k < built.size(); ++k) {
      if (k == 7) {
        EXPECT_EQ(built[k].observed.build, check::Observed::Build::timed_out);
      } else {
        EXPECT_TRUE(ran_cleanly(built[k])) << k;
      }
    }
    // Merged: the batch, then all twelve alone in one pass (two limits, not a bisection's four).
    EXPECT_EQ(cargo.builds, merge == build::MergeListings::yes ? 2 : 1);
  }
}

TEST_F(BuildStage, ABrokenListingDoesNotMakeItsBatchRunStaleBinaries)
{
  // The case: after a batch fails, its other members must run from a
  // binary that holds them, never from the first pass's executable.
  add_runnable(10, [](int k) { return k == 4 ? std::string("let x = BROKEN;") : fmt::format("println!(\"{}\");", k); });
  auto built = items();
  FakeCargo cargo;
  build(built, cargo);
  for (std::size_t k = 0; k < built.size(); ++k) {
    if (k == 4) {
      EXPECT_EQ(built[k].observed.build, check::Observed::Build::failed);
      ASSERT_FALSE(built[k].observed.diagnostics.empty());
      EXPECT_EQ(built[k].observed.diagnostics.front().book_line, 10); // at the listing's own line
    } else {
      EXPECT_TRUE(ran_cleanly(built[k])) << k << ": " << fmt::format("{}", fmt::join(cargo.ran, ", "));
    }
  }
  EXPECT_EQ(cargo.builds, 2); // the batch, then the broken one alone and the other nine together
}

TEST_F(BuildStage, FailuresABatchSettlesAreNotBuiltAgainAlone)
{
  // Issue 21: a book whose failing listings were each built alone spent most of its time there.
  add_runnable(10, [](int k) {
    return k == 3 || k == 6 ? fmt::format("let x = BROKEN(E0308); // {}", k) : fmt::format("println!(\"{}\");", k);
  });
  for (const auto merge : {build::MergeListings::yes, build::MergeListings::no}) {
    m_settings.merge = merge;
    auto built = items();
    FakeCargo cargo;
    build(built, cargo);
    for (std::size_t k = 0; k < built.size(); ++k) {
      if (k == 3 || k == 6) {
        EXPECT_EQ(built[k].observed.build, check::Observed::Build::failed);
        ASSERT_EQ(built[k].observed.diagnostics.size(), 1u) << "its own error, no other member's";
        EXPECT_EQ(built[k].observed.diagnostics.front().code, "E0308");
        EXPECT_EQ(built[k].observed.diagnostics.front().book_line, 10);
        EXPECT_EQ(built[k].observed.diagnostics.front().message, "expected `Thing`") << "as alone";
      } else {
        EXPECT_TRUE(ran_cleanly(built[k])) << k;
      }
    }
    if (merge == build::MergeListings::yes) {
      // The batch, then only the eight that compiled, as one batch: the two failures stand.
      EXPECT_EQ(cargo.targets, (std::vector<std::size_t>{1, 1}));
    }
  }
}

TEST_F(BuildStage, FailuresAreBuiltAloneWhenTheBatchCannotSettleThem)
{
  // A fatal error (its analysis marker never warned), a crash, a lint's error only (alone, the later lints
  // would run too), a post-monomorphization error: each may hide or owe something to the batch.
  for (const auto* culprit : {"FATAL", "CRASH", "LINTERR", "BROKEN(E0080)"}) {
    m_listings.clear();
    add_runnable(6, [&](int k) {
      return k == 2 ? fmt::format("let x = {};", culprit)
                    : k == 4 ? std::string("let y = BROKEN;") : fmt::format("println!(\"{}\");", k);
    });
    auto built = items();
    FakeCargo cargo;
    build(built, cargo);
    EXPECT_EQ(built[2].observed.build, check::Observed::Build::failed) << culprit;
    EXPECT_EQ(built[4].observed.build, check::Observed::Build::failed) << culprit;
    // Round two: the culprit alone, the rest as one batch. After a fatal error the other failure
    // was not reported at all, so the rest fails once more, and that batch settles it.
    const bool fatal = std::string_view(culprit) == "FATAL" || std::string_view(culprit) == "CRASH";
    EXPECT_EQ(cargo.targets, fatal ? (std::vector<std::size_t>{1, 2, 1}) : (std::vector<std::size_t>{1, 2})) << culprit;
  }
}

TEST_F(BuildStage, AMemberWhoseTraitDidNotResolveIsSettledWhereRustcStoppedAndTheOthersAreRetriedTogether)
{
  // rustc-dev-guide: a bound naming a trait the listing never defines stops rustc before type checking,
  // crate-wide, so the batch's other failures were never type-checked.
  add_runnable(8, [](int k) {
    return k == 1   ? std::string("fn f<T: UNRESOLVED_TRAIT>() {}")
           : k == 4 ? std::string("let y = BROKEN(E0308);")
           : k == 6 ? std::string("let z = BROKEN(E0308);")
                    : fmt::format("println!(\"{}\");", k);
  });
  for (const bool rustc_stops_there : {true, false}) {
    std::filesystem::remove_all(m_build); // the probe's answer is kept there
    auto built = items();
    FakeCargo cargo;
    if (!rustc_stops_there) { // a rustc that type-checks on: the probe's mismatch is reported
      cargo.probe_answer.err += "{\"code\":{\"code\":\"E0308\"},\"level\":\"error\"}\n";
    }
    build(built, cargo);
    for (const std::size_t k : {1u, 4u, 6u}) {
      EXPECT_EQ(built[k].observed.build, check::Observed::Build::failed) << k;
    }
    ASSERT_EQ(built[1].observed.diagnostics.size(), 1u);
    EXPECT_EQ(built[1].observed.diagnostics.front().code, "E0405");
    EXPECT_EQ(cargo.probes, 1);
    // Round two: the two type errors together (settled there), the five that compiled as a batch;
    // a rustc not seen to stop there builds the trait's listing alone as well.
    EXPECT_EQ(cargo.targets, rustc_stops_there ? (std::vector<std::size_t>{1, 2})
                                               : (std::vector<std::size_t>{1, 3}))
        << rustc_stops_there;
  }
  // The answer is kept: a second run does not ask again.
  auto built = items();
  FakeCargo cargo;
  build(built, cargo);
  EXPECT_EQ(cargo.probes, 0);
}

TEST_F(BuildStage, ABatchThatWasNotBorrowCheckedSettlesNothing)
{
  // A member's error can stop rustc before borrow checking: another member's borrow-check error,
  // which alone it reports, was then never looked for.
  add_runnable(6, [](int k) {
    return k == 2 ? std::string("let x = NO_BORROWCK;")
                  : k == 4 ? std::string("let y = BROKEN(E0308);") : fmt::format("println!(\"{}\");", k);
  });
  auto built = items();
  FakeCargo cargo;
  build(built, cargo);
  EXPECT_EQ(built[2].observed.build, check::Observed::Build::failed);
  EXPECT_EQ(built[4].observed.build, check::Observed::Build::failed);
  EXPECT_EQ(cargo.targets, (std::vector<std::size_t>{1, 3})); // both alone, the four others as a batch
}

TEST_F(BuildStage, AFailedGlobImportSettlesOnlyTheMembersWithAFailedImport)
{
  // rustc hides every "cannot find" error of the crate once a glob import failed: another member's
  // E0425, reported alone, was missing from the batch.
  add_runnable(6, [](int k) {
    return k == 1   ? std::string("use std::nothing_here::*;\nlet q = BROKEN(E0432);")
           : k == 3 ? std::string("let y = BROKEN(E0308);")
                    : fmt::format("println!(\"{}\");", k);
  });
  auto built = items();
  FakeCargo cargo;
  build(built, cargo);
  EXPECT_EQ(built[1].observed.build, check::Observed::Build::failed);
  EXPECT_EQ(built[3].observed.build, check::Observed::Build::failed);
  EXPECT_EQ(cargo.targets, (std::vector<std::size_t>{1, 2})); // the other failure alone, the four as a batch
}

TEST_F(BuildStage, AnErrorInTheGlueAroundOneMemberSendsOnlyThatMemberAlone)
{
  add_runnable(6, [](int k) {
    return k == 1 ? std::string("let NOMAIN = 1;") : k == 3 ? std::string("let y = BROKEN;") : "println!(\"w\");";
  });
  auto built = items();
  FakeCargo cargo;
  build(built, cargo);
  EXPECT_EQ(built[1].observed.build, check::Observed::Build::failed);
  EXPECT_EQ(built[3].observed.build, check::Observed::Build::failed);
  // The member without a `main` alone, the four that compiled as one batch; the other failure stands.
  EXPECT_EQ(cargo.targets, (std::vector<std::size_t>{1, 2}));
}

TEST_F(BuildStage, InEdition2015APathThatDidNotResolveInABatchIsConfirmedAlone)
{
  // 2015's `use a::b` starts at the crate root, which in a batch is the batch's.
  add_runnable(4, [](int k) { return k == 1 ? std::string("use a::b;\nlet x = BROKEN(E0432);") : "println!(\"z\");"; });
  for (const auto* edition : {"2015", "2021"}) {
    m_edition = edition;
    auto built = items();
    FakeCargo cargo;
    build(built, cargo);
    EXPECT_EQ(built[1].observed.build, check::Observed::Build::failed) << edition;
    EXPECT_EQ(cargo.targets, m_edition == "2015" ? (std::vector<std::size_t>{1, 2}) : (std::vector<std::size_t>{1, 1}))
        << edition;
  }
}

TEST_F(BuildStage, InEdition2015APathOfTheListingsOwnScopeThatDidNotResolveIsSettled)
{
  // No `use` and no `::a` path: every path starts in the member's own scope, alone or in a batch.
  add_runnable(4, [](int k) {
    return k == 1 ? std::string("let q = Queue::new();\nlet v = Vec::<u8>::new();\nlet x = BROKEN(E0433);")
                  : "println!(\"z\");";
  });
  m_edition = "2015";
  auto built = items();
  FakeCargo cargo;
  build(built, cargo);
  EXPECT_EQ(built[1].observed.build, check::Observed::Build::failed);
  EXPECT_EQ(cargo.targets, (std::vector<std::size_t>{1, 1})); // the batch, then its passers: no lone build
}

TEST_F(BuildStage, AListingCargoDidNotGetToWhileANeighbourFailedGetsItsOwnVerdict)
{
  // Issue 19 item 9: "cargo did not build it and rustc reported no error for it", exit 3.
  add_runnable(3, [](int k) { return k == 0 ? std::string("let x = BROKEN;") : "// WAITS\nprintln!(\"w\");"; });
  for (const auto merge : {build::MergeListings::yes, build::MergeListings::no}) {
    m_settings.merge = merge;
    auto built = items();
    built[1].mergeable = built[2].mergeable = false; // as test targets are
    FakeCargo cargo;
    build(built, cargo);
    EXPECT_EQ(built[0].observed.build, check::Observed::Build::failed);
    for (const std::size_t k : {1u, 2u}) {
      EXPECT_TRUE(ran_cleanly(built[k])) << k << ": " << built[k].observed.environment_problem;
    }
  }
}

TEST_F(BuildStage, ALinkErrorThatPointsAtNoListingIsFoundByBisection)
{
  add_runnable(8, [](int k) { return std::string(k == 6 ? "// LINKFAIL\nprintln!(\"x\");" : "println!(\"y\");"); });
  auto built = items();
  FakeCargo cargo;
  build(built, cargo);
  for (std::size_t k = 0; k < built.size(); ++k) {
    if (k == 6) {
      EXPECT_EQ(built[k].observed.build, check::Observed::Build::failed) << "alone, the link error is its own";
    } else {
      EXPECT_TRUE(ran_cleanly(built[k])) << k;
    }
  }
  EXPECT_LE(cargo.builds, 3); // 8 -> 2+2+2+2 -> 1+1: a few builds, not one per listing
}

TEST_F(BuildStage, AnErrorWithoutAPlaceThatNamesAMembersPathSendsThatMemberAlone)
{
  // rustc-dev-guide: an overflow whose span is in no member, naming `<() as ch56_1::Trait>`.
  add_runnable(8, [](int k) { return std::string(k == 5 ? "// OVERFLOW\nprintln!(\"x\");" : "println!(\"y\");"); });
  auto built = items();
  FakeCargo cargo;
  build(built, cargo);
  for (std::size_t k = 0; k < built.size(); ++k) {
    EXPECT_EQ(built[k].observed.build == check::Observed::Build::failed, k == 5) << k;
  }
  EXPECT_EQ(cargo.targets, (std::vector<std::size_t>{1, 2})); // it alone, the rest as a batch: no bisection
}

TEST_F(BuildStage, ARunThatIsNotAcceptedInsideABatchIsConfirmedAlone)
{
  // One member makes the whole binary crash (as `#[export_name = "malloc"]` did).
  add_runnable(4, [](int k) { return std::string(k == 2 ? "// POISON\nprintln!(\"p\");" : "println!(\"q\");"); });
  auto built = items();
  FakeCargo cargo;
  build(built, cargo, [](const build::BuildItem& item) { return item.observed.run && item.observed.run->status.success(); });
  for (std::size_t k = 0; k < built.size(); ++k) {
    // The culprit crashes alone too: that result is its own; the others were only its victims.
    EXPECT_EQ(ran_cleanly(built[k]), k != 2) << built[k].unit.listing->id;
  }
  EXPECT_EQ(cargo.ran.size(), 8u); // four batched runs, then four alone
}

TEST_F(BuildStage, EachListingIsHandedOnOnceWithItsFinalResult)
{
  // The culprit's batched crash is not final: it is handed on after its run alone.
  add_runnable(4, [](int k) { return std::string(k == 2 ? "// POISON\nprintln!(\"p\");" : "println!(\"q\");"); });
  auto built = items();
  FakeCargo cargo;
  std::map<std::string, int> handed_on;
  std::map<std::string, std::size_t> runs_seen; // how many programs had run when it was handed on
  build(
      built, cargo, [](const build::BuildItem& item) { return item.observed.run && item.observed.run->status.success(); },
      [&](const build::BuildItem& item) {
        ++handed_on[item.unit.listing->id];
        runs_seen[item.unit.listing->id] = cargo.ran.size();
      });
  ASSERT_EQ(handed_on.size(), built.size());
  for (const auto& [id, times] : handed_on) {
    EXPECT_EQ(times, 1) << id;
    EXPECT_GT(runs_seen[id], 4u) << id << ": every member was a victim, so each waited for its run alone";
  }
}

TEST_F(BuildStage, AMemberThatTimesOutInABatchIsNotRunAgainAlone)
{
  add_runnable(4, [](int k) { return std::string(k == 1 ? "// SLOW\nloop {}" : "println!(\"q\");"); });
  auto built = items();
  FakeCargo cargo;
  build(built, cargo, [](const build::BuildItem& item) { return item.observed.run && item.observed.run->status.success(); });
  EXPECT_EQ(cargo.builds, 1);
  EXPECT_EQ(cargo.ran.size(), 4u) << fmt::format("{}", fmt::join(cargo.ran, "; ")); // one run each, no second limit
  ASSERT_TRUE(built[1].observed.run);
  EXPECT_EQ(built[1].observed.run->status.kind, cargo::ExitStatus::Kind::timed_out);
  for (const auto k : {0, 2, 3}) {
    EXPECT_TRUE(ran_cleanly(built[static_cast<std::size_t>(k)])) << k;
  }
}

// Before: every result kept the pass's whole command, which names every target
// of the pass: what a listing cost in memory and in its cache entry grew with the book.
TEST_F(BuildStage, EachResultKeepsACommandNamingItsOwnTargetOnly)
{
  m_settings.merge = build::MergeListings::no;
  add_runnable(6, [](int k) { return fmt::format("println!(\"{}\");", k); });
  auto built = items();
  FakeCargo cargo;
  build(built, cargo);
  ASSERT_EQ(cargo.builds, 1);
  for (const auto& item : built) {
    const auto& command = item.observed.command;
    std::size_t selections = 0;
    for (auto at = command.find("--bin "); at != std::string::npos; at = command.find("--bin ", at + 1)) {
      ++selections;
    }
    EXPECT_EQ(selections, 1u) << command;
    EXPECT_NE(command.find("cargo"), std::string::npos) << command;
  }
}

TEST_F(BuildStage, WithoutMergingEveryListingIsATargetOfItsOwn)
{
  m_settings.merge = build::MergeListings::no;
  add_runnable(3, [](int) { return std::string("println!(\"z\");"); });
  auto built = items();
  FakeCargo cargo;
  build(built, cargo);
  for (const auto& item : built) {
    EXPECT_TRUE(ran_cleanly(item));
  }
  for (const auto& entry : cargo.ran) {
    EXPECT_TRUE(entry.starts_with("alone")) << entry;
  }
}

TEST_F(BuildStage, ItsOwnSettingsReachCargoAndThePrograms)
{
  // The stage reads nothing but build::BuildSettings: where it builds, cargo's --jobs,
  // the local registry (offline), and each program's time limit.
  m_settings.jobs = 3;
  m_settings.registry_directory = m_build / "registry";
  m_settings.run.timeout_seconds = 2.5;
  std::filesystem::create_directories(m_settings.registry_directory);
  add_runnable(1, [](int) { return std::string("println!(\"s\");"); });
  auto built = items();
  FakeCargo cargo;
  testing::FakeRunner runner([&](const cargo::Command& command) { return cargo(command); });
  build::build_cell(built, {&m_toolchain, "2021"}, m_settings, runner, [](const std::string&) {}, {}, {});
  ASSERT_TRUE(ran_cleanly(built.front()));
  ASSERT_EQ(runner.commands.size(), 2u); // one cargo pass, one program
  const auto& build = runner.commands[0];
  EXPECT_EQ(build.working_dir, m_build / "stable-2021" / "workspace");
  EXPECT_EQ(build.set_env.at("CARGO_TARGET_DIR"), std::filesystem::absolute(m_build / "target-stable").string());
  const auto has_argument = [&](const std::string& argument) {
    return std::find(build.argv.begin(), build.argv.end(), argument) != build.argv.end();
  };
  EXPECT_TRUE(has_argument("--jobs=3"));
  EXPECT_TRUE(has_argument("--offline"));
  // Each listing's rustc runs within the compile-time limit (compile_limit.hpp).
  EXPECT_EQ(build.set_env.at(cargo::compile_limit_variable), "180000");
  EXPECT_TRUE(build.set_env.contains("RUSTC_WORKSPACE_WRAPPER"));
  const auto& program = runner.commands[1];
  EXPECT_EQ(program.timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(program.limits.cpu_seconds, std::optional<std::size_t>(3));
}

TEST(Batches, NamesFollowTheirMembersContent)
{
  const auto first = make_listing("ch01/1.1-1", "println!(\"a\");");
  const auto second = make_listing("ch01/1.1-2", "println!(\"b\");");
  const auto edited = make_listing("ch01/1.1-2", "println!(\"c\");");
  const scratch::Unit a{&first, scratch::wrap_listing(first, {})};
  const scratch::Unit b{&second, scratch::wrap_listing(second, {})};
  const scratch::Unit c{&edited, scratch::wrap_listing(edited, {})};
  EXPECT_EQ(scratch::batch_name({&a, &b}), scratch::batch_name({&a, &b}));
  EXPECT_NE(scratch::batch_name({&a, &b}), scratch::batch_name({&a, &c}));
  EXPECT_NE(scratch::batch_name({&a, &b}), scratch::batch_name({&a}));
}

TEST(BuildPlan, CompileFailListingsShareBatchesOnlyWithEachOther)
{
  const auto listing = make_listing("ch01/1.1-1", "let x: u8 = \"s\";");
  std::vector<build::BuildItem> items(5);
  for (std::size_t k = 0; k < items.size(); ++k) {
    items[k].unit = {&listing, scratch::wrap_listing(listing, {}), scratch::CrateType::bin, "2021", {}};
    items[k].mergeable = true;
    items[k].expected_to_fail = k % 2 == 1;
  }
  const auto plan = build::plan_targets(items);
  EXPECT_EQ(plan, (std::vector<build::PlannedTarget>{{{0, 2, 4}, true}, {{1, 3}, true}}));
}

TEST(Batches, CodeThatStopsTheLexerOrNamesTheModuleAroundItStaysOutOfBatches)
{
  // An open literal, comment or delimiter ends rustc's work on the whole file, every member's.
  for (const auto* code : {"let s = \"open;", "let c = ')';\n/* open", "fn main() { let v = vec![1, 2; }",
                           "fn main() {}\n}", "use super::Sibling;\nfn main() {}", "pub(super) fn f() {}\nfn main() {}",
                           "fn main() { super::helper(); }",
                           "cargo add windows --target 'cfg(windows)'"}) {
    const auto listing = make_listing("ch01/1.1-1", code);
    EXPECT_FALSE(scratch::can_merge(scratch::wrap_listing(listing, {}))) << code;
  }
  for (const auto* code : {"mod inner { use super::*; }\nfn main() {}", "let c = '\"'; let l: &'static str = \"}\";",
                           "mod a { mod b { pub(super) fn f() {} } }\nfn main() {}"}) {
    const auto listing = make_listing("ch01/1.1-1", code);
    EXPECT_TRUE(scratch::can_merge(scratch::wrap_listing(listing, {}))) << code;
  }
}

TEST(Batches, PathsThatEdition2015StartsAtTheCrateRootAreFound)
{
  for (const auto* code : {"use std::fmt;", "fn main() { ::std::process::exit(0); }", "let x: ::std::u8 = 1;",
                           "fn f() -> u8 { return ::std::u8::MAX; }", "let v = vec![::a::b()];",
                           "mod m { pub use self::x::y; }", "let s = \"open"}) {
    EXPECT_TRUE(scratch::names_paths_from_the_crate_root(code)) << code;
  }
  for (const auto* code : {"let q = Queue::new();", "let v = Vec::<u8>::new();", "<u8 as Default>::default();",
                           "let s = \"use ::x\"; // use ::y", "fn user() { self::helper(); super::x(); }"}) {
    EXPECT_FALSE(scratch::names_paths_from_the_crate_root(code)) << code;
  }
}

TEST(Batches, BinaryWideAttributesAndSelfObservingCodeStayOutOfBatches)
{
  for (const auto* code :
       {"#[export_name = \"malloc\"]\npub extern \"C\" fn f() {}", "#[unsafe(no_mangle)]\npub fn g() {}",
        "#[link_section = \".init_array\"]\nstatic S: u8 = 0;", "#[used]\nstatic T: u8 = 0;",
        "#[global_allocator]\nstatic A: std::alloc::System = std::alloc::System;",
        "#[macro_export]\nmacro_rules! m { () => {} }", "extern crate core;", "#![feature(never_type)]", "mod garden;",
        "println!(\"{}\", line!());", "println!(\"{}\", std::any::type_name::<u8>());",
        "let a: Vec<String> = std::env::args().collect();", "unsafe extern \"C\" {\n    fn example_ffi(x: i32);\n}",
        "extern {\n    fn legacy();\n}", "extern \"C\"\n{\n    fn f();\n}"}) {
    const auto listing = make_listing("ch01/1.1-1", code);
    EXPECT_FALSE(scratch::can_merge(scratch::wrap_listing(listing, {}))) << code;
  }
  for (const auto* code : {"#![allow(dead_code)]\nfn main() {}", "mod inner { pub fn f() {} }\nfn main() {}",
                           "println!(\"a line\");", "let modulo = 3; let mode = modulo;",
                           "pub extern \"C\" fn callback() {}", "extern \"C\" fn defined() {}\nfn main() {}"}) {
    const auto listing = make_listing("ch01/1.1-1", code);
    EXPECT_TRUE(scratch::can_merge(scratch::wrap_listing(listing, {}))) << code;
  }
}

} // namespace
} // namespace snipcheck::app

namespace snipcheck::scratch {
namespace {

TEST(Workspace, EveryStringOfTheGeneratedTomlIsEscaped)
{
  // A registry folder, a version and a feature holding quotes, a backslash and a
  // newline: written raw, they would end the string and add TOML of their own.
  const auto root = std::filesystem::temp_directory_path() / ("snipcheck-workspace-" + std::to_string(::getpid()));
  const std::string registry = "/srv/reg\"istry\\x\n[patch]";
  const std::string version = "1\"\n[patch.crates-io]";
  auto listing = app::make_listing("ch01/1.1-1", "println!(\"e\");");
  Unit unit{&listing, wrap_listing(listing, {}), CrateType::bin, "2021", {}};
  unit.deps = {{"anyhow", version, {"std\"\nx = 1"}, true}};
  const auto workspace = write_workspace({unit}, {root, registry});
  const auto config = toml::parse_file((root / ".cargo/config.toml").string());
  EXPECT_EQ(config["source"]["local-registry"]["directory"].value<std::string>(), registry);
  EXPECT_EQ(config.size(), 1u);
  const auto members = toml::parse_file((root / "Cargo.toml").string());
  ASSERT_NE(members["workspace"]["members"].as_array(), nullptr);
  EXPECT_EQ(members["workspace"]["members"].as_array()->size(), 1u);
  const auto manifest = toml::parse_file((root / workspace.packages.front() / "Cargo.toml").string());
  EXPECT_EQ(manifest["dependencies"]["anyhow"]["version"].value<std::string>(), version);
  EXPECT_EQ(manifest["dependencies"]["anyhow"]["features"][0].value<std::string>(), "std\"\nx = 1");
  EXPECT_FALSE(manifest.contains("patch"));
  std::filesystem::remove_all(root);
}

TEST(Workspace, CrateNamesFollowCargosRule)
{
  for (const auto* good : {"serde", "serde_json", "tokio-util", "_private", "A1"}) {
    EXPECT_EQ(crate_name_problem(good), std::nullopt) << good;
  }
  for (const auto* bad : {"", "a b", "1password", "-x", "x\"y", "x\ny", "caf\xc3\xa9", "a.b"}) {
    EXPECT_NE(crate_name_problem(bad), std::nullopt) << bad;
  }
  EXPECT_NE(crate_name_problem(std::string(65, 'a')), std::nullopt);
}

} // namespace
} // namespace snipcheck::scratch
