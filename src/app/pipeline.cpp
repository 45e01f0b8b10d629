#include "app/pipeline.hpp"

#include "app/build_lock.hpp"
#include "app/cache.hpp"
#include "app/run_programs.hpp"
#include "app/select.hpp"
#include "cargo/cargo.hpp"
#include "check/normalize.hpp"
#include "scratch/workspace.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>
#include <optional>
#include <set>

namespace snipcheck::app {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point start)
{
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

std::vector<ToolchainInfo> resolve_toolchains(const Options& options, cargo::CommandRunner& runner)
{
  std::vector<ToolchainInfo> toolchains;
  auto names = options.toolchains;
  if (names.empty()) {
    names.push_back("");
  }
  for (const auto& name : names) {
    ToolchainInfo info;
    info.argument = name;
    info.rustc_verbose = cargo::rustc_version(runner, name);
    info.rustc = text::split_lines(info.rustc_verbose).front();
    if (!name.empty()) {
      info.name = name;
    } else if (info.rustc.find("nightly") != std::string::npos) {
      info.name = "nightly";
    } else if (info.rustc.find("beta") != std::string::npos) {
      info.name = "beta";
    } else {
      info.name = "stable";
    }
    toolchains.push_back(std::move(info));
  }
  return toolchains;
}

// Places a compiler message at the book's line through the scratch file's line map.
check::Diagnostic place(const cargo::CompilerMessage& message, const scratch::WrittenUnit& unit,
                        const std::filesystem::path& workspace_root)
{
  check::Diagnostic diagnostic;
  diagnostic.level = message.level;
  diagnostic.code = message.code;
  diagnostic.message = message.message;
  const auto& listing_lines = unit.unit->listing->lines;
  const auto& files = unit.unit->listing->files;
  const check::NormalizeContext context{
      std::filesystem::relative(unit.path, workspace_root).string(), workspace_root.string(), [&](int scratch_line) {
        const auto origin = unit.unit->source.origin_of(scratch_line);
        if (origin.origin != scratch::Origin::listing || origin.line > static_cast<int>(listing_lines.size())) {
          return check::BookPlace{};
        }
        const auto& line = listing_lines[static_cast<std::size_t>(origin.line - 1)];
        return check::BookPlace{files.at(static_cast<std::size_t>(line.file_index)).string(), line.source_line};
      }};
  diagnostic.rendered = check::normalize(message.rendered, context);
  const auto& listing = *unit.unit->listing;
  diagnostic.book_file = listing.files.front();
  if (message.span && unit.path.string().ends_with(message.span->file)) {
    const auto origin = unit.unit->source.origin_of(message.span->line);
    diagnostic.column = message.span->column;
    if (origin.origin == scratch::Origin::listing && origin.line <= static_cast<int>(listing.lines.size())) {
      const auto& line = listing.lines[static_cast<std::size_t>(origin.line - 1)];
      diagnostic.listing_line = origin.line;
      diagnostic.book_line = line.source_line;
      diagnostic.book_file = listing.files.at(static_cast<std::size_t>(line.file_index));
    } else if (origin.origin == scratch::Origin::prelude || origin.origin == scratch::Origin::epilogue) {
      diagnostic.prelude_line = origin.line;
    }
    for (const auto& span : message.other_primary_spans) {
      const auto other = unit.unit->source.origin_of(span.line);
      if (other.origin == scratch::Origin::listing && unit.path.string().ends_with(span.file)) {
        diagnostic.other_listing_lines.push_back(other.line);
      }
    }
  }
  return diagnostic;
}

// A cached result was placed in whatever book held the listing then; the same
// text may now stand at other lines (or in a copy of the book): place it again.
void relocate(check::Observed& observed, const book::Listing& listing)
{
  for (auto& diagnostic : observed.diagnostics) {
    diagnostic.book_file = listing.files.front();
    diagnostic.book_line = 0;
    if (diagnostic.listing_line > 0 && diagnostic.listing_line <= static_cast<int>(listing.lines.size())) {
      const auto& line = listing.lines[static_cast<std::size_t>(diagnostic.listing_line - 1)];
      diagnostic.book_line = line.source_line;
      diagnostic.book_file = listing.files.at(static_cast<std::size_t>(line.file_index));
    }
  }
}

struct CellPlan
{
  const ToolchainInfo* toolchain = nullptr;
  std::string edition;
  int total = 0; // listings of the cell, cached ones included
  int done = 0;
  std::vector<std::size_t> result_indexes; // results built in this cell
  std::vector<scratch::Unit> units;        // parallel to the buildable results
  std::vector<std::size_t> unit_result;    // unit index -> result index
  std::vector<std::string> unit_keys;      // unit index -> cache key
};

std::string cell_folder(const ToolchainInfo& toolchain, const std::string& edition)
{
  return fmt::format("{}-{}", toolchain.name, edition);
}

void report_progress(const CellPlan& plan, const std::string& phase, const ProgressFn& progress)
{
  if (progress) {
    progress({fmt::format("{} {}", plan.toolchain->name, plan.edition), phase, plan.done, plan.total});
  }
}

// Runs the cell's `run` and `run-fail` listings that compiled.
void run_binaries(const CellPlan& plan, const scratch::Workspace& workspace, const cargo::BuildMessages& built,
                  std::vector<ListingResult>& results, const Options& options, cargo::CommandRunner& runner,
                  const Log& log, const ProgressFn& progress)
{
  std::vector<ProgramRun> programs;
  std::vector<std::size_t> program_result; // program index -> result index
  for (const auto& written : workspace.units) {
    const auto index = static_cast<std::size_t>(written.unit - plan.units.data());
    auto& result = results[plan.unit_result[index]];
    const auto outcome = result.expectation.outcome;
    if ((outcome != check::Outcome::run && outcome != check::Outcome::run_fail) ||
        result.observed.build != check::Observed::Build::compiled) {
      continue;
    }
    const auto executable = built.executables.find(written.path.string());
    if (executable == built.executables.end()) {
      result.observed.build = check::Observed::Build::not_built;
      result.observed.environment_problem = "cargo built no executable for it";
      continue;
    }
    programs.push_back({executable->second, written.module, result.listing->id});
    program_result.push_back(plan.unit_result[index]);
  }
  const auto ran = run_programs(programs, options, runner, log,
                                [&](const std::string& id) { report_progress(plan, "running " + id, progress); });
  for (std::size_t k = 0; k < ran.size(); ++k) {
    auto& result = results[program_result[k]];
    if (ran[k].status.kind == cargo::ExitStatus::Kind::not_started) {
      result.observed.build = check::Observed::Build::not_built;
      result.observed.environment_problem =
          fmt::format("could not start the listing's program: {}", ran[k].start_error);
      continue;
    }
    result.observed.run =
        check::RunOutput{ran[k].status, ran[k].out, ran[k].err, ran[k].out_truncated || ran[k].err_truncated};
    result.duration += ran[k].duration;
  }
}

constexpr std::chrono::minutes cargo_time_limit{30};

// One cargo invocation over chosen targets. A cargo that cannot start, crashes,
// or fails before compiling anything is the environment's failure (Fatal).
struct CargoPass
{
  std::string command;
  cargo::CommandResult result;
  cargo::BuildMessages messages;
};

struct TargetSelection
{
  std::vector<std::string> check;    // cargo arguments selecting targets to type-check
  std::vector<std::string> build;    // ... and to build for running
  std::set<std::string> build_paths; // source files of the targets built
};

TargetSelection select_targets(const CellPlan& plan, const scratch::Workspace& workspace,
                               const std::vector<ListingResult>& results, const std::set<std::size_t>& only)
{
  // A target is built when any of its listings runs, else type-checked.
  std::map<std::pair<std::string, std::string>, bool> targets; // (package, target) -> runs
  for (const auto& written : workspace.units) {
    const auto index = static_cast<std::size_t>(written.unit - plan.units.data());
    if (!only.empty() && !only.contains(index)) {
      continue;
    }
    const auto outcome = results[plan.unit_result[index]].expectation.outcome;
    const bool runs = outcome == check::Outcome::run || outcome == check::Outcome::run_fail;
    const auto is_library = written.unit->crate_type != scratch::CrateType::bin;
    auto& entry = targets[{written.package, is_library ? std::string() : written.target}];
    entry = entry || runs;
  }
  TargetSelection selection;
  for (const auto& written : workspace.units) {
    const auto is_library = written.unit->crate_type != scratch::CrateType::bin;
    const auto found = targets.find({written.package, is_library ? std::string() : written.target});
    if (found != targets.end() && found->second) {
      selection.build_paths.insert(written.path.string());
    }
  }
  // Bin names are unique across the workspace; `--lib` takes every library package.
  bool any_library = false;
  for (const auto& [target, runs] : targets) {
    if (target.second.empty()) {
      any_library = true;
      continue;
    }
    auto& arguments = runs ? selection.build : selection.check;
    arguments.insert(arguments.end(), {"--bin", target.second});
  }
  if (any_library) {
    selection.check.push_back("--lib");
  }
  for (auto* arguments : {&selection.check, &selection.build}) {
    if (!arguments->empty()) {
      arguments->insert(arguments->begin(), "--workspace");
    }
  }
  return selection;
}

CargoPass run_cargo_pass(const std::string& subcommand, std::vector<std::string> targets,
                         const cargo::CargoSettings& settings, const Options& options, cargo::CommandRunner& runner,
                         const Log& log, const std::function<void(std::string_view)>& on_line)
{
  targets.insert(targets.begin(), "--keep-going");
  if (options.jobs > 0) {
    targets.push_back(fmt::format("--jobs={}", options.jobs));
  }
  auto command = cargo::cargo_command(settings, subcommand, targets);
  command.on_stdout_line = on_line;
  command.timeout = cargo_time_limit; // a cargo waiting forever (a lock, a registry) is the environment's fault
  CargoPass pass;
  pass.command = command.display();
  log(pass.command);
  pass.result = runner.run(command);
  if (pass.result.status.kind == cargo::ExitStatus::Kind::not_started) {
    throw Fatal(fmt::format("cannot run cargo: {}. Install a Rust toolchain (rustup, or `apt-get install cargo`)",
                            pass.result.start_error));
  }
  if (pass.result.status.kind == cargo::ExitStatus::Kind::timed_out) {
    throw Fatal(fmt::format("cargo did not finish within {} minutes while building {}; is another cargo holding a "
                            "lock, or a registry unreachable?\n{}",
                            cargo_time_limit.count(), settings.workspace.string(), text::trim(pass.result.err)));
  }
  if (pass.result.status.kind == cargo::ExitStatus::Kind::signaled) {
    throw Fatal(fmt::format("cargo crashed ({}) while building {}:\n{}", pass.result.status.describe(),
                            settings.workspace.string(), text::trim(pass.result.err)));
  }
  pass.messages = cargo::parse_cargo_messages(pass.result.out);
  const bool any_compiler_error = std::any_of(pass.messages.messages.begin(), pass.messages.messages.end(),
                                              [](const auto& m) { return m.level == "error"; });
  if (!pass.result.status.success() && !any_compiler_error && pass.messages.built.empty()) {
    throw Fatal(fmt::format("cargo failed before compiling any listing ({}):\n{}\n(the workspace is in {})",
                            pass.result.status.describe(), text::trim(pass.result.err), settings.workspace.string()));
  }
  return pass;
}

// What happened to one listing in a cargo pass.
check::Observed observe(const scratch::WrittenUnit& written, const CargoPass& pass, const scratch::Workspace& workspace)
{
  check::Observed observed;
  observed.command = pass.command;
  bool has_error = false;
  for (const auto& message : pass.messages.messages) {
    if (message.target_src_path != written.path.string() || cargo::is_summary_message(message) ||
        (written.merged() && (!message.span || !written.holds_line(message.span->line)))) {
      continue;
    }
    if (message.level == "error" || message.level == "warning") {
      observed.diagnostics.push_back(place(message, written, workspace.root));
      has_error = has_error || message.level == "error";
    }
  }
  if (has_error) {
    observed.build = check::Observed::Build::failed;
  } else if (pass.messages.built.contains(written.path.string())) {
    observed.build = check::Observed::Build::compiled;
  } else {
    // Errors in no listing's target: a dependency that does not build here.
    std::string foreign_errors;
    for (const auto& message : pass.messages.messages) {
      if (message.level == "error" && !cargo::is_summary_message(message) &&
          workspace.find_by_source(message.target_src_path) == nullptr) {
        foreign_errors += fmt::format("in {}: {}\n", message.target_src_path, text::trim(message.rendered));
      }
    }
    observed.build = check::Observed::Build::not_built;
    observed.environment_problem =
        fmt::format("cargo did not build it and rustc reported no error for it ({}):\n{}{}",
                    pass.result.status.describe(), foreign_errors, text::trim(pass.result.err));
  }
  return observed;
}

// Merged targets in which rustc reported any error: their listings are built
// again one target each, so that one listing never decides another's result.
std::set<std::string> failed_merged_targets(const std::vector<CargoPass>& passes, const scratch::Workspace& workspace)
{
  std::set<std::string> failed;
  for (const auto& pass : passes) {
    for (const auto& message : pass.messages.messages) {
      if (message.level != "error" || cargo::is_summary_message(message)) {
        continue;
      }
      const auto* written = workspace.find_by_source(message.target_src_path);
      if (written != nullptr && written->merged()) {
        failed.insert(message.target_src_path);
      }
    }
  }
  return failed;
}

// Type-checks or builds the cell's listings (all, or those in `only`) and records what each did.
scratch::Workspace build_units(CellPlan& plan, std::vector<ListingResult>& results, const Options& options,
                               cargo::CommandRunner& runner, const Log& log, const ProgressFn& progress,
                               const std::set<std::size_t>& only, std::vector<CargoPass>& passes)
{
  const auto cell_root = options.build_dir / cell_folder(*plan.toolchain, plan.edition);
  const auto workspace = scratch::write_workspace(plan.units, {cell_root / "workspace", options.registry_directory});
  cargo::CargoSettings settings;
  settings.workspace = workspace.root;
  settings.target_dir = std::filesystem::absolute(options.build_dir / ("target-" + plan.toolchain->name));
  settings.toolchain = plan.toolchain->argument;
  settings.offline = !options.registry_directory.empty();

  std::set<std::string> finished; // outlives the passes: the progress callback refers to it
  std::mutex progress_lock;       // the passes may run at once
  std::function<void(std::string_view)> on_line;
  if (progress) {
    on_line = [&](std::string_view line) {
      const std::lock_guard lock(progress_lock);
      if (line.find("\"compiler-artifact\"") == std::string_view::npos) {
        return;
      }
      const auto message = nlohmann::json::parse(line, nullptr, false);
      const auto src_path = message.is_object() ? message.value("/target/src_path"_json_pointer, std::string()) : "";
      if (!finished.insert(src_path).second) {
        return;
      }
      for (const auto& written : workspace.units) {
        plan.done += written.path.string() == src_path ? 1 : 0;
      }
      report_progress(plan, "building", progress);
    };
  }
  const auto selection = select_targets(plan, workspace, results, only);
  std::optional<CargoPass> checked;
  std::optional<CargoPass> built;
  // Type-checking and building use target folders of their own, so the two
  // passes run at once; not while cargo still has to write Cargo.lock.
  auto check_settings = settings;
  check_settings.target_dir += "-check";
  const auto check_pass = [&] {
    checked = run_cargo_pass("check", selection.check, check_settings, options, runner, log, on_line);
  };
  const auto build_pass = [&] {
    built = run_cargo_pass("build", selection.build, settings, options, runner, log, on_line);
  };
  if (!selection.check.empty() && !selection.build.empty() && !workspace.manifests_changed) {
    std::exception_ptr check_failure;
    std::thread checking([&] {
      try {
        check_pass();
      } catch (...) {
        check_failure = std::current_exception();
      }
    });
    try {
      build_pass();
    } catch (...) {
      checking.join();
      throw;
    }
    checking.join();
    if (check_failure) {
      std::rethrow_exception(check_failure);
    }
  } else {
    if (!selection.check.empty()) {
      check_pass();
    }
    if (!selection.build.empty()) {
      build_pass();
    }
  }
  for (const auto& written : workspace.units) {
    const auto index = static_cast<std::size_t>(written.unit - plan.units.data());
    if (!only.empty() && !only.contains(index)) {
      continue;
    }
    const auto& pass = selection.build_paths.contains(written.path.string()) ? *built : *checked;
    results[plan.unit_result[index]].observed = observe(written, pass, workspace);
  }
  for (auto* pass : {&checked, &built}) {
    if (*pass) {
      passes.push_back(std::move(**pass));
    }
  }
  return workspace;
}

void build_cell(CellPlan& plan, std::vector<ListingResult>& results, const Options& options,
                cargo::CommandRunner& runner, const Log& log, const ProgressFn& progress)
{
  if (plan.units.empty()) {
    return;
  }
  report_progress(plan, "building", progress);
  const auto started = Clock::now();
  std::vector<CargoPass> passes;
  auto workspace = build_units(plan, results, options, runner, log, progress, {}, passes);

  const auto failed = failed_merged_targets(passes, workspace);
  if (!failed.empty()) {
    std::set<std::size_t> again;
    for (const auto& written : workspace.units) {
      if (written.merged() && failed.contains(written.path.string())) {
        const auto index = static_cast<std::size_t>(written.unit - plan.units.data());
        plan.units[index].merge = false;
        again.insert(index);
      }
    }
    log(fmt::format("a merged target failed; building its {} listings one target each", again.size()));
    std::vector<CargoPass> retry;
    workspace = build_units(plan, results, options, runner, log, progress, again, retry);
    passes.insert(passes.end(), retry.begin(), retry.end());
  }

  cargo::BuildMessages built;
  for (const auto& pass : passes) {
    built.executables.insert(pass.messages.executables.begin(), pass.messages.executables.end());
  }
  run_binaries(plan, workspace, built, results, options, runner, log, progress);
  const auto elapsed = since(started);
  for (const auto index : plan.unit_result) {
    results[index].duration += elapsed / static_cast<long>(plan.units.size());
  }
}

} // namespace

