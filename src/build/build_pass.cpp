#include "build/build_pass.hpp"

#include "cargo/compile_limit.hpp"
#include "check/normalize.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <iterator>
#include <set>

namespace snipcheck::build {

namespace {

constexpr std::chrono::minutes cargo_time_limit{30};

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

// The suggestion's edits in listing coordinates, or nothing when one of them
// touches a line that is not the listing's own line as written (the wrapping,
// a line the wrapper split), where an edit could not be put back in the book.
std::optional<check::CodeFix> place_fix(const cargo::Suggestion& suggestion, const scratch::WrittenUnit& unit,
                                        const std::vector<std::string>& scratch_lines)
{
  const auto& listing = *unit.unit->listing;
  const auto listing_line_of = [&](int scratch_line) -> int {
    const auto origin = unit.unit->source.origin_of(scratch_line - unit.line_offset);
    const auto index = static_cast<std::size_t>(scratch_line - unit.line_offset - 1);
    if (origin.origin != scratch::Origin::listing || origin.line > static_cast<int>(listing.lines.size()) ||
        index >= scratch_lines.size() ||
        scratch_lines[index] != listing.lines[static_cast<std::size_t>(origin.line - 1)].text) {
      return 0;
    }
    return origin.line;
  };
  check::CodeFix fix{suggestion.message, {}};
  for (const auto& edit : suggestion.edits) {
    if (!unit.path.string().ends_with(edit.file)) {
      return std::nullopt;
    }
    const int first = listing_line_of(edit.line_start);
    const int last = listing_line_of(edit.line_end);
    if (first == 0 || last == 0 || last - first != edit.line_end - edit.line_start) {
      return std::nullopt;
    }
    for (int line = edit.line_start + 1; line < edit.line_end; ++line) {
      if (listing_line_of(line) != first + (line - edit.line_start)) {
        return std::nullopt;
      }
    }
    fix.edits.push_back({first, edit.column_start, last, edit.column_end, edit.replacement});
  }
  return fix;
}

// rustc names a batch member's items by their path from the batch's root
// (`ch03_3_1_2::Point`); alone, the listing is the root (`Point`).
std::string without_batch_module(std::string text, const scratch::WrittenUnit& unit)
{
  if (!unit.merged()) {
    return text;
  }
  const auto prefix = unit.module + "::";
  std::string result;
  std::size_t from = 0;
  for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + prefix.size())) {
    const bool starts_a_path = at == 0 || !(std::isalnum(static_cast<unsigned char>(text[at - 1])) != 0 ||
                                            text[at - 1] == '_' || text[at - 1] == ':');
    const bool after_crate = at >= 7 && text.compare(at - 7, 7, "crate::") == 0;
    if (starts_a_path || after_crate) {
      result.append(text, from, at - from);
      from = at + prefix.size();
    }
  }
  result.append(text, from);
  return result;
}

