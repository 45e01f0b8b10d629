#include "book/latex_syntax.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cctype>

namespace snipcheck::book::latex {

std::string lowercase(std::string_view text)
{
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::string_view without_comment(std::string_view line)
{
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == '%') {
      return line.substr(0, i);
    }
  }
  return line;
}

std::optional<std::string> read_group(const std::vector<std::string>& lines, std::size_t& line, std::size_t& pos,
                                      char open, char close)
{
  if (line >= lines.size() || pos >= lines[line].size() || lines[line][pos] != open) {
    return std::nullopt;
  }
  const auto start_line = line;
  const auto start_pos = pos;
  std::string contents;
  int depth = 0;
  bool first = true;
  while (line < lines.size()) {
    const auto text = without_comment(lines[line]);
    for (; pos < text.size(); ++pos) {
      const char c = text[pos];
      if (first) {
        first = false;
        depth = 1;
        continue;
      }
      if (c == '\\' && pos + 1 < text.size()) {
        contents += c;
        contents += text[++pos];
        continue;
      }
      if (c == '{' || (c == open && open != '{')) {
        ++depth;
      } else if (c == '}' || c == close) {
        if (--depth == 0 && c == close) {
          ++pos;
          return contents;
        }
      }
      contents += c;
    }
    ++line;
    pos = 0;
    contents += ' ';
  }
  line = start_line; // never closed: nothing consumed
  pos = start_pos;
  return std::nullopt;
}

std::map<std::string, std::string> key_values(std::string_view options)
{
  std::map<std::string, std::string> result;
  std::string current;
  int depth = 0;
  auto flush = [&] {
    const auto equals = current.find('=');
    auto key = lowercase(text::trim(std::string_view(current).substr(0, equals)));
    std::string value;
    if (equals != std::string::npos) {
      value = std::string(text::trim(std::string_view(current).substr(equals + 1)));
      if (value.size() >= 2 && value.front() == '{' && value.back() == '}') {
        value = std::string(text::trim(std::string_view(value).substr(1, value.size() - 2)));
      }
    }
    if (!key.empty()) {
      result[key] = value;
    }
    current.clear();
  };
  for (const char c : options) {
    if (c == '{') {
      ++depth;
    } else if (c == '}') {
      --depth;
    }
    if (c == ',' && depth == 0) {
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return result;
}

std::string language_name(std::string value)
{
  if (value.starts_with('[')) {
    const auto close = value.find(']');
    value = close == std::string::npos ? "" : value.substr(close + 1);
  }
  return std::string(text::trim(value));
}

namespace {

constexpr std::string_view command_names[] = {
    "chapter", "section", "subsection", "lstset", "lstdefinestyle", "lstinputlisting", "inputminted", "begin",
};

bool is_ascii_letter(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

} // namespace

std::optional<Command> find_command(std::string_view line, std::size_t from)
{
  for (auto at = line.find('\\', from); at != std::string_view::npos; at = line.find('\\', at + 1)) {
    const auto rest = line.substr(at + 1);
    for (const auto name : command_names) {
      // No name is a prefix of another, so at most one can match here.
      if (!rest.starts_with(name) || (rest.size() > name.size() && is_ascii_letter(rest[name.size()]))) {
        continue;
      }
      const bool starred = rest.size() > name.size() && rest[name.size()] == '*';
      return Command{at, at + 1 + name.size() + (starred ? 1 : 0), name, starred};
    }
  }
  return std::nullopt;
}

bool is_small_number(std::string_view text)
{
  return !text.empty() && text.size() <= 6 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace snipcheck::book::latex
