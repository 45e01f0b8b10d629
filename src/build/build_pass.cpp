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
  static const std::set<std::string> from_the_crate_root{"E0404", "E0405", "E0432", "E0433", "E0603", "E0659"};
  return member.unit->edition == "2015" && from_the_crate_root.contains(message.code) &&
         scratch::names_paths_from_the_crate_root(member.unit->source.text);
}

} // namespace

namespace {

// An error rustc raises as fatal wherever it is, cutting short what it would
// have reported next: the batch's stop may then come before a member's.
bool is_fatal_on_the_spot(const cargo::CompilerMessage& message)
{
  return message.code == "E0275" || message.message.find("overflow") != std::string::npos ||
         message.message.find("recursion limit") != std::string::npos ||
         message.message.find("depth limit") != std::string::npos;
}

bool has_glob_import(std::string_view source)
{
  return source.find("::*") != std::string_view::npos || source.find("{*") != std::string_view::npos ||
         source.find(", *") != std::string_view::npos;
}

// rustc prints an item by its shortest path when its name is unique in the
// crate: in a batch, a name another member also defines shows with its path
// (`ch65_1::main::Opaque`), which without_batch_module turns into
// `main::Opaque`, where alone, unique, it reads `Opaque`. A message with such
// a path inside the member's module is not written as alone.
bool may_print_a_trimmed_path(const cargo::CompilerMessage& message, const scratch::WrittenUnit& member)
{
  const auto prefix = member.module + "::";
  for (auto at = message.message.find(prefix); at != std::string::npos; at = message.message.find(prefix, at + 1)) {
    auto end = at + prefix.size();
    while (end < message.message.size() &&
           (std::isalnum(static_cast<unsigned char>(message.message[end])) != 0 || message.message[end] == '_')) {
      ++end;
    }
    if (message.message.compare(end, 2, "::") == 0) {
      return true;
    }
  }
  return false;
}

} // namespace

