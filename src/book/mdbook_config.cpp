#include "book/mdbook_config.hpp"

#include "util/edition.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"
#include "util/toml_input.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

namespace snipcheck::book {

MdbookConfig read_mdbook_config(const std::filesystem::path& book_toml)
{
  const auto content = text::read_file(book_toml);
  const auto document = text::parse_toml_input(content, book_toml);
  MdbookConfig config;
  if (const auto* node = document.at_path("book.src").node()) {
    const auto value = node->value<std::string>();
    if (!value) {
      throw InputError(book_toml, static_cast<int>(node->source().begin.line), "`book.src` must be a string");
    }
    config.source_folder = *value;
  }
  if (const auto* node = document.at_path("rust.edition").node()) {
    const auto value = node->value<std::string>();
    if (!value || !util::is_edition(*value)) {
      throw InputError(book_toml, static_cast<int>(node->source().begin.line),
                       fmt::format("`rust.edition` must be {}", util::known_editions_text("\"")));
    }
    config.edition = *value;
  }
  if (const auto* node = document.at_path("build.create-missing").node()) {
    const auto value = node->value<bool>();
    if (!value) {
      throw InputError(book_toml, static_cast<int>(node->source().begin.line),
                       "`build.create-missing` must be true or false");
    }
    config.create_missing = *value;
  }
  return config;
}

} // namespace snipcheck::book
