#include "app/markdown_options.hpp"

#include <fmt/format.h>

namespace snipcheck::app {

check::MarkdownSettings read_markdown_table(const toml::node& node, const std::filesystem::path& config,
                                            std::vector<InputProblem>& problems)
{
  check::MarkdownSettings settings;
  const auto problem = [&](const toml::node& where, std::string message) {
    problems.push_back({config, static_cast<int>(where.source().begin.line), std::move(message)});
  };
  const auto* table = node.as_table();
  if (table == nullptr) {
    problem(node, "[markdown] must be a table with `claims` and `output-blocks`");
    return settings;
  }
  for (const auto& [key, value] : *table) {
    if (key == "claims") {
      const auto* claims = value.as_table();
      if (claims == nullptr) {
        problem(value, "`markdown.claims` must map fence tokens to outcomes, like "
                       "{ does_not_compile = \"compile-fail\", panics = \"run-fail\" }");
        continue;
      }
      for (const auto& [token, outcome_node] : *claims) {
        const auto name = outcome_node.value<std::string>();
        const auto outcome = name ? check::parse_outcome(*name) : std::nullopt;
        if (!outcome || *outcome == check::Outcome::skip || *outcome == check::Outcome::not_rust) {
          problem(outcome_node, fmt::format("`markdown.claims.{}` must be \"compile\", \"compile-fail\", \"run\" or "
                                            "\"run-fail\"",
                                            token.str()));
          continue;
        }
        settings.claims.emplace(std::string(token.str()), *outcome);
      }
    } else if (key == "output-blocks") {
      const auto* names = value.as_array();
      if (names == nullptr) {
        problem(value, "`markdown.output-blocks` must be an array of info strings, like [\"text\", \"console\"]");
        continue;
      }
      for (const auto& name : *names) {
        if (auto text = name.value<std::string>(); text && !text->empty()) {
          settings.output_blocks.push_back(*text);
        } else {
          problem(name, "`markdown.output-blocks` entries must be non-empty strings");
        }
      }
    } else {
      problem(value, fmt::format("unknown setting `markdown.{}` (known: claims, output-blocks)", key.str()));
    }
  }
  return settings;
}

} // namespace snipcheck::app
