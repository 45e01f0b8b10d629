#include "build/build_stage.hpp"

#include "build/build_pass.hpp"
#include "run/run_programs.hpp"
#include "cargo/compile_limit.hpp"
#include "cargo/rustc_probe.hpp"
#include "scratch/path_crates.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>

namespace snipcheck::build {

namespace {

// A toolchain as part of a folder name: a path given as --toolchain must not
// lead outside the build folder.
std::string toolchain_folder(const CellSettings& cell)
{
  const auto& given = cell.toolchain->name;
  std::string name;
  for (const char c : given) {
    name += std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_' ? c : '_';
  }
  if (name != given || name.starts_with(".")) {
    name = fmt::format("{}-{}", name, text::fnv1a_hex(given).substr(0, 8));
  }
  return name;
}

std::string cell_folder(const CellSettings& cell)
{
  return fmt::format("{}-{}", toolchain_folder(cell), cell.edition);
}

// Items of one round, with where each was written.
struct Round
{
  std::vector<PlannedTarget> targets;
  std::vector<scratch::Unit> units;               // what is written this round
  std::vector<std::size_t> unit_item;             // unit index -> item index
  std::map<std::size_t, std::size_t> item_target; // item index -> target index

  std::size_t item_of(const scratch::WrittenUnit& written) const
  {
    return unit_item[static_cast<std::size_t>(written.unit - units.data())];
  }
};

// The programs a round built, to run before anything can rewrite them.
struct RoundPrograms
{
  std::vector<run::ProgramRun> programs;
  std::vector<std::size_t> program_item; // program index -> item index
};

using FailedBatches = std::map<std::size_t, std::set<std::size_t>>; // target -> members with errors

class CellBuilder
{
public:
  CellBuilder(std::vector<BuildItem>& items, const CellSettings& cell, const BuildSettings& settings,
              cargo::CommandRunner& runner, const util::Log& log, const StageProgress& progress,
              const AcceptBatchedRun& accept, const ItemFinished& on_finished)
    : m_items(items)
    , m_cell(cell)
    , m_settings(settings)
    , m_runner(runner)
    , m_log(log)
    , m_progress(progress)
    , m_accept(accept)
    , m_on_finished(on_finished)
    , m_cell_name(check::cell_name(cell.toolchain->name, cell.edition))
  {}

  void build()
  {
    forget_builds_of_another_registry();
    if (m_settings.registry_directory.empty()) {
      cargo::prepare_cargo_home(m_settings.build_dir / "cargo-home"); // crates.io: reuse the user's downloads
    }
    auto targets = plan_targets(m_items, m_settings.merge == MergeListings::yes ? batch_size : 1);
    while (!targets.empty() || !m_alone.empty()) {
      if (targets.empty()) { // last: each listing cargo did not get to, in a cargo call of its own
        targets.push_back(m_alone.front());
        m_alone.erase(m_alone.begin());
      }
      ++m_round;
      auto [now, later] = separate_name_clashes(std::move(targets));
      targets = build_round(std::move(now));
      targets.insert(targets.end(), later.begin(), later.end());
    }
  }

  // Crates compiled from another state of the local registry are not reused.
  void forget_builds_of_another_registry() const
  {
    if (m_settings.registry_directory.empty()) {
      return;
    }
    const auto target_dir = m_settings.build_dir / ("target-" + toolchain_folder(m_cell));
    const auto stamp = target_dir / "snipcheck-registry.txt";
    std::error_code ec;
    if (std::filesystem::exists(stamp, ec) && text::read_file(stamp) == m_settings.registry_digest) {
      return;
    }
    if (std::filesystem::exists(target_dir, ec)) {
      m_log(
          fmt::format("the local registry changed since {} was built; building its crates again", target_dir.string()));
      std::filesystem::remove_all(target_dir, ec);
    }
    std::filesystem::create_directories(target_dir, ec);
    text::write_file_atomically(stamp, m_settings.registry_digest);
  }

