#include "util/toml_input.hpp"

#include "util/errors.hpp"

#include <fmt/format.h>

namespace snipcheck::text {

toml::table parse_toml_input(std::string_view content, const std::filesystem::path& path, std::string_view what)
{
  try {
    return toml::parse(content, path.string());
  } catch (const toml::parse_error& error) {
    throw InputError(path, static_cast<int>(error.source().begin.line),
                     fmt::format("{}: {}", what, error.description()));
  }
}

} // namespace snipcheck::text
