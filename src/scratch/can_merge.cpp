// Which listings may share a merged target (rustdoc's merged doctests): a
// scan of the compiled source for what changes meaning in a shared crate or binary.
#include "scratch/workspace.hpp"

#include "scratch/doctest_layout.hpp"

#include "util/text.hpp"

#include <array>
#include <cctype>
#include <string_view>

namespace snipcheck::scratch {

namespace {

bool is_identifier_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// Whether `word` occurs in `line` as a whole identifier-ish token.
bool has_word(std::string_view line, std::string_view word)
{
  for (auto pos = line.find(word); pos != std::string_view::npos; pos = line.find(word, pos + 1)) {
    const bool starts = pos == 0 || !is_identifier_char(line[pos - 1]);
    const auto end = pos + word.size();
    const bool ends = end >= line.size() || !is_identifier_char(line[end]) || !is_identifier_char(word.back());
    if (starts && ends) {
      return true;
    }
  }
  return false;
}

// `extern "C" {` or `unsafe extern {` (brace maybe on the next line): a
// block of foreign items. A call into one that nothing defines fails at link
// time, with no span to tell which member of a batch made the call.
bool declares_foreign_items(std::string_view line)
{
  if (line.starts_with("unsafe ")) {
    line = text::trim(line.substr(7));
  }
  if (!line.starts_with("extern") || (line.size() > 6 && is_identifier_char(line[6]))) {
    return false;
  }
  auto rest = text::trim(line.substr(6));
  if (rest.starts_with('"')) {
    const auto close = rest.find('"', 1);
    rest = close == std::string_view::npos ? std::string_view() : text::trim(rest.substr(close + 1));
  }
  return rest.empty() || rest.starts_with('{');
}

} // namespace

bool can_merge(const ScratchSource& source)
{
  // Each changes meaning, collides, or reads its own place once in a shared crate or binary.
  static constexpr std::array<std::string_view, 24> binary_wide{"macro_export",
                                                                "crate::",
                                                                "$crate",
                                                                "no_mangle",
                                                                "export_name",
                                                                "link_section",
                                                                "link_name",
                                                                "#[used",
                                                                "#[link",
                                                                "global_allocator",
                                                                "panic_handler",
                                                                "alloc_error_handler",
                                                                "linkage",
                                                                "extern crate",
                                                                "file!",
                                                                "line!",
                                                                "column!",
                                                                "module_path!",
                                                                "type_name",
                                                                "env::args",
                                                                "args_os",
                                                                "current_exe",
                                                                "Location::caller",
                                                                "track_caller"};
  if (starts_with_shebang(source.text)) {
    return false; // a shebang is only one on a crate's first line
  }
  const auto lines = text::split_lines(source.text);
  for (std::size_t k = 1; k < lines.size(); ++k) { // line 1 is the synthetic #![allow(unused)]
    const auto trimmed = text::trim(lines[k]);
    // Lint levels are fine as a module's inner attributes; crate-level ones (feature, no_std) are not.
    const bool lint_level = trimmed.starts_with("#![allow(") || trimmed.starts_with("#![warn(") ||
                            trimmed.starts_with("#![deny(") || trimmed.starts_with("#![forbid(") ||
                            trimmed.starts_with("#![expect(");
    if (trimmed.starts_with("#![") && !lint_level) {
      return false;
    }
    for (const auto word : binary_wide) {
      if (has_word(trimmed, word)) {
        return false;
      }
    }
    if (declares_foreign_items(trimmed)) {
      return false;
    }
    // `mod name;` reads a file whose path depends on where the module sits.
    if (has_word(trimmed, "mod") && trimmed.ends_with(";") && trimmed.find('{') == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

} // namespace snipcheck::scratch