  // Listings that name their crate (`#![crate_name]`) name their binary: two
  // with one name cannot be built in one pass, so the second waits a round.
  std::pair<std::vector<PlannedTarget>, std::vector<PlannedTarget>>
  separate_name_clashes(std::vector<PlannedTarget> targets) const
  {
    std::vector<PlannedTarget> now;
    std::vector<PlannedTarget> later;
    std::set<std::string> names;
    for (auto& target : targets) {
      const auto name =
          target.batch ? std::string() : scratch::declared_crate_name(m_items[target.members.front()].unit.source);
      if (!name.empty() && !names.insert(name).second) {
        later.push_back(std::move(target));
      } else {
        now.push_back(std::move(target));
      }
    }
    return {std::move(now), std::move(later)};
  }

private:
  // The round's targets again, without the listings asking for a crate cargo
  // cannot resolve (they get it as their result).
  std::vector<PlannedTarget> without_unresolved(const Round& round, const scratch::Workspace& workspace,
                                                const UnresolvedDependency& unresolved)
  {
    std::set<std::size_t> asking;
    for (const auto& written : workspace.units) {
      const auto& deps = written.unit->deps;
      if (written.package == unresolved.package &&
          std::any_of(deps.begin(), deps.end(), [&](const auto& d) { return d.name == unresolved.crate; })) {
        asking.insert(round.item_of(written));
      }
    }
    if (asking.empty()) {
      throw Fatal(fmt::format("cargo cannot resolve crate `{}`:{}", unresolved.crate, unresolved.cargo_error));
    }
    m_log(fmt::format("cargo cannot resolve crate `{}`; building the round again without the {} listings asking "
                      "for it",
                      unresolved.crate, asking.size()));
    std::vector<PlannedTarget> rest;
    for (auto target : round.targets) {
      std::erase_if(target.members, [&](std::size_t item) { return asking.contains(item); });
      if (!target.members.empty()) {
        target.batch = target.batch && target.members.size() > 1;
        rest.push_back(std::move(target));
      }
    }
    for (const auto item : asking) {
      m_items[item].unresolved_dependency = unresolved;
      ++m_finished; // nothing to hand on: it was not built
    }
    return rest;
  }

  // The item's result is final: count it, and hand it on.
  void finish(std::size_t item)
  {
    ++m_finished;
    if (m_on_finished) {
      m_on_finished(m_items[item]);
    }
  }

  // Records a phase of this round, when the run keeps timings.
  void timed(const util::PhaseTimer::Start& started, const char* phase, std::size_t count) const
  {
    if (m_settings.timer != nullptr) {
      m_settings.timer->stop(started, phase, static_cast<long>(count), m_cell_name, m_round);
    }
  }

  void report(const std::string& phase)
  {
    if (m_progress) {
      m_progress(phase, m_finished);
    }
  }

  Round prepare(std::vector<PlannedTarget> targets)
  {
    Round round;
    round.targets = std::move(targets);
    for (std::size_t t = 0; t < round.targets.size(); ++t) {
      const auto& target = round.targets[t];
      std::vector<const scratch::Unit*> members;
      for (const auto index : target.members) {
        members.push_back(&m_items[index].unit);
      }
      const auto batch = target.batch ? scratch::batch_name(members) : std::string();
      for (const auto index : target.members) {
        auto unit = m_items[index].unit;
        unit.batch = batch;
        round.units.push_back(std::move(unit));
        round.unit_item.push_back(index);
        round.item_target[index] = t;
      }
    }
    return round;
  }

  // Builds one round's targets and runs what they built; returns the next round's targets.
  // Cargo unifies a crate's features over every package of one build, so each
  // set of crates is built in a workspace and a cargo call of its own (most
  // books have one or two); the target folder is shared.
  std::vector<PlannedTarget> build_round(std::vector<PlannedTarget> targets)
  {
    std::map<std::string, std::vector<PlannedTarget>> by_dependencies;
    for (auto& target : targets) {
      const auto& deps = m_items[target.members.front()].unit.deps; // a batch's members share their crates
      by_dependencies[scratch::dependencies_fingerprint(deps)].push_back(std::move(target));
    }
    std::vector<PlannedTarget> next;
    for (auto& [fingerprint, group] : by_dependencies) {
      auto folder =
          fingerprint.empty() ? std::string("workspace") : "workspace-d" + text::fnv1a_hex(fingerprint).substr(0, 8);
      if (m_settings.clippy_flags) {
        // One folder per set of flags: cargo does not build again when only
        // CLIPPY_ARGS changes, and would replay another set's findings.
        std::string flags;
        for (const auto& flag : *m_settings.clippy_flags) {
          flags += flag + "\n";
        }
        folder = "lint-" + text::fnv1a_hex(flags).substr(0, 8) + "-" + folder;
      }
      auto more = build_workspace(std::move(group), folder);
      next.insert(next.end(), more.begin(), more.end());
    }
    return next;
  }

