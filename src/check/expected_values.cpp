#include "check/expected_values.hpp"

#include "scratch/workspace.hpp"

#include <algorithm>

namespace snipcheck::check::detail {

namespace {

// Checked by hand, not with std::regex: libstdc++'s regex executor recurses
// once per character it matches and overflows the stack on long input
// (fuzzing found it with a 1 MB error code).

bool all_of_chars(std::string_view text, bool (*allowed)(char))
{
  return !text.empty() && std::all_of(text.begin(), text.end(), allowed);
}

bool is_ascii_digit(char c)
{
  return c >= '0' && c <= '9';
}

// E\d{4} | error | [a-z_]+
bool is_error_code(std::string_view code)
{
  if (code.size() == 5 && code[0] == 'E' && all_of_chars(code.substr(1), is_ascii_digit)) {
    return true;
  }
  return all_of_chars(code, [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

// One dependency's detailed table: { version = "1", features = [...], default-features = false }.
void read_dependency_details(ProblemLog& log, const toml::table& detail, Dependency& dependency)
{
  for (const auto& [key, value] : detail) {
    if (key == "version") {
      dependency.version = log.string_field(value, "version").value_or("");
    } else if (key == "features") {
      const auto* features = value.as_array();
      if (features == nullptr) {
        log.problem(value.source(), "`features` must be an array of strings");
        continue;
      }
      for (const auto& feature : *features) {
        dependency.features.push_back(log.string_field(feature, "features").value_or(""));
      }
    } else if (key == "default-features") {
      if (auto flag = value.value<bool>()) {
        dependency.default_features = *flag;
      } else {
        log.problem(value.source(), "`default-features` must be true or false");
      }
    } else {
      log.problem(key.source(),
                  fmt::format("unknown dependency field `{}` (known: version, features, default-features)", key.str()));
    }
  }
}

} // namespace

void read_error_codes(ProblemLog& log, std::string_view field, const toml::node& node, Annotation& annotation)
{
  const auto* codes = node.as_array();
  if (codes == nullptr) {
    log.problem(node.source(), "`errors` must be an array of error codes, like [\"E0106\"]");
    return;
  }
  annotation.errors.emplace();
  for (const auto& code : *codes) {
    auto text = log.string_field(code, field);
    if (text && !is_error_code(*text)) {
      log.problem(code.source(), fmt::format("`{}` is not an error code (E0106), a lint name, or \"error\"", *text));
    } else if (text) {
      annotation.errors->insert(*text);
    }
  }
}

void read_lint_names(ProblemLog& log, std::string_view field, const toml::node& node, Annotation& annotation)
{
  const auto* names = node.as_array();
  if (names == nullptr) {
    log.problem(node.source(), "`allow` must be an array of lint names, like [\"clippy::needless_return\"]");
    return;
  }
  for (const auto& name : *names) {
    auto text = log.string_field(name, field);
    if (text && text->empty()) {
      log.problem(name.source(), "`allow` entries must be lint names, like \"clippy::needless_return\"");
    } else if (text) {
      std::replace(text->begin(), text->end(), '-', '_');
      annotation.allow.emplace_back(std::move(*text), static_cast<int>(name.source().begin.line));
    }
  }
}

void read_line_numbers(ProblemLog& log, std::string_view, const toml::node& node, Annotation& annotation)
{
  const auto* lines = node.as_array();
  if (lines == nullptr) {
    log.problem(node.source(), "`error-lines` must be an array of listing line numbers");
    return;
  }
  for (const auto& line : *lines) {
    // as_integer, not value<int64_t>: toml++ converts a float such as 7e106 with undefined behaviour.
    const auto* integer = line.as_integer();
    const auto number = integer != nullptr ? std::optional<int64_t>(integer->get()) : std::nullopt;
    if (!number || *number < 1) {
      log.problem(line.source(), "`error-lines` entries must be positive listing line numbers");
      continue;
    }
    annotation.error_lines.push_back(static_cast<int>(*number));
  }
}

void read_dependencies(ProblemLog& log, std::string_view, const toml::node& node, Annotation& annotation)
{
  const auto* table = node.as_table();
  if (table == nullptr) {
    log.problem(node.source(), "`deps` must be a table: deps = { tokio = { version = \"1\", features = [\"full\"] } }");
    return;
  }
  for (const auto& [name, spec] : *table) {
    // Checked here, at its line: cargo would reject it only after the workspace is written.
    if (const auto wrong = scratch::crate_name_problem(name.str())) {
      log.problem(name.source().begin.line > 0 ? name.source() : spec.source(), *wrong);
      continue;
    }
    Dependency dependency;
    dependency.name = std::string(name.str());
    if (auto version = spec.value<std::string>()) {
      dependency.version = *version;
    } else if (const auto* detail = spec.as_table()) {
      read_dependency_details(log, *detail, dependency);
    } else {
      log.problem(spec.source(), fmt::format("dependency `{}` must be a version string or a table", name.str()));
      continue;
    }
    if (dependency.version.empty()) {
      log.problem(spec.source(), fmt::format("dependency `{}` needs a version", name.str()));
    }
    annotation.deps.push_back(std::move(dependency));
  }
}

} // namespace snipcheck::check::detail
