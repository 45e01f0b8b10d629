#include "lint/lint_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

namespace snipcheck::lint {

namespace {

constexpr std::array<std::pair<std::string_view, Level>, 3> lists{
    {{"allow", Level::allow}, {"warn", Level::warn}, {"deny", Level::deny}}};

int line_of(const toml::node& node)
{
  return static_cast<int>(node.source().begin.line);
}

bool is_identifier_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// Calls of `main` in the text: `main(` as a name of its own, not after `fn `.
bool calls_main(std::string_view text)
{
  for (auto at = text.find("main"); at != std::string_view::npos; at = text.find("main", at + 4)) {
    if (at > 0 && is_identifier_char(text[at - 1])) {
      continue;
    }
    auto after = at + 4;
    while (after < text.size() && (text[after] == ' ' || text[after] == '\t')) {
      ++after;
    }
    if (after >= text.size() || text[after] != '(') {
      continue;
    }
    auto before = text.substr(0, at);
    while (!before.empty() && (before.back() == ' ' || before.back() == '\t')) {
      before.remove_suffix(1);
    }
    if (!before.ends_with("fn")) {
      return true;
    }
  }
  return false;
}

} // namespace

std::string_view level_name(Level level)
{
  switch (level) {
  case Level::allow: return "allow";
  case Level::warn: return "warn";
  case Level::deny: return "deny";
  }
  return "warn";
}

std::string normalize_lint_name(std::string_view name)
{
  std::string normalized(name);
  std::replace(normalized.begin(), normalized.end(), '-', '_');
  return normalized;
}

LintConfig read_lint_table(const toml::node& node, const std::filesystem::path& file,
                           std::vector<InputProblem>& problems)
{
  LintConfig config;
  config.file = file;
  const auto problem = [&](const toml::node& at, std::string message) {
    problems.push_back({file, line_of(at), std::move(message)});
  };
  const auto* table = node.as_table();
  if (table == nullptr) {
    problem(node, "[lint] must be a table: allow = [...], warn = [...], deny = [...], fail-on = \"warn\"");
    return config;
  }
  std::map<std::string, const LevelEntry*> named;
  for (const auto& [key, value] : *table) {
    const auto list = std::find_if(lists.begin(), lists.end(), [&](const auto& l) { return l.first == key.str(); });
    if (list != lists.end()) {
      const auto* names = value.as_array();
      if (names == nullptr) {
        problem(value,
                fmt::format("`lint.{}` must be an array of lint names, like [\"clippy::needless_return\"]", key.str()));
        continue;
      }
      for (const auto& element : *names) {
        const auto text = element.value<std::string>();
        if (!text || text->empty()) {
          problem(element,
                  fmt::format("`lint.{}` must hold lint names (strings), like \"clippy::pedantic\"", key.str()));
          continue;
        }
        config.entries.push_back({normalize_lint_name(*text), list->second, line_of(element)});
      }
    } else if (key == "fail-on") {
      const auto text = value.value<std::string>();
      if (text && *text == "warn") {
        config.fail_on = Level::warn;
      } else if (text && *text == "deny") {
        config.fail_on = Level::deny;
      } else {
        problem(value,
                "`lint.fail-on` must be \"warn\" (any finding fails the run) or \"deny\" (only denied lints do)");
      }
    } else {
      problem(value, fmt::format("unknown field `lint.{}` (known: allow, warn, deny, fail-on)", key.str()));
    }
  }
  for (const auto& entry : config.entries) {
    const auto [earlier, fresh] = named.emplace(entry.name, &entry);
    if (!fresh && earlier->second->level != entry.level) {
      problems.push_back(
          {file, entry.line,
           fmt::format("`{}` is in both `lint.{}` (line {}) and `lint.{}`: name it once", entry.name,
                       level_name(earlier->second->level), earlier->second->line, level_name(entry.level))});
    }
  }
  return config;
}

std::vector<std::string> clippy_flags(const LintConfig& config, const std::vector<std::string>& group_names)
{
  // unexpected_cfgs checks `cfg(feature = "x")` against the scratch package's
  // features, which are snipcheck's scaffolding (none), not the book's; rustdoc
  // and `mdbook test` pass no --check-cfg, so they never warn about it.
  std::vector<std::string> flags{"-Wclippy::all", "-Aunexpected_cfgs"};
  const auto is_group = [&](const std::string& name) {
    return std::find(group_names.begin(), group_names.end(), name) != group_names.end();
  };
  for (const bool groups : {true, false}) {
    for (const auto& [list, level] : lists) {
      for (const auto& entry : config.entries) {
        if (entry.level == level && is_group(entry.name) == groups) {
          flags.push_back(fmt::format("{}{}", level == Level::allow ? "-A" : "-W", entry.name));
        }
      }
    }
  }
  return flags;
}

bool can_merge_for_lint(const scratch::ScratchSource& source)
{
  return source.text.find("cfg(test)") == std::string::npos && !calls_main(source.text);
}

bool confirm_alone(const check::Observed& observed)
{
  constexpr std::array<std::string_view, 6> batch_sensitive{
      "clippy::missing_const_for_fn", "clippy::exit",
      "clippy::missing_panics_doc",   "clippy::missing_errors_doc",
      "clippy::must_use_candidate",   "clippy::items_after_test_module"};
  return std::any_of(observed.diagnostics.begin(), observed.diagnostics.end(), [&](const check::Diagnostic& d) {
    return std::find(batch_sensitive.begin(), batch_sensitive.end(), d.code) != batch_sensitive.end();
  });
}

} // namespace snipcheck::lint