  // One cargo call over targets that ask for the same crates.
  std::vector<PlannedTarget> build_workspace(std::vector<PlannedTarget> targets, const std::string& folder)
  {
    auto writing = util::PhaseTimer::start();
    auto round = prepare(std::move(targets));
    // No analysis marker for lint runs: their lint flags could make its warning an error.
    const auto workspace =
        scratch::write_workspace(round.units, {m_settings.build_dir / cell_folder(m_cell) / folder,
                                               m_settings.registry_directory, !m_settings.clippy_flags});
    const auto settings = cargo_settings(round, workspace);
    if (m_settings.clippy_flags) {
      // clippy looks for its clippy.toml from here up: this empty one is the one it finds.
      text::write_file_if_changed(workspace.root / "clippy.toml", "");
    }
    timed(writing, "workspace", round.units.size());
    report("building");
    const auto building = util::PhaseTimer::start();
    CargoPass pass;
    try {
      pass = run_cargo_pass(select_targets(workspace), settings, m_settings.jobs, m_runner, m_log, on_line());
    } catch (const UnresolvedDependency& unresolved) {
      timed(building, "cargo", round.targets.size());
      return without_unresolved(round, workspace, unresolved);
    }
    timed(building, "cargo", round.targets.size());
    share_build_time(round, building.wall);
    const auto observing = util::PhaseTimer::start();
    const auto failed_batches = batches_with_errors(round, workspace, pass);
    const auto timed_out = batches_timed_out(round, workspace, pass);
    const auto [settled, retried_together] = settled_failures(round, workspace, pass, failed_batches, timed_out);
    auto next = split_failed_batches(round, failed_batches, timed_out, settled, retried_together);
    const auto built = observe_round(round, workspace, pass, failed_batches, settled, next);
    timed(observing, "observe", round.units.size());
    const auto running = util::PhaseTimer::start();
    run_round_programs(built, next);
    if (!built.programs.empty()) {
      timed(running, "runs", built.programs.size());
    }
    return next;
  }

  cargo::CargoSettings cargo_settings(const Round& round, const scratch::Workspace& workspace) const
  {
    cargo::CargoSettings settings;
    settings.workspace = workspace.root;
    settings.target_dir = std::filesystem::absolute(m_settings.build_dir / ("target-" + toolchain_folder(m_cell)));
    settings.toolchain = m_cell.toolchain->argument;
    settings.toolchain_bin = m_cell.toolchain->bin;
    settings.cargo_home = std::filesystem::absolute(m_settings.build_dir / "cargo-home");
    settings.offline = !m_settings.registry_directory.empty();
    if (m_settings.compile_timeout_seconds > 0) {
      settings.compile_timeout =
          std::chrono::milliseconds(static_cast<long long>(m_settings.compile_timeout_seconds * 1000));
    }
    if (settings.offline) {
      settings.readable.push_back(m_settings.registry_directory); // cargo's view of the machine holds it
    }
    if (m_settings.clippy_flags) {
      settings.clippy_driver = cargo::resolve_clippy_driver(m_cell.toolchain->bin, m_cell.toolchain->argument);
      settings.clippy_flags = *m_settings.clippy_flags;
    }
    // A book's own crates (`path = ...` dependencies) are read, never written;
    // so are the crates they use by path, and the workspace manifest they inherit from.
    std::set<std::filesystem::path> local_crates;
    std::set<std::filesystem::path> readable;
    for (const auto& unit : round.units) {
      for (const auto& dependency : unit.deps) {
        if (dependency.path.empty() || !local_crates.insert(dependency.path).second) {
          continue;
        }
        const auto crates = scratch::path_crates(dependency.path);
        for (const auto* paths : {&crates.folders, &crates.manifests}) {
          for (const auto& path : *paths) {
            if (readable.insert(path).second) {
              settings.readable.push_back(path);
            }
          }
        }
      }
    }
    return settings;
  }

