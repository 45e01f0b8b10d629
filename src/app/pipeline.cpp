#include "app/pipeline.hpp"

#include "app/build_lock.hpp"
#include "app/cache.hpp"
#include "app/select.hpp"
#include "cargo/cargo.hpp"
#include "check/normalize.hpp"
#include "scratch/workspace.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <unistd.h>

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

// A private folder in /tmp for one run, with a copy of the program: reachable
// by the unprivileged sandbox uid wherever the build folder lives.
std::filesystem::path make_run_folder(const std::filesystem::path& executable)
{
  std::string pattern = (std::filesystem::temp_directory_path() / "snipcheck-run-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Fatal(fmt::format("cannot create a folder to run listings in {}: {}",
                            std::filesystem::temp_directory_path().string(), std::strerror(errno)));
  }
  const std::filesystem::path folder = pattern;
  std::error_code ec;
  std::filesystem::copy_file(executable, folder / "program", ec);
  if (ec) {
    throw Fatal(fmt::format("cannot copy {} to {}: {}", executable.string(), folder.string(), ec.message()));
  }
  if (::geteuid() == 0) {
    const auto uid = cargo::sandbox_uid();
    if (::chown(folder.c_str(), uid, uid) != 0 || ::chown((folder / "program").c_str(), uid, uid) != 0) {
      throw Fatal(fmt::format("cannot hand {} to the sandbox user: {}", folder.string(), std::strerror(errno)));
    }
  }
  return folder;
}

cargo::Command sandboxed_command(const std::filesystem::path& folder, const Options& options, const Log& log)
{
  cargo::Command command;
  command.argv = {(folder / "program").string()};
  command.working_dir = folder;
  command.environment = cargo::Environment::clear;
  command.set_env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"},
                     {"HOME", folder.string()},
                     {"TMPDIR", folder.string()},
                     {"LANG", "C.UTF-8"},
                     {"RUST_BACKTRACE", "0"}};
  command.timeout = std::chrono::milliseconds(static_cast<long>(options.timeout_seconds * 1000));
  command.output_limit = 1024 * 1024;
  command.kill_on_output_limit = true;
  command.limits.address_space_bytes = std::size_t{2} << 30;
  command.limits.cpu_seconds = static_cast<std::size_t>(options.timeout_seconds) + 1;
  command.limits.file_size_bytes = std::size_t{64} << 20;
  if (::geteuid() == 0) {
    command.sandbox.run_as_uid = cargo::sandbox_uid();
    command.limits.processes = 256; // counted per uid: the sandbox uid owns nothing else
  }
  static bool noticed = false;
  if (cargo::network_isolation_available()) {
    command.sandbox.new_network_namespace = true;
  } else if (!noticed) {
    noticed = true;
    log("notice: this machine does not allow a private network namespace; listings run with network access");
  }
  return command;
}

void report_progress(const CellPlan& plan, const std::string& phase, const ProgressFn& progress)
{
  if (progress) {
    progress({fmt::format("{} {}", plan.toolchain->name, plan.edition), phase, plan.done, plan.total});
  }
}

void run_binaries(const CellPlan& plan, const scratch::Workspace& workspace, const cargo::BuildMessages& built,
                  std::vector<ListingResult>& results, const Options& options, cargo::CommandRunner& runner,
                  const Log& log, const ProgressFn& progress)
{
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
    report_progress(plan, "running " + result.listing->id, progress);
    const auto folder = make_run_folder(executable->second);
    const auto command = sandboxed_command(folder, options, log);
    log(fmt::format("{} (in {}, limit {}s)", result.listing->id, folder.string(), options.timeout_seconds));
    const auto ran = runner.run(command);
    if (command.sandbox.run_as_uid) {
      cargo::kill_all_owned_by(*command.sandbox.run_as_uid); // whatever escaped the process group
    }
    std::error_code ec;
    std::filesystem::remove_all(folder, ec);
    if (ran.status.kind == cargo::ExitStatus::Kind::not_started) {
      result.observed.build = check::Observed::Build::not_built;
      result.observed.environment_problem = fmt::format("could not start the listing's program: {}", ran.start_error);
      continue;
    }
    result.observed.run = check::RunOutput{ran.status, ran.out, ran.err, ran.out_truncated || ran.err_truncated};
    result.duration += ran.duration;
  }
}

