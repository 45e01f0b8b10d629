#include "book/markdown_headings.hpp"

#include "util/text.hpp"

#include <algorithm>

namespace snipcheck::book {

// Scanned by hand, not with std::regex: libstdc++'s regex executor recurses
// once per character it matches and overflows the stack on a long title.

namespace {

bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

std::size_t digits_at(std::string_view text, std::size_t pos)
{
  std::size_t end = pos;
  while (end < text.size() && is_digit(text[end])) {
    ++end;
  }
  return end - pos;
}

int number_at(std::string_view text, std::size_t pos, std::size_t digits)
{
  int number = 0;
  for (std::size_t k = pos; k < pos + digits; ++k) {
    number = number * 10 + (text[k] - '0');
  }
  return number;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view lowercase_word)
{
  return text.size() >= lowercase_word.size() &&
         std::equal(lowercase_word.begin(), lowercase_word.end(), text.begin(),
                    [](char word, char c) { return word == (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
}

} // namespace

std::optional<int> chapter_number_in_title(std::string_view title)
{
  std::size_t pos = 0;
  if (starts_with_ignoring_case(title, "chapter")) {
    pos = text::skip_spaces(title, 7);
    if (pos == 7) {
      return std::nullopt; // "chapters", "chapter3"
    }
  }
  const auto digits = digits_at(title, pos);
  if (digits == 0 || digits > 3) {
    return std::nullopt;
  }
  const auto end = pos + digits;
  if (end < title.size() && title[end] != '.' && title[end] != ':' && title[end] != ')' &&
      !text::is_space(title[end])) {
    return std::nullopt;
  }
  return number_at(title, pos, digits);
}

std::optional<std::vector<int>> section_number_in_title(std::string_view title)
{
  std::vector<int> components;
  std::size_t pos = 0;
  while (true) {
    const auto digits = digits_at(title, pos);
    if (digits == 0 || digits > 3) {
      return std::nullopt;
    }
    components.push_back(number_at(title, pos, digits));
    pos += digits;
    if (pos + 1 < title.size() && title[pos] == '.' && is_digit(title[pos + 1])) {
      ++pos;
      continue;
    }
    break;
  }
  if (components.size() < 2) {
    return std::nullopt;
  }
  if (pos < title.size() && title[pos] == '.') {
    ++pos;
  }
  if (pos < title.size() && !text::is_space(title[pos])) {
    return std::nullopt;
  }
  return components;
}

} // namespace snipcheck::book