  void share_build_time(const Round& round, std::chrono::steady_clock::time_point started)
  {
    const auto build_share =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started) /
        static_cast<long>(round.units.size());
    for (const auto index : round.unit_item) {
      m_items[index].duration += build_share;
    }
  }

  // Which batches rustc reported errors in, and at which members.
  static FailedBatches batches_with_errors(const Round& round, const scratch::Workspace& workspace,
                                           const CargoPass& pass)
  {
    FailedBatches failed_batches;
    for (const auto& written : workspace.units) {
      if (!written.merged()) {
        continue;
      }
      const auto item = round.item_of(written);
      for (const auto* message : pass.messages_of(written.path.string())) {
        if (!is_error(*message)) {
          continue;
        }
        auto& with_errors = failed_batches[round.item_target.at(item)];
        // An error in the glue around a member (about its `main`) is that member's too; so is one
        // no member's lines hold that names the member's items by their path from the batch
        // (an overflow about `ch56_1::Trait`), so that it is built alone rather than found by bisection.
        if (message->span && written.module_holds_line(message->span->line)) {
          with_errors.insert(item);
        } else if (names_module(message->message, written.module) &&
                   !held_by_a_member(*message, written.path, workspace)) {
          with_errors.insert(item);
        }
      }
    }
    return failed_batches;
  }

  // Whether `text` holds a path starting at `module` (`ch5_1::T`, not `ch15_1::T`).
  static bool names_module(const std::string& text, const std::string& module)
  {
    const auto prefix = module + "::";
    for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
      if (at == 0 || !(std::isalnum(static_cast<unsigned char>(text[at - 1])) != 0 || text[at - 1] == '_')) {
        return true;
      }
    }
    return false;
  }

  static bool held_by_a_member(const cargo::CompilerMessage& message, const std::filesystem::path& batch,
                               const scratch::Workspace& workspace)
  {
    return message.span && std::any_of(workspace.units.begin(), workspace.units.end(), [&](const auto& unit) {
             return unit.path == batch && unit.module_holds_line(message.span->line);
           });
  }

  // Batches whose rustc hit the compile-time limit (they are among the failed ones too).
  static std::set<std::size_t> batches_timed_out(const Round& round, const scratch::Workspace& workspace,
                                                 const CargoPass& pass)
  {
    std::set<std::size_t> timed_out;
    for (const auto& written : workspace.units) {
      const auto messages =
          written.merged() ? pass.messages_of(written.path.string()) : std::vector<const cargo::CompilerMessage*>{};
      if (std::any_of(messages.begin(), messages.end(), [](const auto* m) { return cargo::is_compile_timeout(*m); })) {
        timed_out.insert(round.item_target.at(round.item_of(written)));
      }
    }
    return timed_out;
  }

  // The failing members that their failed batches settle (failures_settled_in_batch),
  // and the failing members built again together (BatchSettlement::retried_together).
  struct Settlements
  {
    std::set<std::size_t> settled;           // items
    std::set<std::size_t> retried_together;  // items
  };

  Settlements settled_failures(const Round& round, const scratch::Workspace& workspace, const CargoPass& pass,
                               const FailedBatches& failed_batches, const std::set<std::size_t>& timed_out)
  {
    std::map<std::size_t, std::vector<const scratch::WrittenUnit*>> members; // target -> its written members
    for (const auto& written : workspace.units) {
      const auto target = round.item_target.at(round.item_of(written));
      if (written.merged() && failed_batches.contains(target) && !timed_out.contains(target)) {
        members[target].push_back(&written);
      }
    }
    Settlements settlements;
    for (const auto& [target, units] : members) {
      const auto settlement = failures_settled_in_batch(units, pass, workspace, [this] { return unresolved_trait_stops(); });
      for (const auto* unit : settlement.settled) {
        settlements.settled.insert(round.item_of(*unit));
      }
      for (const auto* unit : settlement.retried_together) {
        // Each retry leaves out the member that stopped rustc; a few, at most,
        // so that a chapter of prose in `rust` fences costs a few rounds, not one per listing.
        if (const auto item = round.item_of(*unit); ++m_retries_together[item] <= max_retries_together) {
          settlements.retried_together.insert(item);
        }
      }
      if (!settlement.none_because.empty()) {
        m_log(fmt::format("a batch of {} listings settles none of its failures: {}", units.size(),
                          settlement.none_because));
      }
    }
    return settlements;
  }

