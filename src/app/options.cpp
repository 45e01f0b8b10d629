#include "app/options.hpp"

#include "app/markdown_options.hpp"
#include "build/path_crate_hash.hpp"
#include "scratch/path_crates.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"
#include "util/toml_input.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <set>

namespace snipcheck::app {

std::optional<std::filesystem::path> find_config(std::filesystem::path folder)
{
  folder = std::filesystem::absolute(folder);
  while (true) {
    auto candidate = folder / "snipcheck.toml";
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) {
      return candidate;
    }
    if (!folder.has_parent_path() || folder.parent_path() == folder) {
      return std::nullopt;
    }
    folder = folder.parent_path();
  }
}

namespace {

// Reads one setting or table of snipcheck.toml, collecting every problem.
class ConfigReader
{
public:
  ConfigReader(std::filesystem::path config, std::vector<InputProblem>& problems)
    : m_config(std::move(config))
    , m_base(m_config.parent_path())
    , m_problems(problems)
  {}

  void problem(const toml::node& node, std::string message)
  {
    m_problems.push_back({m_config, static_cast<int>(node.source().begin.line), std::move(message)});
  }

  // Shown as the user would type it from here: relative when inside the current folder.
  std::filesystem::path path(const toml::node& node, std::string_view key)
  {
    if (auto value = node.value<std::string>()) {
      const auto path = m_base / *value;
      const auto relative = std::filesystem::proximate(path);
      return relative.string().starts_with("..") ? path : relative;
    }
    problem(node, fmt::format("`{}` must be a path string", key));
    return {};
  }

  // A string, or an array of strings ("stable" or ["stable", "nightly"]).
  std::vector<std::string> strings(const toml::node& node, std::string_view key, std::string_view example)
  {
    std::vector<std::string> values;
    if (auto value = node.value<std::string>()) {
      values.push_back(*value);
    } else if (const auto* array = node.as_array(); array != nullptr && !array->empty()) {
      for (const auto& element : *array) {
        if (auto value = element.value<std::string>()) {
          values.push_back(*value);
        }
      }
      if (values.size() != array->size()) {
        values.clear();
      }
    }
    if (values.empty()) {
      problem(node, fmt::format("`{}` must be a string or an array of strings, like {}", key, example));
    }
    return values;
  }

  // Existing folders, relative to snipcheck.toml: a string or an array of strings.
  std::vector<std::filesystem::path> folders(const toml::node& node, std::string_view key, std::string_view example)
  {
    std::vector<std::filesystem::path> result;
    for (const auto& value : strings(node, key, example)) {
      auto folder = (m_base / value).lexically_normal();
      if (!folder.has_filename() && folder.has_relative_path()) {
        folder = folder.parent_path(); // ".." normalises to "parent/"
      }
      std::error_code ec;
      if (!std::filesystem::is_directory(folder, ec)) {
        problem(node, fmt::format("`{}`: {} is not a folder (a path is relative to {})", key, folder.string(),
                                  m_config.filename().string()));
        continue;
      }
      result.push_back(std::move(folder));
    }
    return result;
  }

  std::vector<scratch::Dependency> dependencies(const toml::table& table);

private:
  std::optional<scratch::Dependency> dependency(std::string_view name, const toml::node& spec);
  // Reads one field of a dependency's table; false when it is wrong (and said so).
  bool dependency_field(scratch::Dependency& dependency, const toml::key& key, const toml::node& value,
                        const toml::node& spec);

  bool string_value(const toml::node& value, std::string_view name, std::string_view key, std::string& into)
  {
    if (auto text = value.value<std::string>()) {
      into = *text;
      return true;
    }
    problem(value, fmt::format("`{}.{}` must be a string", name, key));
    return false;
  }

