#include "book/mdbook_links.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cctype>

namespace snipcheck::book {

// Scanned by hand, not with std::regex: libstdc++'s regex executor recurses
// once per character it matches and overflows the stack on a long line of a
// chapter or an included file.

namespace {

std::optional<std::size_t> parse_number(std::string_view text)
{
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(std::stoul(std::string(text)));
}

// mdBook's parse_range_or_anchor: "N" is line N only, "N:M" lines N to M,
// "N:" from N, ":M" up to M, a non-number an anchor (1-based, inclusive).
void parse_range_or_anchor(std::string_view spec, Link& link)
{
  std::vector<std::string_view> parts;
  for (int i = 0; i < 2; ++i) {
    const auto colon = spec.find(':');
    if (colon == std::string_view::npos) {
      break;
    }
    parts.push_back(spec.substr(0, colon));
    spec.remove_prefix(colon + 1);
  }
  parts.push_back(spec);
  const auto first = parts[0];
  std::optional<std::size_t> begin;
  if (auto number = parse_number(first)) {
    begin = *number == 0 ? 0 : *number - 1;
  } else if (!first.empty()) {
    link.anchor = std::string(first);
    return;
  }
  std::optional<std::optional<std::size_t>> end; // absent / unparsable / number
  if (parts.size() > 1) {
    end = parse_number(parts[1]);
  }
  if (begin) {
    link.range.begin = *begin;
    if (!end) {
      link.range.end = *begin + 1;
    } else if (*end) {
      link.range.end = **end;
    }
  } else if (end && *end) {
    link.range.end = **end;
  }
}

bool is_link_type_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The first of `chars` at or after a position, remembered while positions
// grow, so that scanning a long line for links stays linear.
class ForwardFind
{
public:
  ForwardFind(std::string_view text, std::string_view chars)
    : m_text(text)
    , m_chars(chars)
  {}

  std::size_t at_or_after(std::size_t pos)
  {
    if (!m_searched || pos < m_from || (m_found != std::string_view::npos && m_found < pos)) {
      m_from = pos;
      m_found = m_text.find_first_of(m_chars, pos);
      m_searched = true;
    }
    return m_found;
  }

private:
  std::string_view m_text;
  std::string_view m_chars;
  bool m_searched = false;
  std::size_t m_from = 0;
  std::size_t m_found = std::string_view::npos;
};

class LinkFinder
{
public:
  explicit LinkFinder(std::string_view line)
    : m_line(line)
    , m_line_break(line, "\r\n")
    , m_brace(line, "}")
  {}

  // `\{{#.*}}` at `at`: `.` stops at a line break, `.*` runs to the last `}}` before it.
  std::optional<LinkMatch> escaped_link_at(std::size_t at)
  {
    if (!m_line.substr(at).starts_with("\\{{#")) {
      return std::nullopt;
    }
    const auto body = at + 4;
    const auto stop = std::min(m_line_break.at_or_after(body), m_line.size());
    if (stop != m_stop) {
      // The last `}}` of this stretch without line breaks; later starts in it share it.
      m_stop = stop;
      const auto found = m_line.substr(at, stop - at).rfind("}}");
      m_last_close = found == std::string_view::npos ? found : at + found;
    }
    if (m_last_close == std::string_view::npos || m_last_close < body) {
      return std::nullopt;
    }
    return LinkMatch{at, m_last_close + 2, true, {}, {}};
  }

  // `{{\s*#type\s+rest}}` at `at`: `rest` is anything but `}` and is not
  // empty (after several blanks, the last blank may be all of it).
  std::optional<LinkMatch> link_at(std::size_t at)
  {
    if (!m_line.substr(at).starts_with("{{")) {
      return std::nullopt;
    }
    auto pos = text::skip_spaces(m_line, at + 2);
    if (pos >= m_line.size() || m_line[pos] != '#') {
      return std::nullopt;
    }
    const auto type_begin = ++pos;
    while (pos < m_line.size() && is_link_type_char(m_line[pos])) {
      ++pos;
    }
    const auto type_end = pos;
    pos = text::skip_spaces(m_line, pos);
    if (type_end == type_begin || pos == type_end) {
      return std::nullopt;
    }
    const auto close = m_brace.at_or_after(pos);
    auto rest_begin = pos;
    if (close == pos || pos == m_line.size()) {
      if (pos - type_end < 2) {
        return std::nullopt;
      }
      rest_begin = pos - 1;
    }
    if (close == std::string_view::npos || close + 1 >= m_line.size() || m_line[close + 1] != '}') {
      return std::nullopt;
    }
    return LinkMatch{at, close + 2, false, m_line.substr(type_begin, type_end - type_begin),
                     m_line.substr(rest_begin, close - rest_begin)};
  }

private:
  std::string_view m_line;
  ForwardFind m_line_break;
  ForwardFind m_brace;
  std::size_t m_stop = std::string_view::npos;
  std::size_t m_last_close = std::string_view::npos;
};

std::optional<std::string_view> anchor_named(std::string_view line, std::string_view marker)
{
  for (auto at = line.find(marker); at != std::string_view::npos; at = line.find(marker, at + 1)) {
    const auto begin = text::skip_spaces(line, at + marker.size());
    auto end = begin;
    while (end < line.size() && (text::is_word_char(line[end]) || line[end] == '-')) {
      ++end;
    }
    if (end > begin) {
      return line.substr(begin, end - begin);
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<LinkMatch> find_link(std::string_view line, std::size_t from)
{
  LinkFinder finder(line);
  for (auto at = from; at < line.size(); ++at) {
    if (line[at] == '\\') {
      if (auto match = finder.escaped_link_at(at)) {
        return match;
      }
    } else if (line[at] == '{') {
      if (auto match = finder.link_at(at)) {
        return match;
      }
    }
  }
  return std::nullopt;
}

std::optional<Link> parse_link(std::string_view type, std::string_view rest)
{
  std::vector<std::string> words;
  std::string word;
  for (const char c : std::string(rest) + " ") {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      if (!word.empty()) {
        words.push_back(std::move(word));
        word.clear();
      }
    } else {
      word += c;
    }
  }
  Link link;
  if (type == "title") {
    link.kind = LinkKind::title;
    return link;
  }
  if (words.empty()) {
    return std::nullopt;
  }
  if (type == "include" || type == "rustdoc_include") {
    link.kind = type == "include" ? LinkKind::include : LinkKind::rustdoc_include;
    const auto colon = words[0].find(':');
    link.path = words[0].substr(0, colon);
    if (colon != std::string::npos) {
      parse_range_or_anchor(std::string_view(words[0]).substr(colon + 1), link);
    }
    return link;
  }
  if (type == "playground" || type == "playpen") {
    link.kind = LinkKind::playground;
    link.path = words[0];
    link.properties.assign(words.begin() + 1, words.end());
    return link;
  }
  return std::nullopt;
}

std::optional<std::string_view> anchor_start(std::string_view line)
{
  return anchor_named(line, "ANCHOR:");
}

std::optional<std::string_view> anchor_end(std::string_view line)
{
  return anchor_named(line, "ANCHOR_END:");
}

} // namespace snipcheck::book
