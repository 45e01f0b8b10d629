#include "lint/lint.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <tuple>

namespace snipcheck::lint {

namespace {

bool is_error_code(const std::string& code)
{
  return code.size() == 5 && code.front() == 'E' &&
         std::all_of(code.begin() + 1, code.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// A lint's name: what rustc and clippy put as the code of a lint's message.
bool is_lint_code(const std::string& code)
{
  return !code.empty() && !is_error_code(code) && !code.starts_with("snipcheck::");
}

bool holds(const KnownLints& known, const std::string& name, const std::string& lint)
{
  if (name == lint || name == "warnings") {
    return true;
  }
  const auto group = known.groups.find(name);
  return group != known.groups.end() && group->second.contains(lint);
}

// The level [lint] gives `lint`: a lint named itself wins; else the strictest
// of the groups naming it; else the level it was reported at.
Level level_of(const LintConfig& config, const KnownLints& known, const std::string& lint, Level reported)
{
  for (const auto& entry : config.entries) {
    if (entry.name == lint) {
      return entry.level;
    }
  }
  std::optional<Level> level;
  for (const auto& entry : config.entries) {
    if (holds(known, entry.name, lint)) {
      level = std::max(level.value_or(Level::allow), entry.level);
    }
  }
  return level.value_or(reported);
}

// A file as the user would type it from here: relative when inside the current folder.
std::filesystem::path shown(const std::filesystem::path& file)
{
  std::error_code ec;
  const auto relative = std::filesystem::proximate(file, ec);
  return ec || relative.empty() || relative.string().starts_with("..") ? file : relative;
}

std::string why_not_linted(const check::ListingResult& result)
{
  using check::Outcome;
  const auto& expectation = result.expectation;
  if (!result.listing->is_rust || expectation.outcome == Outcome::not_rust) {
    return "not Rust";
  }
  if (expectation.outcome == Outcome::skip) {
    return "skipped";
  }
  if (expectation.outcome == Outcome::compile_fail) {
    return "expected not to compile";
  }
  if (!result.bad_input.empty()) {
    return "not built: bad input";
  }
  switch (result.observed.build) {
  case check::Observed::Build::compiled: return {};
  case check::Observed::Build::timed_out: return "timed out while compiling";
  case check::Observed::Build::not_built:
    return fmt::format("not built: {}", text::trim(result.observed.environment_problem));
  case check::Observed::Build::failed: break;
  }
  std::set<std::string> errors;
  for (const auto& diagnostic : result.observed.diagnostics) {
    if (diagnostic.level == "error" && !is_lint_code(diagnostic.code)) {
      errors.insert(diagnostic.code.empty() ? "error" : diagnostic.code);
    }
  }
  return errors.empty() ? std::string() : fmt::format("does not compile ({})", fmt::join(errors, ", "));
}

} // namespace

std::vector<std::string> KnownLints::group_names() const
{
  std::vector<std::string> names;
  for (const auto& [name, members] : groups) {
    names.push_back(name);
  }
  return names;
}

KnownLints parse_lint_help(std::string_view help)
{
  KnownLints known;
  enum class Section { none, lints, groups } section = Section::none;
  for (const auto& raw : text::split_lines(help)) {
    const auto line = text::trim(raw);
    if (line.starts_with("Lint checks ")) {
      section = Section::lints;
      continue;
    }
    if (line.starts_with("Lint groups ")) {
      section = Section::groups;
      continue;
    }
    if (section == Section::none || line.empty() || line.starts_with("name ") || line.starts_with("----")) {
      continue;
    }
    const auto end = line.find(' ');
    const auto name = normalize_lint_name(line.substr(0, end));
    if (section == Section::lints) {
      known.lints.insert(name);
      continue;
    }
    auto& members = known.groups[name];
    if (name == "warnings" || end == std::string_view::npos) {
      continue; // "all lints that are set to issue warnings"
    }
    auto rest = text::trim(line.substr(end));
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto member = text::trim(rest.substr(0, comma));
      if (!member.empty()) {
        members.insert(normalize_lint_name(member));
      }
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return known;
}

LintRun collect_findings(const check::CheckRun& run, const LintConfig& config, const KnownLints& known)
{
  LintRun lint_run;
  lint_run.fail_on = config.fail_on;
  for (const auto& entry : config.entries) {
    if (!known.knows(entry.name)) {
      lint_run.problems.push_back(
          {config.file, entry.line, fmt::format("`{}` is no lint or lint group that clippy knows", entry.name)});
    }
  }
  std::set<std::pair<std::filesystem::path, int>> checked_allows;
  for (const auto& result : run.results) {
    LintResult linted;
    linted.result = &result;
    for (const auto& [name, line] : result.expectation.allowed_lints) {
      if (!known.knows(name) && checked_allows.emplace(result.expectation.annotation_file, line).second) {
        lint_run.problems.push_back({result.expectation.annotation_file, line,
                                     fmt::format("`{}` is no lint or lint group that clippy knows", name)});
      }
    }
    linted.not_linted = why_not_linted(result);
    linted.environment_failed = result.bad_input.empty() &&
                                result.observed.build == check::Observed::Build::not_built &&
                                !result.observed.environment_problem.empty();
    if (!linted.not_linted.empty()) {
      lint_run.results.push_back(std::move(linted));
      continue;
    }
    std::set<std::tuple<std::string, std::string, int, int>> seen; // a lint once per place, whatever the forms
    for (const auto& diagnostic : result.observed.diagnostics) {
      if ((diagnostic.level != "warning" && diagnostic.level != "error") || !is_lint_code(diagnostic.code) ||
          diagnostic.book_line <= 0 ||
          !seen.emplace(diagnostic.code, diagnostic.book_file.string(), diagnostic.book_line, diagnostic.column)
               .second) {
        continue;
      }
      Finding finding;
      finding.diagnostic = diagnostic;
      finding.level = level_of(config, known, diagnostic.code, diagnostic.level == "error" ? Level::deny : Level::warn);
      if (finding.level == Level::allow) {
        continue;
      }
      for (const auto& [name, line] : result.expectation.allowed_lints) {
        if (holds(known, name, diagnostic.code)) {
          finding.allowed_by = fmt::format("{}:{}", shown(result.expectation.annotation_file).string(), line);
          break;
        }
      }
      linted.findings.push_back(std::move(finding));
    }
    lint_run.results.push_back(std::move(linted));
  }
  return lint_run;
}

bool counts(const Finding& finding, Level fail_on)
{
  return finding.allowed_by.empty() && finding.level >= fail_on;
}

bool fails(const LintRun& run)
{
  return std::any_of(run.results.begin(), run.results.end(), [&](const LintResult& result) {
    return std::any_of(result.findings.begin(), result.findings.end(),
                       [&](const Finding& finding) { return counts(finding, run.fail_on); });
  });
}

std::optional<check::BlessUpdate> bless_update(const LintResult& result)
{
  std::set<std::string> allow;
  bool new_finding = false;
  for (const auto& finding : result.findings) {
    new_finding = new_finding || finding.allowed_by.empty();
    allow.insert(finding.diagnostic.code);
  }
  if (!new_finding) {
    return std::nullopt;
  }
  const auto& listing = *result.result->listing;
  const auto& expectation = result.result->expectation;
  for (const auto& [name, line] : expectation.allowed_lints) {
    allow.insert(name); // what the entry allows stays allowed
  }
  check::BlessUpdate update;
  update.id = listing.id;
  update.fingerprint = listing.fingerprint();
  if (!expectation.annotation_file.empty()) {
    update.written_id = expectation.moved_from.value_or(listing.id);
    if (expectation.recorded_fingerprint && listing.matches_fingerprint(*expectation.recorded_fingerprint)) {
      update.fingerprint = *expectation.recorded_fingerprint; // an older form that still names this code
    }
  }
  update.allow = std::move(allow);
  update.reason_if_missing = "the book shows this code as it is (allowed by `snipcheck bless --lints`; say why)";
  update.comment = "bless --lints: review why the book keeps these lints";
  return update;
}

std::map<std::string, int> findings_per_lint(const LintRun& run, bool allowed)
{
  std::map<std::string, int> counts;
  for (const auto& result : run.results) {
    for (const auto& finding : result.findings) {
      if (finding.allowed_by.empty() != allowed) {
        ++counts[finding.diagnostic.code];
      }
    }
  }
  return counts;
}

} // namespace snipcheck::lint
