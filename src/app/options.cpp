#include "app/options.hpp"

#include "app/markdown_options.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"
#include "util/toml_input.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

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

} // namespace

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
  const auto path_field = [&](const toml::node& node, std::string_view key) -> std::filesystem::path {
    if (auto value = node.value<std::string>()) {
      // Shown as the user would type it from here: relative when inside the current folder.
      const auto path = base / *value;
      const auto relative = std::filesystem::proximate(path);
      return relative.string().starts_with("..") ? path : relative;
    }
    problems.push_back(
        {*config, static_cast<int>(node.source().begin.line), fmt::format("`{}` must be a path string", key)});
    return {};
  };
  for (const auto& [key, node] : document) {
    const auto line = static_cast<int>(key.source().begin.line);
    if (key == "book") {
      options.book = path_field(node, key.str());
    } else if (key == "expected") {
      options.expected = path_field(node, key.str());
    } else if (key == "build-dir") {
      options.build_dir = path_field(node, key.str());
    } else if (key == "edition") {
      if (auto value = node.value<std::string>()) {
        options.editions = {*value};
      } else {
        problems.push_back({*config, line, "`edition` must be a string like \"2021\""});
      }
    } else if (key == "timeout") {
      if (auto value = node.value<double>(); value && *value > 0 && *value < 86400) {
        options.timeout_seconds = *value;
      } else {
        problems.push_back({*config, line, "`timeout` must be a number of seconds, above 0 and below a day"});
      }
    } else if (key == "jobs") {
      if (const auto* value = node.as_integer(); value != nullptr && value->get() > 0 && value->get() < 10000) {
        options.jobs = static_cast<int>(value->get());
      } else {
        problems.push_back({*config, line, "`jobs` must be a whole number from 1 to 9999"});
      }
    } else if (key == "registry") {
      const auto* table = node.as_table();
      if (table == nullptr) {
        problems.push_back({*config, line, "[registry] must be a table with `directory`"});
        continue;
      }
      for (const auto& [field, value] : *table) {
        if (field == "directory") {
          options.registry_directory = path_field(value, "registry.directory");
        } else {
          problems.push_back({*config, static_cast<int>(field.source().begin.line),
                              fmt::format("unknown field `registry.{}` (known: directory)", field.str())});
        }
      }
    } else if (key == "markdown") {
      options.markdown = read_markdown_table(node, *config, problems);
    } else {
      problems.push_back({*config, line,
                          fmt::format("unknown setting `{}` (known: book, expected, build-dir, edition, timeout, "
                                      "jobs, [registry])",
                                      key.str())});
    }
  }
  if (!problems.empty()) {
    throw InputError(problems);
  }
  return options;
}

} // namespace snipcheck::app