BatchSettlement failures_settled_in_batch(const std::vector<const scratch::WrittenUnit*>& members,
                                          const CargoPass& pass, const scratch::Workspace& workspace,
                                          const std::function<bool()>& unresolved_trait_stops)
{
  if (members.empty() || !members.front()->merged()) {
    return {{}, "not a batch"};
  }
  const auto& path = members.front()->path;
  const auto marker = workspace.analysis_markers.find(path);
  if (marker == workspace.analysis_markers.end()) {
    return {{}, "it has no analysis marker"};
  }
  const auto resolution_marker = workspace.resolution_markers.find(path);
  const auto borrow_check_marker = workspace.borrow_check_markers.find(path);
  const auto in_batch_file = [&](const cargo::SourceSpan& span) { return path.string().ends_with(span.file); };
  const auto warned_at = [&](const cargo::CompilerMessage& message, std::string_view lint, int line) {
    return message.level == "warning" && message.code == lint && message.span && in_batch_file(*message.span) &&
           message.span->line == line;
  };
  bool analysed = false;
  bool resolved = false;
  bool borrow_checked = false;
  // A glob import that failed (E0432 in a member with `*` imports) hides every
  // "cannot find" error of the crate, the other members' too.
  bool glob_import_failed = false;
  std::set<const scratch::WrittenUnit*> with_failed_import;
  bool fatal = false;
  std::string first_error;
  std::set<const scratch::WrittenUnit*> failing;
  std::set<const scratch::WrittenUnit*> with_unresolved_trait;
  std::set<const scratch::WrittenUnit*> with_errors;
  const scratch::WrittenUnit* last_error_owner = nullptr; // matters when rustc stopped before resolving names
  // A trait path that did not resolve, or a fatal error: stops type checking.
  std::set<const scratch::WrittenUnit*> stopping;
  std::set<const scratch::WrittenUnit*> unsettled;
  for (const auto* message : pass.messages_of(path.string())) {
    if (warned_at(*message, scratch::analysis_marker_lint, marker->second)) {
      analysed = true;
      continue;
    }
    if (resolution_marker != workspace.resolution_markers.end() &&
        warned_at(*message, scratch::resolution_marker_lint, resolution_marker->second)) {
      resolved = true;
      continue;
    }
    if (borrow_check_marker != workspace.borrow_check_markers.end() &&
        warned_at(*message, scratch::borrow_check_marker_lint, borrow_check_marker->second)) {
      borrow_checked = true;
      continue;
    }
    if (!is_error(*message)) {
      continue;
    }
    if (first_error.empty()) {
      first_error = message->message.substr(0, message->message.find('\n'));
    }
    if (message->message.starts_with("internal compiler error")) {
      return {{}, "rustc crashed"}; // what it did not get to is unknown
    }
    const bool fatal_here = is_fatal_on_the_spot(*message);
    fatal = fatal || fatal_here;
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
      if (message->code == "E0405") {
        with_unresolved_trait.insert(*owner);
      }
    }
    with_errors.insert(*owner);
    if (message->code == "E0432") {
      with_failed_import.insert(*owner);
      glob_import_failed = glob_import_failed || has_glob_import((*owner)->unit->source.text);
    }
    if (may_print_a_trimmed_path(*message, **owner)) {
      unsettled.insert(*owner);
    }
    last_error_owner = *owner;
    if (message->code == "E0404" || message->code == "E0405" || fatal_here) {
      stopping.insert(*owner);
    }
  }
  if (glob_import_failed) {
    // Alone, a member without a failed import of its own would report what the glob hid;
    // retried without the members whose imports failed, it reports it.
    for (const auto* member : with_errors) {
      if (!with_failed_import.contains(member)) {
        unsettled.insert(member);
      }
    }
    stopping.insert(with_failed_import.begin(), with_failed_import.end());
  }
  BatchSettlement settlement;
  if (analysed && !borrow_checked) {
    return {{}, "rustc stopped before borrow checking"};
  }
  if (analysed) {
    std::set_difference(failing.begin(), failing.end(), unsettled.begin(), unsettled.end(),
                        std::inserter(settlement.settled, settlement.settled.end()));
    return settlement.settled.empty() ? BatchSettlement{{}, "no failing member has an error of its own that settles it"}
                                      : settlement;
  }
  // rustc stopped before type checking.
  if (!resolved) {
    // A parse error it could not recover from: rustc reads the whole file's
    // tokens first (their errors come first), then parses the modules in
    // order, so the member of the last error is where it stopped; the others
    // are tried again.
    if (last_error_owner != nullptr) {
      for (const auto* member : with_errors) {
        if (member != last_error_owner) {
          settlement.retried_together.insert(member);
        }
      }
    }
    settlement.none_because = fmt::format("rustc stopped before its names were resolved (after: {})", first_error);
    return settlement;
  }
  // Once past name resolution, a member with a trait that did not resolve
  // stops alone where the batch stopped (unresolved_trait_stops_before_type_checking),
  // after the same errors: it is settled, unless a fatal error may have cut the batch short.
  if (!with_unresolved_trait.empty() && !fatal && unresolved_trait_stops()) {
    std::set_difference(with_unresolved_trait.begin(), with_unresolved_trait.end(), unsettled.begin(),
                        unsettled.end(), std::inserter(settlement.settled, settlement.settled.end()));
  }
  // Without the members that stopped it, the others may type-check together:
  // tried once more as a batch, when that leaves some out.
  if (!settlement.settled.empty() || !stopping.empty()) {
    for (const auto* member : with_errors) {
      if (!stopping.contains(member) && !settlement.settled.contains(member)) {
        settlement.retried_together.insert(member);
      }
    }
  }
  if (settlement.settled.empty()) {
    settlement.none_because = fmt::format("rustc stopped before type checking (after: {})", first_error);
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