void build_cell(CellPlan& plan, std::vector<ListingResult>& results, const Options& options,
                cargo::CommandRunner& runner, const Log& log, const ProgressFn& progress)
{
  if (plan.units.empty()) {
    return;
  }
  report_progress(plan, "building", progress);
  const auto started = Clock::now();
  const auto cell_root = options.build_dir / cell_folder(*plan.toolchain, plan.edition);
  scratch::WorkspaceSettings settings{cell_root / "workspace", options.registry_directory};
  const auto workspace = scratch::write_workspace(plan.units, settings);

  cargo::CargoSettings cargo_settings;
  cargo_settings.workspace = workspace.root;
  cargo_settings.target_dir = std::filesystem::absolute(options.build_dir / ("target-" + plan.toolchain->name));
  cargo_settings.toolchain = plan.toolchain->argument;
  cargo_settings.offline = !options.registry_directory.empty();

  std::vector<std::string> arguments{"--workspace", "--keep-going"};
  if (options.jobs > 0) {
    arguments.push_back(fmt::format("--jobs={}", options.jobs));
  }
  auto check_command = cargo::cargo_command(cargo_settings, "check", arguments);
  std::set<std::string> finished; // outlives the command: the callback below refers to it
  if (progress) {
    check_command.on_stdout_line = [&](std::string_view line) {
      if (line.find("\"compiler-artifact\"") == std::string_view::npos) {
        return;
      }
      const auto message = nlohmann::json::parse(line, nullptr, false);
      const auto src_path = message.is_object() ? message.value("/target/src_path"_json_pointer, std::string()) : "";
      if (workspace.find_by_source(src_path) != nullptr && finished.insert(src_path).second) {
        ++plan.done;
        report_progress(plan, "building", progress);
      }
    };
  }
  log(check_command.display());
  const auto checked = runner.run(check_command);
  if (checked.status.kind == cargo::ExitStatus::Kind::not_started) {
    throw Fatal(fmt::format("cannot run cargo: {}. Install a Rust toolchain (rustup, or `apt-get install cargo`)",
                            checked.start_error));
  }
  if (checked.status.kind == cargo::ExitStatus::Kind::signaled) {
    throw Fatal(fmt::format("cargo crashed ({}) while checking {}:\n{}", checked.status.describe(),
                            workspace.root.string(), text::trim(checked.err)));
  }
  const auto messages = cargo::parse_cargo_messages(checked.out);
  const bool any_compiler_error =
      std::any_of(messages.messages.begin(), messages.messages.end(), [](const auto& m) { return m.level == "error"; });
  if (!checked.status.success() && !any_compiler_error && messages.built.empty()) {
    throw Fatal(fmt::format("cargo failed before compiling any listing ({}):\n{}\n(the workspace is in {})",
                            checked.status.describe(), text::trim(checked.err), workspace.root.string()));
  }
  // Errors in no listing's target: a dependency that does not build here.
  std::string foreign_errors;
  for (const auto& message : messages.messages) {
    if (message.level == "error" && !cargo::is_summary_message(message) &&
        workspace.find_by_source(message.target_src_path) == nullptr) {
      foreign_errors += fmt::format("in {}: {}\n", message.target_src_path, text::trim(message.rendered));
    }
  }
  for (const auto& written : workspace.units) {
    const auto index = static_cast<std::size_t>(written.unit - plan.units.data());
    auto& observed = results[plan.unit_result[index]].observed;
    observed.command = check_command.display();
    bool has_error = false;
    for (const auto& message : messages.messages) {
      if (message.target_src_path != written.path.string() || cargo::is_summary_message(message)) {
        continue;
      }
      if (message.level == "error" || message.level == "warning") {
        observed.diagnostics.push_back(place(message, written, workspace.root));
        has_error = has_error || message.level == "error";
      }
    }
    if (has_error) {
      observed.build = check::Observed::Build::failed;
    } else if (messages.built.contains(written.path.string())) {
      observed.build = check::Observed::Build::compiled;
    } else {
      observed.build = check::Observed::Build::not_built;
      observed.environment_problem =
          fmt::format("cargo did not build it and rustc reported no error for it ({}):\n{}{}",
                      checked.status.describe(), foreign_errors, text::trim(checked.err));
    }
  }

  // Listings that must run are built for real, then executed one by one.
  std::vector<std::string> build_arguments{"--keep-going"};
  for (const auto& written : workspace.units) {
    const auto index = static_cast<std::size_t>(written.unit - plan.units.data());
    const auto& result = results[plan.unit_result[index]];
    const auto outcome = result.expectation.outcome;
    if ((outcome == check::Outcome::run || outcome == check::Outcome::run_fail) &&
        result.observed.build == check::Observed::Build::compiled) {
      build_arguments.insert(build_arguments.end(), {"-p", written.package, "--bin", written.target});
    }
  }
  if (build_arguments.size() > 1) {
    const auto build_command = cargo::cargo_command(cargo_settings, "build", build_arguments);
    log(build_command.display());
    const auto built = runner.run(build_command);
    if (built.status.kind == cargo::ExitStatus::Kind::not_started ||
        built.status.kind == cargo::ExitStatus::Kind::signaled) {
      throw Fatal(fmt::format("cargo build failed to run ({}): {}", built.status.describe(), text::trim(built.err)));
    }
    run_binaries(plan, workspace, cargo::parse_cargo_messages(built.out), results, options, runner, log, progress);
  }
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
      const auto found = loaded.annotations.find(listing->id);
      ListingResult result;
      result.listing = listing;
      result.toolchain = cell.toolchain->name;
      result.expectation =
          check::expectation_for(*listing, found == loaded.annotations.end() ? nullptr : &found->second,
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
