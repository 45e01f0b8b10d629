#include "app/options.hpp"

#include "app/markdown_options.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"
#include "util/toml_input.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace snipcheck::app {

namespace {

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

  std::vector<scratch::Dependency> dependencies(const toml::table& table);

private:
  std::optional<scratch::Dependency> dependency(std::string_view name, const toml::node& spec);

  std::filesystem::path m_config;
  std::filesystem::path m_base;
  std::vector<InputProblem>& m_problems;
};

bool valid_crate_name(std::string_view name)
{
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
}

// The files of a path crate, hashed in name order: an edit to the book's
// helper crate must not be answered from the cache.
std::string folder_hash(const std::filesystem::path& folder)
{
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(folder, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (it->is_directory(ec) && (name == "target" || name.starts_with("."))) {
      it.disable_recursion_pending();
    } else if (it->is_regular_file(ec)) {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  std::string material;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    material += fmt::format("{}\n{}\n{}\n", std::filesystem::relative(file, folder).string(), content.str().size(),
                            text::fnv1a_hex(content.str()));
  }
  return text::fnv1a_hex(material);
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
  const auto string_value = [&](const toml::node& value, std::string_view key, std::string& into) {
    if (auto text = value.value<std::string>()) {
      into = *text;
    } else {
      problem(value, fmt::format("`{}.{}` must be a string", name, key));
      valid = false;
    }
  };
  for (const auto& [key, value] : *detail) {
    if (key == "version") {
      string_value(value, "version", dependency.version);
    } else if (key == "path") {
      std::string relative;
      string_value(value, "path", relative);
      dependency.path = (m_base / relative).lexically_normal();
      std::error_code ec;
      if (!relative.empty() && !std::filesystem::is_regular_file(dependency.path / "Cargo.toml", ec)) {
        problem(value, fmt::format("dependency `{}`: no Cargo.toml in {} (a path is relative to {})", name,
                                   dependency.path.string(), m_config.filename().string()));
        valid = false;
      }
    } else if (key == "git") {
      string_value(value, "git", dependency.git);
    } else if (key == "branch") {
      string_value(value, "branch", dependency.branch);
    } else if (key == "tag") {
      string_value(value, "tag", dependency.tag);
    } else if (key == "rev") {
      string_value(value, "rev", dependency.rev);
    } else if (key == "package") {
      string_value(value, "package", dependency.package);
    } else if (key == "features") {
      const auto* features = value.as_array();
      const bool all_strings = features != nullptr && std::all_of(features->begin(), features->end(),
                                                                  [](const toml::node& f) { return f.is_string(); });
      if (!all_strings) {
        problem(value, fmt::format("`{}.features` must be an array of strings", name));
        valid = false;
        continue;
      }
      for (const auto& feature : *features) {
        dependency.features.push_back(*feature.value<std::string>());
      }
    } else if (key == "default-features") {
      if (auto flag = value.value<bool>()) {
        dependency.default_features = *flag;
      } else {
        problem(value, fmt::format("`{}.default-features` must be true or false", name));
        valid = false;
      }
    } else {
      problem(key.source().begin.line > 0 ? value : spec,
              fmt::format("unknown field `{}` in dependency `{}` (known: version, path, git, branch, tag, rev, "
                          "package, features, default-features)",
                          key.str(), name));
      valid = false;
    }
  }
  if (dependency.version.empty() && dependency.path.empty() && dependency.git.empty()) {
    problem(spec, fmt::format("dependency `{}` needs a `version`, a `path` or a `git`", name));
    valid = false;
  }
  if (!dependency.path.empty() && valid) {
    dependency.content_hash = folder_hash(dependency.path);
  }
  return valid ? std::optional(dependency) : std::nullopt;
}

std::vector<scratch::Dependency> ConfigReader::dependencies(const toml::table& table)
{
  std::vector<scratch::Dependency> result;
  for (const auto& [name, spec] : table) {
    if (!valid_crate_name(name.str())) {
      problem(spec, fmt::format("`{}` is not a crate name (letters, digits, `-` and `_`)", name.str()));
      continue;
    }
    if (auto dependency = this->dependency(name.str(), spec)) {
      result.push_back(std::move(*dependency));
    }
  }
  return result;
}

std::optional<std::string> channel_from_toml(const std::filesystem::path& file, std::string_view content)
{
  const auto document = text::parse_toml_input(content, file);
  const auto* channel = document.at_path("toolchain.channel").node();
  if (channel == nullptr || !channel->is_string()) {
    // A `path` toolchain or only components: nothing to pass to rustup as +NAME.
    return std::nullopt;
  }
  return *channel->value<std::string>();
}

} // namespace