LoadedBook load_book(const Options& options)
{
  if (options.book.empty()) {
    throw InputError({}, 0, "no book given: pass --book PATH or set `book` in snipcheck.toml");
  }
  LoadedBook loaded{book::read_book(options.book), check::load_expectations(options.expected)};
  if (loaded.book.listings.empty()) {
    throw InputError(options.book, 0, "no code listings found in the book");
  }
  auto orphans = check::orphan_annotations(loaded.annotations, loaded.book);
  if (!orphans.empty()) {
    throw InputError(orphans);
  }
  return loaded;
}

CheckRun run_check(const Options& options, cargo::CommandRunner& runner, const Log& log, const ProgressFn& progress)
{
  const auto started = Clock::now();
  auto loaded = load_book(options);
  CheckRun run;
  run.book = std::move(loaded.book);
  const auto selected = select_listings(run.book, options.selectors, options.shard);
  run.toolchains = resolve_toolchains(options, runner);
  run.editions = options.editions.empty() ? std::vector<std::string>{run.book.edition} : options.editions;

  const auto lock = BuildLock::acquire(options.build_dir, log);
  const ResultCache cache(options.build_dir / "cache");
  std::vector<CellPlan> cells;
  for (const auto& toolchain : run.toolchains) {
    for (const auto& edition : run.editions) {
      CellPlan cell;
      cell.toolchain = &toolchain;
      cell.edition = edition;
      cells.push_back(std::move(cell));
    }
  }
  // Results first (their addresses stay put), then the units that point at them.
  for (auto& cell : cells) {
    for (const auto* listing : selected) {
      ListingResult result;
      result.listing = listing;
      result.toolchain = cell.toolchain->name;
      result.expectation = check::expectation_for(*listing, check::find_annotation(loaded.annotations, listing->id),
                                                  run.book.format, {cell.toolchain->name, cell.edition});
      result.edition = result.expectation.edition.value_or(cell.edition);
      cell.result_indexes.push_back(run.results.size());
      run.results.push_back(std::move(result));
    }
  }
  for (auto& cell : cells) {
    for (const auto index : cell.result_indexes) {
      auto& result = run.results[index];
      const auto outcome = result.expectation.outcome;
      if (outcome == check::Outcome::skip || outcome == check::Outcome::not_rust) {
        continue;
      }
      result.source = scratch::wrap_listing(*result.listing, result.expectation.wrap);
      scratch::Unit unit{result.listing, *result.source, result.expectation.wrap.crate_type, result.edition,
                         result.expectation.deps};
      unit.merge = options.merge && outcome != check::Outcome::compile_fail &&
                   unit.crate_type == scratch::CrateType::bin && scratch::can_merge(unit.source);
      const CacheContext context{cell.toolchain->rustc_verbose, options.registry_directory,
                                 outcome == check::Outcome::run || outcome == check::Outcome::run_fail,
                                 options.timeout_seconds};
      auto key = cache_key(unit, context);
      if (options.use_cache) {
        if (auto cached = cache.load(key)) {
          result.observed = std::move(*cached);
          relocate(result.observed, *result.listing);
          continue;
        }
      }
      cell.units.push_back(std::move(unit));
      cell.unit_result.push_back(index);
      cell.unit_keys.push_back(std::move(key));
    }
    cell.total = static_cast<int>(cell.result_indexes.size());
    cell.done = cell.total - static_cast<int>(cell.units.size());
    build_cell(cell, run.results, options, runner, log, progress);
    cell.done = cell.total;
    report_progress(cell, "done", progress);
    for (std::size_t k = 0; k < cell.units.size(); ++k) {
      cache.store(cell.unit_keys[k], run.results[cell.unit_result[k]].observed);
    }
  }
  for (auto& result : run.results) {
    result.verdict = check::compare(result.expectation, result.observed, result.listing->fingerprint());
  }
  run.duration = since(started);
  return run;
}

} // namespace snipcheck::app