// Places a compiler message at the book's line through the scratch file's line map.
check::Diagnostic place(const cargo::CompilerMessage& message, const scratch::WrittenUnit& unit,
                        const std::filesystem::path& workspace_root)
{
  check::Diagnostic diagnostic;
  diagnostic.level = message.level;
  diagnostic.code = message.code;
  diagnostic.message = without_batch_module(message.message, unit);
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
  diagnostic.rendered = without_batch_module(check::normalize(message.rendered, context), unit);
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
    if (!message.suggestions.empty()) {
      const auto scratch_lines = text::split_lines(unit.unit->source.text);
      for (const auto& suggestion : message.suggestions) {
        if (auto fix = place_fix(suggestion, unit, scratch_lines)) {
          diagnostic.fixes.push_back(std::move(*fix));
        }
      }
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

} // namespace

CargoPass run_cargo_pass(std::vector<std::string> targets, const cargo::CargoSettings& settings, int jobs,
                         cargo::CommandRunner& runner, const util::Log& log,
                         const std::function<void(std::string_view)>& on_line)
{
  std::vector<std::string> options{"--keep-going", "--workspace"};
  if (jobs > 0) {
    options.push_back(fmt::format("--jobs={}", jobs));
  }
  targets.insert(targets.begin(), options.begin(), options.end());
  auto command = cargo::cargo_command(settings, "build", targets);
  command.on_stdout_line = on_line;
  command.timeout = cargo_time_limit; // a cargo waiting forever (a lock, a registry) is the environment's fault
  CargoPass pass;
  pass.command = command.display();
  pass.command_without_targets = cargo::cargo_command(settings, "build", options).display();
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
  for (std::size_t k = 0; k < pass.messages.messages.size(); ++k) {
    pass.messages_by_source[pass.messages.messages[k].target_src_path].push_back(k);
  }
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

std::vector<std::string> select_targets(const scratch::Workspace& workspace)
{
  std::vector<std::string> arguments;
  std::set<std::string> selected;
  bool any_library = false;
  for (const auto& written : workspace.units) {
    switch (written.kind) {
    case scratch::TargetKind::lib: any_library = true; break;
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

std::vector<const cargo::CompilerMessage*> CargoPass::messages_of(const std::string& src_path) const
{
  std::vector<const cargo::CompilerMessage*> own;
  if (const auto found = messages_by_source.find(src_path); found != messages_by_source.end()) {
    for (const auto k : found->second) {
      own.push_back(&messages.messages[k]);
    }
  }
  return own;
}

bool is_error(const cargo::CompilerMessage& message)
{
  return message.level == "error" && !cargo::is_summary_message(message);
}

namespace {

bool is_lint_error(const cargo::CompilerMessage& message)
{
  const auto& code = message.code;
  const bool error_code = code.size() == 5 && code[0] == 'E' &&
                          std::all_of(code.begin() + 1, code.end(), [](char c) { return c >= '0' && c <= '9'; });
  return !code.empty() && !error_code;
}

// Errors a member may owe to its place in a batch rather than to its code.
bool may_come_from_the_batch(const cargo::CompilerMessage& message, const scratch::WrittenUnit& member)
{
  if (message.code == "E0080") {
    return true;
  }
  // In edition 2015 `use a::b` and `::a::b` start at the crate root, the batch's: an import or
  // path that did not resolve (or resolved to something private or ambiguous) may owe it to the
  // batch, when the member has such paths. Plain names and other paths resolve from the
  // listing's own scopes, in a batch too (`Queue::new()` with no `Queue` fails alike).
  static const std::set<std::string> from_the_crate_root{"E0432", "E0433", "E0603", "E0659"};
  return member.unit->edition == "2015" && from_the_crate_root.contains(message.code) &&
         scratch::names_paths_from_the_crate_root(member.unit->source.text);
}

} // namespace

BatchSettlement failures_settled_in_batch(const std::vector<const scratch::WrittenUnit*>& members,
                                          const CargoPass& pass, const scratch::Workspace& workspace)
{
  if (members.empty() || !members.front()->merged()) {
    return {{}, "not a batch"};
  }
  const auto& path = members.front()->path;
  const auto marker = workspace.analysis_markers.find(path);
  if (marker == workspace.analysis_markers.end()) {
    return {{}, "it has no analysis marker"};
  }
  const auto in_batch_file = [&](const cargo::SourceSpan& span) { return path.string().ends_with(span.file); };
  bool analysed = false;
  std::set<const scratch::WrittenUnit*> failing;
  std::set<const scratch::WrittenUnit*> unsettled;
  for (const auto* message : pass.messages_of(path.string())) {
    if (message->level == "warning" && message->code == scratch::analysis_marker_lint && message->span &&
        in_batch_file(*message->span) && message->span->line == marker->second) {
      analysed = true;
      continue;
    }
    if (!is_error(*message)) {
      continue;
    }
    if (message->message.starts_with("internal compiler error")) {
      return {{}, "rustc crashed"}; // what it did not get to is unknown
    }
    const auto placed = message->span && in_batch_file(*message->span);
    const auto owner = !placed ? members.end() : std::find_if(members.begin(), members.end(), [&](const auto* m) {
      return m->module_holds_line(message->span->line);
    });
    if (owner == members.end()) { // an error of the batch's own (its dispatching main, a link, the compile-time limit)
      return {{}, fmt::format("an error is no member's: {}", message->message.substr(0, message->message.find('\n')))};
    }
    if (!(*owner)->holds_line(message->span->line) || may_come_from_the_batch(*message, **owner)) {
      // In the glue around the member (its `main` has no place alone), or owed to its place.
      unsettled.insert(*owner);
    } else if (!is_lint_error(*message)) {
      failing.insert(*owner);
    }
  }
  if (!analysed) {
    return {{}, "its analysis marker did not warn (rustc stopped early)"};
  }
  BatchSettlement settlement;
  std::set_difference(failing.begin(), failing.end(), unsettled.begin(), unsettled.end(),
                      std::inserter(settlement.settled, settlement.settled.end()));
  if (settlement.settled.empty()) {
    settlement.none_because = "no failing member has an error of its own that settles it";
  }
  return settlement;
}

check::Observed observe(const scratch::WrittenUnit& written, const CargoPass& pass, const scratch::Workspace& workspace)
{
  check::Observed observed;
  switch (written.kind) {
  case scratch::TargetKind::lib: observed.command = pass.command_without_targets + " --lib"; break;
  case scratch::TargetKind::bin: observed.command = pass.command_without_targets + " --bin " + written.target; break;
  case scratch::TargetKind::test: observed.command = pass.command_without_targets + " --test " + written.target; break;
  }
  bool has_error = false;
  for (const auto* own : pass.messages_of(written.path.string())) {
    const auto& message = *own;
    if (cargo::is_summary_message(message) ||
        (written.merged() && (!message.span || !written.holds_line(message.span->line)))) {
      continue;
    }
    if (message.level == "error" || message.level == "warning") {
      observed.diagnostics.push_back(place(message, written, workspace.root));
      has_error = has_error || message.level == "error";
    }
  }
  const bool timed_out = std::any_of(observed.diagnostics.begin(), observed.diagnostics.end(),
                                     [](const check::Diagnostic& d) { return d.code == cargo::compile_timeout_code; });
  if (timed_out) {
    observed.build = check::Observed::Build::timed_out;
  } else if (has_error) {
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

} // namespace snipcheck::build
