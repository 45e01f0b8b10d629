#include "app/build_stage.hpp"

#include "app/run_programs.hpp"
#include "check/normalize.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <mutex>

namespace snipcheck::app {

namespace {

constexpr std::chrono::minutes cargo_time_limit{30};

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

// cargo's resolution error: which crate, asked for by which package.
std::optional<UnresolvedDependency> unresolved_dependency(const std::string& cargo_stderr)
{
  const auto quoted_after = [&](std::string_view marker) -> std::string {
    const auto at = cargo_stderr.find(marker);
    if (at == std::string::npos) {
      return {};
    }
    const auto begin = at + marker.size();
    const auto end = cargo_stderr.find_first_of("` ", begin);
    return end == std::string::npos ? std::string() : cargo_stderr.substr(begin, end - begin);
  };
  UnresolvedDependency unresolved;
  for (const auto* marker : {"searched package name: `", "no matching package named `",
                             "failed to select a version for the requirement `", "failed to select a version for `"}) {
    unresolved.crate = quoted_after(marker);
    if (!unresolved.crate.empty()) {
      break;
    }
  }
  unresolved.package = quoted_after("required by package `");
  if (unresolved.crate.empty() || unresolved.package.empty()) {
    return std::nullopt;
  }
  // cargo's own words, without its reminders about offline mode.
  for (const auto& line : text::split_lines(cargo_stderr)) {
    if (line.starts_with("error:") || line.starts_with("searched package name") || line.starts_with("perhaps") ||
        line.starts_with("candidate versions") || line.starts_with("location searched") ||
        line.starts_with("the package")) {
      unresolved.cargo_error += fmt::format("\n  {}", text::trim(line));
    }
  }
  return unresolved;
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
  const int offset = unit.line_offset;
  const check::NormalizeContext context{
      std::filesystem::relative(unit.path, workspace_root).string(), workspace_root.string(), [&](int scratch_line) {
        const auto origin = unit.unit->source.origin_of(scratch_line - offset);
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
    const auto origin = unit.unit->source.origin_of(message.span->line - offset);
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
      const auto other = unit.unit->source.origin_of(span.line - offset);
      if (other.origin == scratch::Origin::listing && unit.path.string().ends_with(span.file)) {
        diagnostic.other_listing_lines.push_back(other.line);
      }
    }
  }
  return diagnostic;
}

// One cargo invocation over chosen targets. A cargo that cannot start, crashes,
// or fails before compiling anything is the environment's failure (Fatal).
struct CargoPass
{
  std::string command;
  cargo::CommandResult result;
  cargo::BuildMessages messages;
};

CargoPass run_cargo_pass(std::vector<std::string> targets, const cargo::CargoSettings& settings,
                         const Options& options, cargo::CommandRunner& runner, const Log& log,
                         const std::function<void(std::string_view)>& on_line)
{
  targets.insert(targets.begin(), {"--keep-going", "--workspace"});
  if (options.jobs > 0) {
    targets.push_back(fmt::format("--jobs={}", options.jobs));
  }
  auto command = cargo::cargo_command(settings, "build", targets);
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
    if (auto unresolved = unresolved_dependency(pass.result.err)) {
      throw std::move(*unresolved);
    }
    throw Fatal(fmt::format("cargo failed before compiling any listing ({}):\n{}\n(the workspace is in {})",
                            pass.result.status.describe(), text::trim(pass.result.err), settings.workspace.string()));
  }
  return pass;
}

// cargo arguments selecting every target of the workspace.
std::vector<std::string> select_targets(const scratch::Workspace& workspace)
{
  std::vector<std::string> arguments;
  std::set<std::string> selected;
  bool any_library = false;
  for (const auto& written : workspace.units) {
    switch (written.kind) {
    case scratch::TargetKind::lib:
      any_library = true;
      break;
    case scratch::TargetKind::bin:
    case scratch::TargetKind::test:
      if (selected.insert(written.target).second) {
        arguments.insert(arguments.end(),
                         {written.kind == scratch::TargetKind::bin ? "--bin" : "--test", written.target});
      }
      break;
    }
  }
  if (any_library) {
    arguments.push_back("--lib"); // every library package of the workspace
  }
  return arguments;
}

bool is_error(const cargo::CompilerMessage& message)
{
  return message.level == "error" && !cargo::is_summary_message(message);
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
      if (is_error(message) && workspace.find_by_source(message.target_src_path) == nullptr) {
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

// Items of one round, with where each was written.
struct Round
{
  std::vector<PlannedTarget> targets;
  std::vector<scratch::Unit> units;     // what is written this round
  std::vector<std::size_t> unit_item;   // unit index -> item index
  std::map<std::size_t, std::size_t> item_target; // item index -> target index
};

class CellBuilder
{
public:
  CellBuilder(std::vector<BuildItem>& items, const CellSettings& cell, const Options& options,
              cargo::CommandRunner& runner, const Log& log, const StageProgress& progress,
              const AcceptBatchedRun& accept)
    : m_items(items), m_cell(cell), m_options(options), m_runner(runner), m_log(log), m_progress(progress),
      m_accept(accept)
  {}

  void build()
  {
    auto targets = plan_targets(m_items, m_options.merge ? batch_size : 1);
    while (!targets.empty()) {
      auto [now, later] = separate_name_clashes(std::move(targets));
      targets = build_round(std::move(now));
      targets.insert(targets.end(), later.begin(), later.end());
    }
  }

  // Listings that name their crate (`#![crate_name]`) name their binary: two
  // with one name cannot be built in one pass, so the second waits a round.
  std::pair<std::vector<PlannedTarget>, std::vector<PlannedTarget>> separate_name_clashes(
      std::vector<PlannedTarget> targets) const
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
        asking.insert(round.unit_item[static_cast<std::size_t>(written.unit - round.units.data())]);
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
      ++m_finished;
    }
    return rest;
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

  std::vector<PlannedTarget> build_round(std::vector<PlannedTarget> targets)
  {
    auto round = prepare(std::move(targets));
    const auto workspace = scratch::write_workspace(
        round.units,
        {m_options.build_dir / cell_folder(m_cell) / "workspace", m_options.registry_directory});
    cargo::CargoSettings settings;
    settings.workspace = workspace.root;
    settings.target_dir = std::filesystem::absolute(m_options.build_dir / ("target-" + toolchain_folder(m_cell)));
    settings.toolchain = m_cell.toolchain->argument;
    settings.toolchain_bin = m_cell.toolchain->bin;
    settings.offline = !m_options.registry_directory.empty();
    if (settings.offline) {
      settings.readable.push_back(m_options.registry_directory); // cargo's view of the machine holds it
    }
    // A book's own crates (`path = ...` dependencies) are read, never written.
    std::set<std::filesystem::path> local_crates;
    for (const auto& unit : round.units) {
      for (const auto& dependency : unit.deps) {
        if (!dependency.path.empty() && local_crates.insert(dependency.path).second) {
          settings.readable.push_back(dependency.path);
        }
      }
    }
    report("building");
    const auto started = std::chrono::steady_clock::now();
    CargoPass pass;
    try {
      pass = run_cargo_pass(select_targets(workspace), settings, m_options, m_runner, m_log, on_line());
    } catch (const UnresolvedDependency& unresolved) {
      return without_unresolved(round, workspace, unresolved);
    }

    const auto build_share = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - started) /
                             static_cast<long>(round.units.size());
    for (const auto index : round.unit_item) {
      m_items[index].duration += build_share;
    }
    // Which batches rustc reported errors in, and at which members.
    std::map<std::size_t, std::set<std::size_t>> failed_batches; // target -> members with errors
    for (const auto& message : pass.messages.messages) {
      if (!is_error(message)) {
        continue;
      }
      for (const auto& written : workspace.units) {
        const auto item = round.unit_item[static_cast<std::size_t>(written.unit - round.units.data())];
        const auto target = round.item_target.at(item);
        if (!written.merged() || written.path.string() != message.target_src_path) {
          continue;
        }
        auto& with_errors = failed_batches[target];
        if (message.span && written.holds_line(message.span->line)) {
          with_errors.insert(item);
        }
      }
    }

    std::vector<PlannedTarget> next;
    for (const auto& [target, with_errors] : failed_batches) {
      const auto parts = split_failed_batch(round.targets[target], with_errors);
      m_log(fmt::format("rustc reported errors in a batch of {} listings; building them again as {} targets",
                        round.targets[target].members.size(), parts.size()));
      next.insert(next.end(), parts.begin(), parts.end());
    }
    std::vector<ProgramRun> programs;
    std::vector<std::size_t> program_item;
    for (const auto& written : workspace.units) {
      const auto item_index = round.unit_item[static_cast<std::size_t>(written.unit - round.units.data())];
      if (failed_batches.contains(round.item_target.at(item_index))) {
        continue; // decided by the rebuilt parts
      }
      auto& item = m_items[item_index];
      item.observed = observe(written, pass, workspace);
      if (!item.runs || item.observed.build != check::Observed::Build::compiled) {
        ++m_finished;
        continue;
      }
      const auto executable = pass.messages.executables.find(written.path.string());
      if (executable == pass.messages.executables.end()) {
        item.observed.build = check::Observed::Build::not_built;
        item.observed.environment_problem = "cargo built no executable for it";
        ++m_finished;
        continue;
      }
      programs.push_back({executable->second, written.module, item.unit.listing->id});
      program_item.push_back(item_index);
    }
    // Run what this pass built, before anything can rewrite it.
    const auto ran = run_programs(programs, m_options, m_runner, m_log,
                                  [&](const std::string& id) { report("running " + id); });
    for (std::size_t k = 0; k < ran.size(); ++k) {
      auto& item = m_items[program_item[k]];
      ++m_finished;
      if (ran[k].status.kind == cargo::ExitStatus::Kind::not_started) {
        item.observed.build = check::Observed::Build::not_built;
        item.observed.environment_problem =
            fmt::format("could not start the listing's program: {}", ran[k].start_error);
        continue;
      }
      item.observed.run =
          check::RunOutput{ran[k].status, ran[k].out, ran[k].err, ran[k].out_truncated || ran[k].err_truncated};
      item.duration += ran[k].duration;
      if (!programs[k].argument.empty() && m_accept && !m_accept(item)) {
        m_log(fmt::format("{} did not run as expected inside a batch ({}); building and running it alone",
                          item.unit.listing->id, ran[k].status.describe()));
        next.push_back({{program_item[k]}, false});
        --m_finished;
      }
    }
    return next;
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
  const Options& m_options;
  cargo::CommandRunner& m_runner;
  const Log& m_log;
  const StageProgress& m_progress;
  const AcceptBatchedRun& m_accept;
  int m_finished = 0;
  std::mutex m_progress_lock;
  std::set<std::string> m_built_sources;
};

} // namespace

std::vector<PlannedTarget> plan_targets(const std::vector<BuildItem>& items, std::size_t max_batch)
{
  std::vector<PlannedTarget> targets;
  // Open batches by (edition, crates); a full batch is closed and a new one opened.
  std::map<std::string, std::size_t> open;
  for (std::size_t k = 0; k < items.size(); ++k) {
    const auto& item = items[k];
    if (!item.mergeable || max_batch < 2) {
      targets.push_back({{k}, false});
      continue;
    }
    std::string group = item.unit.edition;
    for (const auto& dependency : item.unit.deps) {
      group += fmt::format("|{} {} {} {}", dependency.name, dependency.version, fmt::join(dependency.features, ","),
                           dependency.default_features);
    }
    const auto found = open.find(group);
    if (found == open.end() || targets[found->second].members.size() >= max_batch) {
      open[group] = targets.size();
      targets.push_back({{k}, true});
    } else {
      targets[found->second].members.push_back(k);
    }
  }
  for (auto& target : targets) {
    target.batch = target.batch && target.members.size() > 1;
  }
  return targets;
}

std::vector<PlannedTarget> split_failed_batch(const PlannedTarget& batch, const std::set<std::size_t>& members_with_errors)
{
  std::vector<PlannedTarget> parts;
  const auto add = [&](std::vector<std::size_t> members) {
    if (!members.empty()) {
      const bool several = members.size() > 1;
      parts.push_back({std::move(members), several});
    }
  };
  std::vector<std::size_t> rest;
  for (const auto member : batch.members) {
    if (members_with_errors.contains(member)) {
      add({member});
    } else {
      rest.push_back(member);
    }
  }
  if (!members_with_errors.empty() || rest.size() < 2) {
    add(std::move(rest));
    return parts;
  }
  // Quarters, not halves: each round is one cargo pass whose targets build in
  // parallel, so a culprit nothing points at is found in half the rounds.
  const std::size_t count = std::min<std::size_t>(4, rest.size());
  std::size_t begin = 0;
  for (std::size_t part = 0; part < count; ++part) {
    const std::size_t end = rest.size() * (part + 1) / count;
    add({rest.begin() + static_cast<std::ptrdiff_t>(begin), rest.begin() + static_cast<std::ptrdiff_t>(end)});
    begin = end;
  }
  return parts;
}

void build_cell(std::vector<BuildItem>& items, const CellSettings& cell, const Options& options,
                cargo::CommandRunner& runner, const Log& log, const StageProgress& progress,
                const AcceptBatchedRun& accept_batched_run)
{
  if (items.empty()) {
    return;
  }
  CellBuilder(items, cell, options, runner, log, progress, accept_batched_run).build();
}

} // namespace snipcheck::app
