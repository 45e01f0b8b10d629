#include "util/edition.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace snipcheck::util {
namespace {

constexpr std::array<std::pair<Edition, std::string_view>, 4> editions{{
    {Edition::e2015, "2015"},
    {Edition::e2018, "2018"},
    {Edition::e2021, "2021"},
    {Edition::e2024, "2024"},
}};

} // namespace

std::optional<Edition> parse_edition(std::string_view year)
{
  for (const auto& [edition, name] : editions) {
    if (name == year) {
      return edition;
    }
  }
  return std::nullopt;
}

std::string_view edition_name(Edition edition)
{
  return editions.at(static_cast<std::size_t>(edition)).second;
}

bool is_edition(std::string_view year)
{
  return parse_edition(year).has_value();
}

std::string known_editions_text(std::string_view quote)
{
  std::string text;
  for (std::size_t i = 0; i < editions.size(); ++i) {
    if (i > 0) {
      text += i + 1 == editions.size() ? " or " : ", ";
    }
    text += fmt::format("{0}{1}{0}", quote, editions[i].second);
  }
  return text;
}

std::string unknown_edition_message(std::string_view given)
{
  return fmt::format("unknown edition `{}` (use {})", given, known_editions_text());
}

} // namespace snipcheck::util