  std::filesystem::path m_config;
  std::filesystem::path m_base;
  std::vector<InputProblem>& m_problems;
};

// The string fields of a dependency table, as in Cargo.toml (`path` is read apart).
constexpr std::pair<std::string_view, std::string scratch::Dependency::*> string_fields[] = {
    {"version", &scratch::Dependency::version}, {"git", &scratch::Dependency::git},
    {"branch", &scratch::Dependency::branch},   {"tag", &scratch::Dependency::tag},
    {"rev", &scratch::Dependency::rev},         {"package", &scratch::Dependency::package},
};

bool ConfigReader::dependency_field(scratch::Dependency& dependency, const toml::key& key, const toml::node& value,
                                    const toml::node& spec)
{
  const auto& name = dependency.name;
  for (const auto& [field, member] : string_fields) {
    if (key == field) {
      const bool valid = string_value(value, name, field, dependency.*member);
      if (const auto wrong =
              field == "package" && valid ? scratch::crate_name_problem(dependency.package) : std::nullopt) {
        problem(value, fmt::format("dependency `{}`: `package`: {}", name, *wrong));
        return false;
      }
      return valid;
    }
  }
  if (key == "path") {
    std::string relative;
    bool valid = string_value(value, name, "path", relative);
    dependency.path = (m_base / relative).lexically_normal();
    std::error_code ec;
    if (!relative.empty() && !std::filesystem::is_regular_file(dependency.path / "Cargo.toml", ec)) {
      problem(value, fmt::format("dependency `{}`: no Cargo.toml in {} (a path is relative to {})", name,
                                 dependency.path.string(), m_config.filename().string()));
      valid = false;
    }
    return valid;
  }
  if (key == "features") {
    const auto* features = value.as_array();
    const bool all_strings = features != nullptr && std::all_of(features->begin(), features->end(),
                                                                [](const toml::node& f) { return f.is_string(); });
    if (!all_strings) {
      problem(value, fmt::format("`{}.features` must be an array of strings", name));
      return false;
    }
    for (const auto& feature : *features) {
      dependency.features.push_back(*feature.value<std::string>());
    }
    return true;
  }
  if (key == "default-features") {
    if (auto flag = value.value<bool>()) {
      dependency.default_features = *flag;
      return true;
    }
    problem(value, fmt::format("`{}.default-features` must be true or false", name));
    return false;
  }
  problem(key.source().begin.line > 0 ? value : spec,
          fmt::format("unknown field `{}` in dependency `{}` (known: version, path, git, branch, tag, rev, "
                      "package, features, default-features)",
                      key.str(), name));
  return false;
}

std::optional<scratch::Dependency> ConfigReader::dependency(std::string_view name, const toml::node& spec)
{
  scratch::Dependency dependency;
  dependency.name = std::string(name);
  if (auto version = spec.value<std::string>()) {
    dependency.version = *version;
    return dependency;
  }
  const auto* detail = spec.as_table();
  if (detail == nullptr) {
    problem(spec, fmt::format("dependency `{}` must be a version string or a table, as in Cargo.toml", name));
    return std::nullopt;
  }
  bool valid = true;
  for (const auto& [key, value] : *detail) {
    valid = dependency_field(dependency, key, value, spec) && valid;
  }
  if (dependency.version.empty() && dependency.path.empty() && dependency.git.empty()) {
    problem(spec, fmt::format("dependency `{}` needs a `version`, a `path` or a `git`", name));
    valid = false;
  }
  if (!dependency.path.empty() && valid) {
    dependency.content_hash = build::path_crate_hash(dependency.path);
    // cargo reads the crates it uses by path too: each must exist (and is hashed).
    const auto crates = scratch::path_crates(dependency.path);
    for (auto wrong : crates.problems) {
      wrong.message = fmt::format("{} (a crate that dependency `{}` of {} uses)", wrong.message, name,
                                  m_config.filename().string());
      m_problems.push_back(std::move(wrong));
      valid = false;
    }
  }
  return valid ? std::optional(dependency) : std::nullopt;
}

std::vector<scratch::Dependency> ConfigReader::dependencies(const toml::table& table)
{
  std::vector<scratch::Dependency> result;
  for (const auto& [name, spec] : table) {
    if (const auto wrong = scratch::crate_name_problem(name.str())) {
      problem(spec, *wrong);
      continue;
    }
    if (auto dependency = this->dependency(name.str(), spec)) {
      result.push_back(std::move(*dependency));
    }
  }
  return result;
}

} // namespace

std::vector<scratch::Dependency> dependencies_for_listing(const Options& options,
                                                          const std::vector<scratch::Dependency>& listing_deps)
{
  if (options.dependencies.empty()) {
    return listing_deps;
  }
  auto result = listing_deps;
  for (const auto& dependency : options.dependencies) {
    const bool overridden = std::any_of(listing_deps.begin(), listing_deps.end(),
                                        [&](const scratch::Dependency& own) { return own.name == dependency.name; });
    if (!overridden) {
      result.push_back(dependency);
    }
  }
  std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return result;
}