std::optional<ToolchainPin> find_toolchain_pin(const std::filesystem::path& book)
{
  std::error_code ec;
  auto folder = std::filesystem::absolute(book).lexically_normal();
  if (!std::filesystem::is_directory(folder, ec)) {
    folder = folder.parent_path();
  }
  while (true) {
    // rustup reads `rust-toolchain` first when a folder has both.
    for (const auto* name : {"rust-toolchain", "rust-toolchain.toml"}) {
      const auto file = folder / name;
      if (!std::filesystem::is_regular_file(file, ec)) {
        continue;
      }
      const auto content = text::read_file(file);
      std::optional<std::string> channel;
      if (content.find('[') != std::string::npos || std::string_view(name).ends_with(".toml")) {
        channel = channel_from_toml(file, content);
      } else {
        const auto lines = text::split_lines(content);
        channel = lines.empty() ? std::string() : std::string(text::trim(lines.front()));
      }
      if (!channel || channel->empty()) {
        return std::nullopt;
      }
      if (channel->find_first_of(" \t\n/") != std::string::npos) {
        throw InputError(file, 1, fmt::format("`{}` is not a toolchain name rustup knows", *channel));
      }
      return ToolchainPin{file, *channel};
    }
    if (!folder.has_parent_path() || folder.parent_path() == folder) {
      return std::nullopt;
    }
    folder = folder.parent_path();
  }
}

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

Options load_defaults(const std::filesystem::path& start)
{
  Options options;
  const auto config = find_config(start);
  const auto base = config ? config->parent_path() : std::filesystem::absolute(start);
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
    if (key == "book") {
      options.book = reader.path(node, key.str());
    } else if (key == "expected") {
      options.expected = reader.path(node, key.str());
    } else if (key == "build-dir") {
      options.build_dir = reader.path(node, key.str());
    } else if (key == "edition") {
      options.editions = reader.strings(node, "edition", "\"2021\" or [\"2021\", \"2024\"]");
      for (const auto& edition : options.editions) {
        if (const auto wrong = edition_problem(edition)) {
          reader.problem(node, *wrong);
        }
      }
    } else if (key == "toolchain") {
      options.toolchains = reader.strings(node, "toolchain", "\"stable\" or [\"stable\", \"nightly\"]");
    } else if (key == "timeout") {
      if (auto value = node.value<double>(); value && !timeout_problem(*value, GivenIn::config)) {
        options.timeout_seconds = *value;
      } else {
        reader.problem(node, *timeout_problem(0, GivenIn::config));
      }
    } else if (key == "jobs") {
      if (const auto* value = node.as_integer(); value != nullptr && !jobs_problem(value->get(), GivenIn::config)) {
        options.jobs = static_cast<int>(value->get());
      } else {
        reader.problem(node, *jobs_problem(0, GivenIn::config));
      }
    } else if (key == "merge") {
      if (auto value = node.value<bool>()) {
        options.merge = *value;
      } else {
        reader.problem(node, "`merge` must be true or false");
      }
    } else if (key == "registry") {
      const auto* table = node.as_table();
      if (table == nullptr) {
        reader.problem(node, "[registry] must be a table with `directory`");
        continue;
      }
      for (const auto& [field, value] : *table) {
        if (field == "directory") {
          options.registry_directory = reader.path(value, "registry.directory");
        } else {
          reader.problem(value, fmt::format("unknown field `registry.{}` (known: directory)", field.str()));
        }
      }
    } else if (key == "markdown") {
      options.markdown = read_markdown_table(node, *config, problems);
    } else if (key == "dependencies") {
      if (const auto* table = node.as_table()) {
        options.dependencies = reader.dependencies(*table);
      } else {
        reader.problem(node, "[dependencies] must be a table, as in Cargo.toml: tokio = \"1\"");
      }
    } else {
      problems.push_back({*config, static_cast<int>(key.source().begin.line),
                          fmt::format("unknown setting `{}` (known: book, expected, build-dir, edition, toolchain, "
                                      "timeout, jobs, merge, [registry], [dependencies], [markdown])",
                                      key.str())});
    }
  }
  if (!problems.empty()) {
    throw InputError(problems);
  }
  return options;
}

} // namespace snipcheck::app
