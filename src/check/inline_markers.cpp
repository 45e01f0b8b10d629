// The errors a book claims inside a listing: compiletest's `//~ ERROR E0106`
// (with `^` carets pointing at lines above), and in plain text and LaTeX,
// `// Error!` or `// ERROR:` after code.
#include "check/expectation.hpp"

#include "util/text.hpp"

#include <algorithm>

namespace snipcheck::check {

namespace {

// Scanned by hand, not with std::regex: libstdc++'s regex executor recurses
// once per character it matches and overflows the stack on long lines
// (fuzzing found it with a 1 MB listing line).

using text::is_word_char;
using text::skip_spaces;

bool is_error_number(std::string_view code) // E\d{4}
{
  return code.size() == 5 && code[0] == 'E' &&
         std::all_of(code.begin() + 1, code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `word` at `pos`, ending at a word boundary.
bool word_at(std::string_view text, std::size_t pos, std::string_view word)
{
  const auto end = pos + word.size();
  return text.substr(pos).starts_with(word) && (end == text.size() || !is_word_char(text[end]));
}

// `//~^^ ERROR E0106` (compiletest): the first such marker on the line, as
// //~(\^*)\s*ERROR\b\s*(E\d{4})? would find it.
std::optional<InlineMarker> compiletest_marker(std::string_view line, int listing_line)
{
  for (auto at = line.find("//~"); at != std::string_view::npos; at = line.find("//~", at + 1)) {
    auto pos = at + 3;
    int carets = 0;
    while (pos < line.size() && line[pos] == '^') {
      ++carets;
      ++pos;
    }
    pos = skip_spaces(line, pos);
    if (!word_at(line, pos, "ERROR")) {
      continue;
    }
    pos = skip_spaces(line, pos + 5);
    InlineMarker marker{listing_line - carets, std::nullopt};
    if (const auto code = line.substr(pos, 5); is_error_number(code)) {
      marker.code = std::string(code);
    }
    return marker;
  }
  return std::nullopt;
}

// Where `// Error!` (or `// error:`, `// ERROR`) starts on the line, if anywhere.
// The word must be followed by `!` or `:` so a comment such as "// Error
// handling below" stays a comment.
std::optional<std::size_t> error_comment_position(std::string_view line)
{
  for (auto at = line.find("//"); at != std::string_view::npos; at = line.find("//", at + 1)) {
    const auto pos = skip_spaces(line, at + 2);
    if (word_at(line, pos, "Error") || word_at(line, pos, "ERROR") || word_at(line, pos, "error")) {
      const auto after = pos + 5;
      if (after < line.size() && (line[after] == '!' || line[after] == ':')) {
        return at;
      }
    }
  }
  return std::nullopt;
}

} // namespace

std::vector<InlineMarker> find_inline_markers(const book::Listing& listing, book::Format format)
{
  std::vector<InlineMarker> markers;
  for (std::size_t k = 0; k < listing.lines.size(); ++k) {
    const std::string_view line = listing.lines[k].text;
    const int listing_line = static_cast<int>(k) + 1;
    if (auto marker = compiletest_marker(line, listing_line)) {
      markers.push_back(*marker);
      continue;
    }
    if (format == book::Format::markdown) {
      continue;
    }
    // `// Error!` after code claims an error there; on a commented-out line it claims nothing.
    if (const auto position = error_comment_position(line)) {
      const auto before = text::trim(line.substr(0, *position));
      if (!before.empty() && !before.starts_with("//")) {
        markers.push_back({listing_line, std::nullopt});
      }
    }
  }
  return markers;
}

} // namespace snipcheck::check