namespace {

// The numbers and switches of snipcheck.toml, checked by options_rules.cpp's rules.
void read_number_or_switch(Options& options, const toml::key& key, const toml::node& node, ConfigReader& reader)
{
  if (key == "timeout") {
    if (auto value = node.value<double>(); value && !timeout_problem(*value, GivenIn::config)) {
      options.timeout_seconds = *value;
    } else {
      reader.problem(node, *timeout_problem(0, GivenIn::config));
    }
  } else if (key == "compile-timeout") {
    if (auto value = node.value<double>(); value && !compile_timeout_problem(*value, GivenIn::config)) {
      options.compile_timeout_seconds = *value;
    } else {
      reader.problem(node, *compile_timeout_problem(0, GivenIn::config));
    }
  } else if (key == "jobs") {
    if (const auto* value = node.as_integer(); value != nullptr && !jobs_problem(value->get(), GivenIn::config)) {
      options.jobs = static_cast<int>(value->get());
    } else {
      reader.problem(node, *jobs_problem(0, GivenIn::config));
    }
  } else if (auto value = node.value<bool>()) { // merge
    options.merge = *value;
  } else {
    reader.problem(node, "`merge` must be true or false");
  }
}

// A table of one field, `[table] field = value` ([registry], [fmt]): `read`
// takes the value; anything else in it is a problem.
template <typename Read>
void read_one_field_table(const toml::node& node, ConfigReader& reader, std::string_view table, std::string_view field,
                          Read read)
{
  const auto* entries = node.as_table();
  if (entries == nullptr) {
    reader.problem(node, fmt::format("[{}] must be a table with `{}`", table, field));
    return;
  }
  for (const auto& [name, value] : *entries) {
    if (name == field) {
      read(value);
    } else {
      reader.problem(value, fmt::format("unknown field `{}.{}` (known: {})", table, name.str(), field));
    }
  }
}

void read_registry(Options& options, const toml::node& node, ConfigReader& reader)
{
  read_one_field_table(node, reader, "registry", "directory", [&](const toml::node& value) {
    options.registry_directory = reader.path(value, "registry.directory");
  });
}

void read_fmt_table(Options& options, const toml::node& node, ConfigReader& reader)
{
  read_one_field_table(node, reader, "fmt", "enabled", [&](const toml::node& value) {
    if (const auto enabled = value.value<bool>()) {
      options.fmt_enabled = *enabled;
    } else {
      reader.problem(value, "`fmt.enabled` must be true or false");
    }
  });
}

// One top-level setting of snipcheck.toml; false when it is not one.
bool read_setting(Options& options, const toml::key& key, const toml::node& node, ConfigReader& reader,
                  std::vector<InputProblem>& problems)
{
  if (key == "book" || key == "expected" || key == "build-dir") {
    auto& path = key == "book" ? options.book : key == "expected" ? options.expected : options.build_dir;
    path = reader.path(node, key.str());
  } else if (key == "edition") {
    options.editions = reader.strings(node, "edition", "\"2021\" or [\"2021\", \"2024\"]");
    for (const auto& edition : options.editions) {
      if (const auto wrong = edition_problem(edition)) {
        reader.problem(node, *wrong);
      }
    }
  } else if (key == "toolchain") {
    options.toolchains = reader.strings(node, "toolchain", "\"stable\" or [\"stable\", \"nightly\"]");
  } else if (key == "timeout" || key == "compile-timeout" || key == "jobs" || key == "merge") {
    read_number_or_switch(options, key, node, reader);
  } else if (key == "include-roots") {
    options.include_roots = reader.folders(node, "include-roots", "\"../listings\" or [\"..\", \"/srv/shared\"]");
  } else if (key == "registry") {
    read_registry(options, node, reader);
  } else if (key == "fmt") {
    read_fmt_table(options, node, reader);
  } else if (key == "lint") {
    options.lint = lint::read_lint_table(node, options.config_file, problems);
  } else if (key == "markdown") {
    options.markdown = read_markdown_table(node, options.config_file, problems);
  } else if (key == "dependencies") {
    if (const auto* table = node.as_table()) {
      options.dependencies = reader.dependencies(*table);
    } else {
      reader.problem(node, "[dependencies] must be a table, as in Cargo.toml: tokio = \"1\"");
    }
  } else {
    return false;
  }
  return true;
}

} // namespace

Options load_defaults(const std::filesystem::path& start)
{
  return load_config(find_config(start), std::filesystem::absolute(start));
}

Options load_config(const std::optional<std::filesystem::path>& config, const std::filesystem::path& default_base)
{
  Options options;
  const auto base = config ? config->parent_path() : default_base;
  options.expected = base / "expected";
  options.build_dir = base / ".snipcheck";
  if (!config) {
    return options;
  }
  options.config_file = *config;
  const auto document = text::parse_toml_input(text::read_file(*config), *config);
  std::vector<InputProblem> problems;
  ConfigReader reader(*config, problems);
  for (const auto& [key, node] : document) {
    if (!read_setting(options, key, node, reader, problems)) {
      problems.push_back(
          {*config, static_cast<int>(key.source().begin.line),
           fmt::format("unknown setting `{}` (known: book, expected, build-dir, edition, toolchain, "
                       "timeout, compile-timeout, jobs, merge, include-roots, [registry], [dependencies], [markdown], "
                       "[fmt], [lint])",
                       key.str())});
    }
  }
  if (!problems.empty()) {
    throw InputError(problems);
  }
  return options;
}

} // namespace snipcheck::app