  // Asked once per cell, and of rustc once per toolchain and build folder.
  bool unresolved_trait_stops()
  {
    if (!m_unresolved_trait_stops) {
      m_unresolved_trait_stops = cargo::unresolved_trait_stops_before_type_checking(
          m_runner, m_cell.toolchain->bin, m_cell.toolchain->argument, m_cell.toolchain->rustc_verbose,
          m_settings.build_dir / "probes");
    }
    return *m_unresolved_trait_stops;
  }

  std::vector<PlannedTarget> split_failed_batches(const Round& round, const FailedBatches& failed_batches,
                                                  const std::set<std::size_t>& timed_out,
                                                  const std::set<std::size_t>& settled,
                                                  const std::set<std::size_t>& retried_together)
  {
    std::vector<PlannedTarget> next;
    for (const auto& [target, with_errors] : failed_batches) {
      const auto& batch = round.targets[target];
      const bool slow = timed_out.contains(target);
      const auto parts = slow ? split_timed_out_batch(batch) : split_failed_batch(batch, with_errors, settled, retried_together);
      const auto settled_here = static_cast<std::size_t>(std::count_if(
          batch.members.begin(), batch.members.end(), [&](std::size_t member) { return settled.contains(member); }));
      m_log(fmt::format("{} in a batch of {} listings; {}building {} again as {} targets",
                        slow ? "rustc hit the compile-time limit" : "rustc reported errors", batch.members.size(),
                        settled_here == 0 ? std::string()
                                          : fmt::format("{} failures are settled by the batch; ", settled_here),
                        settled_here == 0 ? std::string("them") : std::string("the others"), parts.size()));
      next.insert(next.end(), parts.begin(), parts.end());
    }
    return next;
  }

  // Records what each listing of the round did (but those of failed batches
  // that the batch did not settle, which their rebuilt parts decide), and
  // collects the programs to run.
  RoundPrograms observe_round(const Round& round, const scratch::Workspace& workspace, const CargoPass& pass,
                              const FailedBatches& failed_batches, const std::set<std::size_t>& settled,
                              std::vector<PlannedTarget>& next)
  {
    RoundPrograms built;
    const bool a_listing_failed =
        std::any_of(pass.messages.messages.begin(), pass.messages.messages.end(), [&](const auto& message) {
          return is_error(message) && workspace.find_by_source(message.target_src_path) != nullptr;
        });
    for (const auto& written : workspace.units) {
      const auto item_index = round.item_of(written);
      if (failed_batches.contains(round.item_target.at(item_index)) && !settled.contains(item_index)) {
        continue; // decided by the rebuilt parts
      }
      auto& item = m_items[item_index];
      item.observed = observe(written, pass, workspace);
      if (item.observed.build == check::Observed::Build::not_built && a_listing_failed &&
          m_retried_alone.insert(item_index).second) {
        // Cargo did not get to it (a target it waits for failed): its own verdict comes from a call of its own.
        m_log(
            fmt::format("cargo did not build {} while other targets failed; building it alone", item.unit.listing->id));
        m_alone.push_back({{item_index}, false});
        continue;
      }
      if (written.merged() && m_settings.confirm_alone && m_settings.confirm_alone(item.observed)) {
        m_log(fmt::format("{} gave a result inside a batch that only a build alone confirms; building it alone",
                          item.unit.listing->id));
        next.push_back({{item_index}, false});
        continue;
      }
      if (!item.runs || item.observed.build != check::Observed::Build::compiled) {
        finish(item_index);
        continue;
      }
      const auto executable = pass.messages.executables.find(written.path.string());
      if (executable == pass.messages.executables.end()) {
        item.observed.build = check::Observed::Build::not_built;
        item.observed.environment_problem = "cargo built no executable for it";
        finish(item_index);
        continue;
      }
      built.programs.push_back({executable->second, written.module, item.unit.listing->id});
      built.program_item.push_back(item_index);
    }
    return built;
  }

