// Which listings may share a merged target (rustdoc's merged doctests): a
// scan of the compiled source for what changes meaning in a shared crate or binary.
#include "scratch/workspace.hpp"

#include "scratch/doctest_layout.hpp"
#include "scratch/rust_lexer.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <cctype>
#include <string_view>
#include <vector>

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

// A lone `'` that starts no lifetime (`'cfg(unix)` then a line end): to
// rustc the start of a character literal that never ends, fatal to the file.
bool leaves_a_quote_open(const std::vector<Token>& tokens)
{
  return std::any_of(tokens.begin(), tokens.end(),
                     [](const Token& t) { return t.kind == TokenKind::lifetime && t.end - t.begin == 1; });
}

// Whether `super` appears outside every `mod name { ... }` of the code: there
// it names the module around the listing, which a batch has and a crate root
// does not.
bool has_top_level_super(std::string_view code, const std::vector<Token>& tokens)
{
  const auto text_of = [&](const Token& t) { return code.substr(t.begin, t.end - t.begin); };
  std::vector<std::size_t> module_ends; // partner indexes of the open `mod name {`s
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    while (!module_ends.empty() && k > module_ends.back()) {
      module_ends.pop_back();
    }
    const auto& token = tokens[k];
    if (token.kind != TokenKind::word) {
      continue;
    }
    if (text_of(token) == "super" && module_ends.empty()) {
      return true;
    }
    if (text_of(token) == "mod" && k + 2 < tokens.size() && tokens[k + 1].kind == TokenKind::word &&
        tokens[k + 2].kind == TokenKind::open && text_of(tokens[k + 2]) == "{") {
      module_ends.push_back(tokens[k + 2].partner);
    }
  }
  return false;
}

} // namespace

namespace {

// Keywords a path can follow (`return ::std::u8::MAX`), where `::` starts one.
bool is_keyword_before_a_path(std::string_view word)
{
  static const std::set<std::string_view> keywords{
      "as",   "async", "box",  "break",  "const", "continue", "dyn",   "else",   "enum",   "extern", "fn",
      "for",  "if",    "impl", "in",     "let",   "loop",     "match", "mod",    "move",   "mut",    "pub",
      "ref",  "return", "static", "struct", "trait", "type",  "unsafe", "where", "while",  "yield"};
  return keywords.contains(word);
}

} // namespace

bool names_paths_from_the_crate_root(std::string_view code)
{
  const auto tokens = lex_rust(code);
  if (!tokens) {
    return true; // unknown, so assumed
  }
  const auto is = [&](const Token& t, std::string_view text) { return code.substr(t.begin, t.end - t.begin) == text; };
  for (std::size_t k = 0; k < tokens->size(); ++k) {
    const auto& token = (*tokens)[k];
    if (token.kind == TokenKind::word && is(token, "use")) {
      return true;
    }
    // `::` is two `:` tokens side by side; it continues a path after a name or a `>`
    // (`Vec::<u8>::new`, `<T as Tr>::f`), and starts one at the crate root anywhere else.
    const bool path_separator = token.kind == TokenKind::punct && is(token, ":") && k + 1 < tokens->size() &&
                                is((*tokens)[k + 1], ":") && (*tokens)[k + 1].begin == token.end;
    if (path_separator) {
      const auto& before = (*tokens)[k > 0 ? k - 1 : k];
      const bool continues = k > 0 && ((before.kind == TokenKind::word && !is_keyword_before_a_path(
                                                                             code.substr(before.begin, before.end - before.begin))) ||
                                       is(before, ">"));
      if (!continues) {
        return true;
      }
      ++k; // the pair's second `:`
    }
  }
  return false;
}

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
  // A delimiter, literal or comment left open stops rustc's lexer for the
  // whole file: in a batch, no member would get its own errors.
  const auto tokens = lex_rust(source.text);
  if (!tokens || leaves_a_quote_open(*tokens) || has_top_level_super(source.text, *tokens)) {
    return false;
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
