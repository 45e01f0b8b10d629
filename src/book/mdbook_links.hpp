#pragma once
// The syntax of mdBook's preprocessor links and anchors, scanned as
// mdBook's regexes in src/preprocess/links.rs and src/utils/string.rs read
// them: {{#include file:2:5}}, an escaped \{{#include ...}}, and
// `ANCHOR: name` / `ANCHOR_END: name` marker lines. book/mdbook_include.hpp
// expands them.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::book {

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

// Where a link stands on a line, as mdBook's LINK regex
// `\\\{\{#.*\}\}|\{\{\s*#([a-zA-Z0-9_]+)\s+([^}]+)\}\}` finds it.
struct LinkMatch
{
  std::size_t begin = 0; // of the whole match
  std::size_t end = 0;   // past it
  bool escaped = false;  // `\{{#...}}`: stays as written, less the backslash
  std::string_view type; // "include"; empty when escaped
  std::string_view rest; // "file.rs:2:5"; empty when escaped
};

// The first link on `line` at or after `from`.
std::optional<LinkMatch> find_link(std::string_view line, std::size_t from = 0);

// The link a match names; none for an unknown type or a link without a path.
std::optional<Link> parse_link(std::string_view type, std::string_view rest);

// The name in the first `ANCHOR: name` / `ANCHOR_END: name` on the line
// (name: letters, digits, `_`, `-`).
std::optional<std::string_view> anchor_start(std::string_view line);
std::optional<std::string_view> anchor_end(std::string_view line);

} // namespace snipcheck::book