  // Runs what this pass built, before anything can rewrite it; a batched run
  // that is not accepted goes into `next`, to be built and run alone. Each
  // result is taken as its program ends (one at a time), so a finished
  // listing is handed on while others still run.
  void run_round_programs(const RoundPrograms& built, std::vector<PlannedTarget>& next)
  {
    run::run_programs(
        built.programs, m_settings.run, m_runner, m_log, [&](const std::string& id) { report("running " + id); },
        [&](std::size_t k, cargo::CommandResult& ran) { take_run(built, k, ran, next); });
  }

  void take_run(const RoundPrograms& built, std::size_t k, cargo::CommandResult& ran, std::vector<PlannedTarget>& next)
  {
    const auto item_index = built.program_item[k];
    auto& item = m_items[item_index];
    if (ran.status.kind == cargo::ExitStatus::Kind::not_started) {
      item.observed.build = check::Observed::Build::not_built;
      item.observed.environment_problem = fmt::format("could not start the listing's program: {}", ran.start_error);
      finish(item_index);
      return;
    }
    item.observed.run =
        check::RunOutput{ran.status, std::move(ran.out), std::move(ran.err), ran.out_truncated || ran.err_truncated};
    item.duration += ran.duration;
    // A program that hit the time limit stands as it is: each member of a
    // batch runs in a process of its own that runs only that member's code,
    // so the limit was its own, and alone it would only hit it again.
    const bool timed_out = ran.status.kind == cargo::ExitStatus::Kind::timed_out;
    if (!built.programs[k].argument.empty() && !timed_out && m_accept && !m_accept(item)) {
      m_log(fmt::format("{} did not run as expected inside a batch ({}); building and running it alone",
                        item.unit.listing->id, ran.status.describe()));
      next.push_back({{item_index}, false});
      return;
    }
    finish(item_index);
  }

  std::function<void(std::string_view)> on_line()
  {
    if (!m_progress) {
      return {};
    }
    return [this](std::string_view line) {
      if (line.find("\"compiler-artifact\"") == std::string_view::npos) {
        return;
      }
      const auto message = nlohmann::json::parse(line, nullptr, false);
      const auto src_path = message.is_object() ? message.value("/target/src_path"_json_pointer, std::string()) : "";
      const std::lock_guard lock(m_progress_lock);
      if (!src_path.empty() && m_built_sources.insert(src_path).second) {
        report("building");
      }
    };
  }

  std::vector<BuildItem>& m_items;
  const CellSettings& m_cell;
  const BuildSettings& m_settings;
  cargo::CommandRunner& m_runner;
  const util::Log& m_log;
  const StageProgress& m_progress;
  const AcceptBatchedRun& m_accept;
  const ItemFinished& m_on_finished;
  std::string m_cell_name; // for the timings
  int m_round = 0;
  int m_finished = 0;
  std::vector<PlannedTarget> m_alone; // not built while neighbours failed: built once more, alone
  std::set<std::size_t> m_retried_alone;
  static constexpr int max_retries_together = 3;
  std::map<std::size_t, int> m_retries_together; // item -> times its failure was built again in a batch
  std::mutex m_progress_lock;
  std::set<std::string> m_built_sources;
  std::optional<bool> m_unresolved_trait_stops; // asked when first needed
};

} // namespace

void build_cell(std::vector<BuildItem>& items, const CellSettings& cell, const BuildSettings& settings,
                cargo::CommandRunner& runner, const util::Log& log, const StageProgress& progress,
                const AcceptBatchedRun& accept_batched_run, const ItemFinished& on_finished)
{
  if (items.empty()) {
    return;
  }
  CellBuilder(items, cell, settings, runner, log, progress, accept_batched_run, on_finished).build();
}

} // namespace snipcheck::build
