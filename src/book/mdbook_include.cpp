#include "book/mdbook_include.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <regex>

namespace snipcheck::book {

namespace {

namespace fs = std::filesystem;

// mdBook's MAX_LINK_NESTED_DEPTH: deeper nesting is a cycle in practice.
constexpr int max_depth = 10;

enum class LinkKind { include, rustdoc_include, playground, title };

// Lines [begin, end) of the file, 0-based as in mdBook; no end: to the end.
struct LineRange
{
  std::size_t begin = 0;
  std::optional<std::size_t> end;

  bool contains(std::size_t index) const { return index >= begin && (!end || index < *end); }
};

struct Link
{
  LinkKind kind = LinkKind::include;
  std::string path;
  std::optional<std::string> anchor; // else `range`
  LineRange range;
  std::vector<std::string> properties; // playground attributes
};

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

std::optional<Link> parse_link(const std::string& type, const std::string& rest)
{
  std::vector<std::string> words;
  std::string word;
  for (const char c : rest + " ") {
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

// `ANCHOR: name` / `ANCHOR_END: name` marker lines, as mdBook's anchor regexes read them.
bool is_anchor(const std::string& line, const std::regex& pattern, std::string* name)
{
  std::smatch match;
  if (!std::regex_search(line, match, pattern)) {
    return false;
  }
  if (name != nullptr) {
    *name = match[1].str();
  }
  return true;
}

bool is_anchor_start(const std::string& line, std::string* name = nullptr)
{
  static const std::regex pattern(R"(ANCHOR:\s*([\w_-]+))");
  return is_anchor(line, pattern, name);
}

bool is_anchor_end(const std::string& line, std::string* name = nullptr)
{
  static const std::regex pattern(R"(ANCHOR_END:\s*([\w_-]+))");
  return is_anchor(line, pattern, name);
}

bool is_anchor_marker(const std::string& line)
{
  return is_anchor_start(line) || is_anchor_end(line);
}

SourceLine hidden(SourceLine line)
{
  line.text = "# " + line.text;
  return line;
}

class Expander
{
public:
  explicit Expander(ExpandedText& out)
    : m_out(out)
  {}

  int file_index(const fs::path& path)
  {
    const auto normal = path.lexically_normal();
    const auto found = std::find(m_out.files.begin(), m_out.files.end(), normal);
    if (found != m_out.files.end()) {
      return static_cast<int>(found - m_out.files.begin());
    }
    m_out.files.push_back(normal);
    return static_cast<int>(m_out.files.size()) - 1;
  }

  std::vector<SourceLine> expand(const std::vector<SourceLine>& lines, const fs::path& base, int depth);

private:
  std::vector<SourceLine> render(const Link& link, const SourceLine& at, const fs::path& base, int depth);
  std::vector<SourceLine> read_lines(const fs::path& path);

  ExpandedText& m_out;
};

std::vector<SourceLine> Expander::read_lines(const fs::path& path)
{
  const int index = file_index(path);
  std::vector<SourceLine> lines;
  int number = 0;
  for (auto& text : text::split_lines(text::strip_utf8_bom(text::read_file(path)))) {
    lines.push_back({std::move(text), index, ++number});
  }
  return lines;
}

std::vector<SourceLine> Expander::render(const Link& link, const SourceLine& at, const fs::path& base, int depth)
{
  if (link.kind == LinkKind::title) {
    return {};
  }
  const auto where = m_out.files[static_cast<std::size_t>(at.file_index)]; // a copy: read_lines may grow `files`
  if (depth >= max_depth) {
    m_out.problems.push_back({where, at.line,
                              fmt::format("`{}` is included more than {} levels deep; do the includes form a cycle?",
                                          link.path, max_depth)});
    return {};
  }
  const auto target = base / link.path;
  std::error_code ec;
  if (!fs::is_regular_file(target, ec)) {
    m_out.problems.push_back(
        {where, at.line,
         fmt::format("cannot include `{}`: no such file ({})", link.path, target.lexically_normal().string())});
    return {};
  }
  const auto raw = read_lines(target);

  if (link.kind == LinkKind::playground) {
    auto fence = at;
    fence.text = link.properties.empty() ? "```rust" : "```rust," + fmt::format("{}", fmt::join(link.properties, ","));
    std::vector<SourceLine> result{fence};
    result.insert(result.end(), raw.begin(), raw.end());
    fence.text = "```";
    result.push_back(fence);
    fence.text.clear();
    result.push_back(fence);
    return result;
  }

  std::vector<SourceLine> selected;
  const bool keep_hidden = link.kind == LinkKind::rustdoc_include;
  if (link.anchor) {
    bool found = false;
    bool inside = false;
    for (const auto& line : raw) {
      std::string name;
      if (inside) {
        if (is_anchor_end(line.text, &name)) {
          if (name == *link.anchor) {
            inside = false;
            if (!keep_hidden) {
              break; // {{#include}} takes the first anchored region only
            }
          }
        } else if (!is_anchor_start(line.text)) {
          selected.push_back(line);
        }
      } else if (is_anchor_start(line.text, &name)) {
        if (name == *link.anchor) {
          inside = true;
          found = true;
        }
      } else if (keep_hidden && !is_anchor_end(line.text)) {
        selected.push_back(hidden(line));
      }
    }
    if (!found) {
      m_out.problems.push_back({where, at.line,
                                fmt::format("anchor `{}` not found in `{}` (mark it with `// ANCHOR: {}` and "
                                            "`// ANCHOR_END: {}`)",
                                            *link.anchor, link.path, *link.anchor, *link.anchor)});
      return {};
    }
  } else {
    for (std::size_t i = 0; i < raw.size(); ++i) {
      // Marker lines are removed from ranges too, as from anchored regions.
      if (is_anchor_marker(raw[i].text)) {
        continue;
      }
      if (link.range.contains(i)) {
        selected.push_back(raw[i]);
      } else if (keep_hidden) {
        selected.push_back(hidden(raw[i]));
      }
    }
  }
  return expand(selected, target.parent_path(), depth + 1);
}

std::vector<SourceLine> Expander::expand(const std::vector<SourceLine>& lines, const fs::path& base, int depth)
{
  // mdBook's LINK regex: an escaped link, or {{#type path props}}.
  static const std::regex pattern(R"(\\\{\{#.*\}\}|\{\{\s*#([a-zA-Z0-9_]+)\s+([^}]+)\}\})");
  std::vector<SourceLine> out;
  for (const auto& line : lines) {
    if (line.text.find("{{") == std::string::npos) {
      out.push_back(line);
      continue;
    }
    SourceLine current{"", line.file_index, line.line};
    auto begin = line.text.cbegin();
    std::smatch match;
    while (std::regex_search(begin, line.text.cend(), match, pattern)) {
      current.text.append(begin, match[0].first);
      begin = match[0].second;
      if (!match[1].matched) {
        current.text += match.str(0).substr(1); // `\{{#include x}}` stays as written, unescaped
        continue;
      }
      const auto link = parse_link(match.str(1), match.str(2));
      if (!link) {
        current.text += match.str(0);
        continue;
      }
      auto content = render(*link, line, base, depth);
      if (content.empty()) {
        continue;
      }
      // The first included line joins the text before the link, the last the
      // text after it, as mdBook's plain string replacement does.
      current.text += content.front().text;
      current.file_index = content.front().file_index;
      current.line = content.front().line;
      for (std::size_t i = 1; i < content.size(); ++i) {
        out.push_back(std::move(current));
        current = std::move(content[i]);
      }
    }
    current.text.append(begin, line.text.cend());
    out.push_back(std::move(current));
  }
  return out;
}

} // namespace

std::string ExpandedText::joined() const
{
  std::string text;
  for (const auto& line : lines) {
    text += line.text;
    text += '\n';
  }
  // md4c ends a line at a lone '\r' too; one line per '\n' keeps offsets and lines in step.
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

ExpandedText unexpanded_text(std::string_view content, const std::filesystem::path& path)
{
  ExpandedText result;
  result.files = {path};
  int number = 0;
  for (auto& text : text::split_lines(content)) {
    result.lines.push_back({std::move(text), 0, ++number});
  }
  return result;
}

ExpandedText expand_mdbook_links(std::string_view content, const std::filesystem::path& path)
{
  auto chapter = unexpanded_text(content, path);
  ExpandedText result;
  result.files = {path};
  Expander expander(result);
  result.lines = expander.expand(chapter.lines, path.parent_path(), 0);
  return result;
}

} // namespace snipcheck::book
