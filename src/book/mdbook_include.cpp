#include "book/mdbook_include.hpp"

#include "book/mdbook_links.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace snipcheck::book {

namespace {

namespace fs = std::filesystem;

// mdBook's MAX_LINK_NESTED_DEPTH: deeper nesting is a cycle in practice.
constexpr int max_depth = 10;

bool is_anchor_marker(std::string_view line)
{
  return anchor_start(line) || anchor_end(line);
}

SourceLine hidden(SourceLine line)
{
  line.text = "# " + line.text;
  return line;
}

// {{#playground file attrs}}: the file in a ```rust,attrs fence.
std::vector<SourceLine> playground_block(const Link& link, const SourceLine& at, const std::vector<SourceLine>& raw)
{
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

// The lines between `ANCHOR: name` and `ANCHOR_END: name` (other markers
// removed); with `keep_hidden` ({{#rustdoc_include}}), every anchored region
// and the rest as hidden lines. None when the anchor is not in the file.
std::optional<std::vector<SourceLine>> anchored_lines(const std::vector<SourceLine>& raw, const std::string& anchor,
                                                      bool keep_hidden)
{
  std::vector<SourceLine> selected;
  bool found = false;
  bool inside = false;
  for (const auto& line : raw) {
    if (inside) {
      if (const auto name = anchor_end(line.text)) {
        if (*name == anchor) {
          inside = false;
          if (!keep_hidden) {
            break; // {{#include}} takes the first anchored region only
          }
        }
      } else if (!anchor_start(line.text)) {
        selected.push_back(line);
      }
    } else if (const auto name = anchor_start(line.text)) {
      if (*name == anchor) {
        inside = true;
        found = true;
      }
    } else if (keep_hidden && !anchor_end(line.text)) {
      selected.push_back(hidden(line));
    }
  }
  if (!found) {
    return std::nullopt;
  }
  return selected;
}

// The lines in the range; with `keep_hidden`, the rest as hidden lines.
// Marker lines are removed from ranges too, as from anchored regions.
std::vector<SourceLine> lines_in_range(const std::vector<SourceLine>& raw, const LineRange& range, bool keep_hidden)
{
  std::vector<SourceLine> selected;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (is_anchor_marker(raw[i].text)) {
      continue;
    }
    if (range.contains(i)) {
      selected.push_back(raw[i]);
    } else if (keep_hidden) {
      selected.push_back(hidden(raw[i]));
    }
  }
  return selected;
}

class Expander
{
public:
  Expander(ExpandedText& out, std::vector<fs::path> roots)
    : m_out(out)
    , m_roots(std::move(roots))
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
  std::vector<SourceLine> lines_of(const fs::path& path, std::string_view content);

  ExpandedText& m_out;
  std::vector<fs::path> m_roots; // where includes may read from
};

std::vector<SourceLine> Expander::lines_of(const fs::path& path, std::string_view content)
{
  const int index = file_index(path);
  std::vector<SourceLine> lines;
  int number = 0;
  for (auto& text : text::split_lines(text::strip_utf8_bom(content))) {
    lines.push_back({std::move(text), index, ++number});
  }
  return lines;
}

std::vector<SourceLine> Expander::render(const Link& link, const SourceLine& at, const fs::path& base, int depth)
{
  if (link.kind == LinkKind::title) {
    return {};
  }
  const auto where = m_out.files[static_cast<std::size_t>(at.file_index)]; // a copy: lines_of may grow `files`
  if (depth >= max_depth) {
    m_out.problems.push_back({where, at.line,
                              fmt::format("`{}` is included more than {} levels deep; do the includes form a cycle?",
                                          link.path, max_depth)});
    return {};
  }
  const auto target = base / link.path;
  std::error_code ec;
  if (!fs::exists(target, ec)) {
    m_out.problems.push_back(
        {where, at.line,
         fmt::format("cannot include `{}`: no such file ({})", link.path, target.lexically_normal().string())});
    return {};
  }
  const auto included = read_included_file(target, m_roots);
  if (included.refusal) {
    m_out.problems.push_back({where, at.line, fmt::format("cannot include `{}`: {}", link.path, *included.refusal)});
    return {};
  }
  const auto raw = lines_of(target, included.text);
  if (link.kind == LinkKind::playground) {
    return playground_block(link, at, raw);
  }
  const bool keep_hidden = link.kind == LinkKind::rustdoc_include;
  if (!link.anchor) {
    return expand(lines_in_range(raw, link.range, keep_hidden), target.parent_path(), depth + 1);
  }
  auto selected = anchored_lines(raw, *link.anchor, keep_hidden);
  if (!selected) {
    m_out.problems.push_back({where, at.line,
                              fmt::format("anchor `{}` not found in `{}` (mark it with `// ANCHOR: {}` and "
                                          "`// ANCHOR_END: {}`)",
                                          *link.anchor, link.path, *link.anchor, *link.anchor)});
    return {};
  }
  return expand(*selected, target.parent_path(), depth + 1);
}

std::vector<SourceLine> Expander::expand(const std::vector<SourceLine>& lines, const fs::path& base, int depth)
{
  std::vector<SourceLine> out;
  for (const auto& line : lines) {
    if (line.text.find("{{") == std::string::npos) {
      out.push_back(line);
      continue;
    }
    const std::string_view text = line.text;
    SourceLine current{"", line.file_index, line.line};
    std::size_t begin = 0;
    while (const auto match = find_link(text, begin)) {
      current.text.append(text.substr(begin, match->begin - begin));
      begin = match->end;
      const auto written = text.substr(match->begin, match->end - match->begin);
      if (match->escaped) {
        current.text.append(written.substr(1)); // `\{{#include x}}` stays as written, unescaped
        continue;
      }
      const auto link = parse_link(match->type, match->rest);
      if (!link) {
        current.text.append(written);
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
    current.text.append(text.substr(begin));
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

ExpandedText expand_mdbook_links(std::string_view content, const std::filesystem::path& path,
                                 const ReadSettings& settings)
{
  auto chapter = unexpanded_text(content, path);
  ExpandedText result;
  result.files = {path};
  Expander expander(result, include_roots_for(settings, path));
  result.lines = expander.expand(chapter.lines, path.parent_path(), 0);
  return result;
}

} // namespace snipcheck::book
