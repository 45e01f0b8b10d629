#include "scratch/wrap.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string_view>

namespace snipcheck::scratch {

namespace {

struct Builder
{
  ScratchSource source;

  void add(std::string_view line, LineOrigin origin)
  {
    source.text += line;
    source.text += '\n';
    source.origins.push_back(origin);
  }
};

// Hand-written scanners instead of std::regex: libstdc++'s regex recurses per
// repetition and overflows the stack on long lines (found by fuzzing).
using text::is_space;
using text::is_word_char;
using text::skip_spaces;

// `fn` as a word, then at least one blank, then an identifier (`name`, if given) at `pos`.
bool fn_item_at(std::string_view line, std::size_t pos, std::string_view name)
{
  if (!line.substr(pos).starts_with("fn") || (pos > 0 && is_word_char(line[pos - 1]))) {
    return false;
  }
  auto after = pos + 2;
  if (after >= line.size() || !is_space(line[after])) {
    return false;
  }
  after = skip_spaces(line, after);
  if (name.empty()) {
    return after < line.size() && is_word_char(line[after]);
  }
  if (!line.substr(after).starts_with(name)) {
    return false;
  }
  after += name.size();
  if (after < line.size() && is_word_char(line[after])) {
    return false;
  }
  after = skip_spaces(line, after);
  return after < line.size() && line[after] == '(';
}

bool has_fn_item(std::string_view line, std::string_view name)
{
  for (auto at = line.find("fn"); at != std::string_view::npos; at = line.find("fn", at + 1)) {
    if (fn_item_at(line, at, name)) {
      return true;
    }
  }
  return false;
}

bool is_comment_or_blank(std::string_view line)
{
  const auto trimmed = text::trim(line);
  return trimmed.empty() || trimmed.starts_with("//");
}

// `/* ... */` and a line that is only `// ...` stand for code the book left out.
std::string elide_markers(std::string line)
{
  for (auto open = line.find("/*"); open != std::string::npos; open = line.find("/*", open + 1)) {
    auto pos = skip_spaces(line, open + 2);
    const std::string_view rest = std::string_view(line).substr(pos);
    const std::size_t dots = rest.starts_with("...") ? 3 : rest.starts_with("…") ? std::string_view("…").size() : 0;
    if (dots == 0) {
      continue;
    }
    pos = skip_spaces(line, pos + dots);
    if (std::string_view(line).substr(pos).starts_with("*/")) {
      line.replace(open, pos + 2 - open, "todo!()");
    }
  }
  const auto trimmed = text::trim(line);
  if (trimmed == "// ..." || trimmed == "// …") {
    line = line.substr(0, line.find("//")) + "todo!()";
  }
  return line;
}

// Lines after which a synthetic `todo!()` is inserted: the last comment line of
// a function body that holds only comments.
std::vector<bool> comment_only_function_bodies(const std::vector<std::string>& code)
{
  std::vector<bool> insert_after(code.size(), false);
  for (std::size_t open = 0; open < code.size(); ++open) {
    const auto opener = text::trim_end(code[open]);
    if (!opener.ends_with('{')) {
      continue;
    }
    // The signature: this line, or up to three lines before a lone `{`.
    bool is_function = false;
    for (std::size_t back = 0; back <= 3 && back <= open; ++back) {
      const auto& candidate = code[open - back];
      if (has_fn_item(candidate, {})) {
        is_function = true;
        break;
      }
      if (back > 0 && (candidate.find(';') != std::string::npos || candidate.find('}') != std::string::npos)) {
        break;
      }
    }
    if (!is_function) {
      continue;
    }
    std::size_t close = open + 1;
    bool has_comment = false;
    while (close < code.size() && is_comment_or_blank(code[close])) {
      has_comment = has_comment || !text::trim(code[close]).empty();
      ++close;
    }
    if (has_comment && close < code.size() && text::trim(code[close]).starts_with('}')) {
      insert_after[close - 1] = true;
    }
  }
  return insert_after;
}

// ---------------------------------------------------------------------------
// rustdoc's view of a doctest (src/librustdoc/doctest/make.rs, `parse_source`):
// it parses the block as the body of a function, then sorts the body's parts.
// Leading inner attributes (`#![...]`, `//!`) become crate attributes, even
// after comments; `extern crate` statements, wherever they are, go before
// `main`; everything after the last statement (comments, dangling doc comments
// and attributes) is dropped. A top-level `fn main` (or `fn main(` among a
// macro call's top-level tokens) means "don't wrap", unless the body also has
// a statement that is not an item (`let`, an expression, a lone `;`): then
// everything is wrapped and that `main` never runs. A lexer that knows Rust's
// comments and literals and a statement splitter over its tokens are enough to
// reproduce those rules.

enum class TokenKind { word, lifetime, literal, punct, open, close, inner_doc, outer_doc, comment };

struct Token
{
  TokenKind kind;
  std::size_t begin;
  std::size_t end;
  std::size_t partner = 0; // open <-> close, when balanced
};

class RustLexer
{
public:
  explicit RustLexer(std::string_view code)
    : m_code(code)
  {}

  // nullopt when a comment, literal or delimiter is left open or closed twice.
  std::optional<std::vector<Token>> tokens()
  {
    std::vector<Token> result;
    std::vector<std::size_t> open_groups;
    while (true) {
      m_pos = skip_spaces(m_code, m_pos);
      if (m_pos >= m_code.size()) {
        break;
      }
      const auto begin = m_pos;
      const auto kind = next();
      if (!kind) {
        return std::nullopt;
      }
      if (*kind == TokenKind::comment) {
        continue;
      }
      result.push_back({*kind, begin, m_pos});
      if (*kind == TokenKind::open) {
        open_groups.push_back(result.size() - 1);
      } else if (*kind == TokenKind::close) {
        if (open_groups.empty()) {
          return std::nullopt;
        }
        result[open_groups.back()].partner = result.size() - 1;
        result.back().partner = open_groups.back();
        open_groups.pop_back();
      }
    }
    if (!open_groups.empty()) {
      return std::nullopt;
    }
    return result;
  }

private:
  char at(std::size_t pos) const { return pos < m_code.size() ? m_code[pos] : '\0'; }

  static bool starts_identifier(char c)
  {
    return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || static_cast<unsigned char>(c) >= 0x80;
  }
  static bool continues_identifier(char c) { return is_word_char(c) || static_cast<unsigned char>(c) >= 0x80; }

  std::size_t identifier_end(std::size_t pos) const
  {
    while (pos < m_code.size() && continues_identifier(m_code[pos])) {
      ++pos;
    }
    return pos;
  }

  std::optional<TokenKind> next()
  {
    const char c = m_code[m_pos];
    if (c == '/' && at(m_pos + 1) == '/') {
      const auto begin = m_pos;
      m_pos = std::min(m_code.find('\n', m_pos), m_code.size());
      if (at(begin + 2) == '!') {
        return TokenKind::inner_doc;
      }
      return at(begin + 2) == '/' && at(begin + 3) != '/' ? TokenKind::outer_doc : TokenKind::comment;
    }
    if (c == '/' && at(m_pos + 1) == '*') {
      return block_comment();
    }
    if (c == '"') {
      return quoted(m_pos, '"');
    }
    if (c == '\'') {
      return quote_or_lifetime();
    }
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      ++m_pos;
      while (m_pos < m_code.size() &&
             (is_word_char(m_code[m_pos]) ||
              (m_code[m_pos] == '.' && std::isdigit(static_cast<unsigned char>(at(m_pos + 1))) != 0))) {
        ++m_pos;
      }
      return TokenKind::literal;
    }
    if (starts_identifier(c)) {
      return word_or_prefixed_literal();
    }
    ++m_pos;
    switch (c) {
    case '(':
    case '[':
    case '{': return TokenKind::open;
    case ')':
    case ']':
    case '}': return TokenKind::close;
    default: return TokenKind::punct;
    }
  }

  std::optional<TokenKind> block_comment()
  {
    const auto begin = m_pos;
    int depth = 0;
    while (m_pos < m_code.size()) {
      if (m_code[m_pos] == '/' && at(m_pos + 1) == '*') {
        ++depth;
        m_pos += 2;
      } else if (m_code[m_pos] == '*' && at(m_pos + 1) == '/') {
        m_pos += 2;
        if (--depth == 0) {
          const char third = at(begin + 2);
          if (third == '!') {
            return TokenKind::inner_doc;
          }
          // `/**/` and `/***` are plain comments.
          return third == '*' && at(begin + 3) != '*' && m_pos - begin > 4 ? TokenKind::outer_doc : TokenKind::comment;
        }
      } else {
        ++m_pos;
      }
    }
    return std::nullopt;
  }

  // A string from the quote at `quote` (escapes allowed, may span lines).
  std::optional<TokenKind> quoted(std::size_t quote, char delimiter)
  {
    for (m_pos = quote + 1; m_pos < m_code.size(); ++m_pos) {
      if (m_code[m_pos] == '\\') {
        ++m_pos;
      } else if (m_code[m_pos] == delimiter) {
        ++m_pos;
        return TokenKind::literal;
      }
    }
    return std::nullopt;
  }

  // r"...", r#"..."#: from the first `#` or `"` after the prefix.
  std::optional<TokenKind> raw_string(std::size_t pos)
  {
    std::size_t hashes = 0;
    while (at(pos) == '#') {
      ++hashes;
      ++pos;
    }
    const std::string closing = "\"" + std::string(hashes, '#');
    const auto end = m_code.find(closing, pos + 1);
    if (end == std::string_view::npos) {
      return std::nullopt;
    }
    m_pos = end + closing.size();
    return TokenKind::literal;
  }

  std::optional<TokenKind> quote_or_lifetime()
  {
    if (at(m_pos + 1) == '\\') {
      return quoted(m_pos, '\'');
    }
    // One character, possibly several UTF-8 bytes, then a closing quote: a char literal.
    std::size_t after = m_pos + 2;
    while (after < m_code.size() && (static_cast<unsigned char>(m_code[after]) & 0xC0) == 0x80) {
      ++after;
    }
    if (at(after) == '\'' && at(m_pos + 1) != '\n') {
      m_pos = after + 1;
      return TokenKind::literal;
    }
    m_pos = identifier_end(m_pos + 1);
    return TokenKind::lifetime;
  }

  std::optional<TokenKind> word_or_prefixed_literal()
  {
    const auto begin = m_pos;
    const auto end = identifier_end(m_pos);
    const auto word = m_code.substr(begin, end - begin);
    const char next = at(end);
    if ((word == "r" || word == "br" || word == "cr") &&
        (next == '"' || (next == '#' && (at(end + 1) == '"' || at(end + 1) == '#')))) {
      return raw_string(end);
    }
    if ((word == "b" || word == "c") && next == '"') {
      return quoted(end, '"');
    }
    if (word == "b" && next == '\'') {
      return quoted(end, '\'');
    }
    m_pos = end;
    if (word == "r" && next == '#' && starts_identifier(at(end + 1))) {
      m_pos = identifier_end(end + 1); // r#ident
    }
    return TokenKind::word;
  }

  std::string_view m_code;
  std::size_t m_pos = 0;
};

enum class StatementKind { item, main_function, extern_crate, macro_call, not_an_item };

struct Statement
{
  std::size_t begin; // byte offsets into the code, outer attributes included
  std::size_t end;
  StatementKind kind;
};

struct DoctestLayout
{
  std::size_t crate_attributes_end = 0; // [0, end): leading comments and inner attributes
  std::vector<Statement> statements;
  bool has_main = false; // rustdoc's has_main_fn: a top-level main and no statement that is not an item
  bool has_top_level_main = false;
  bool no_std = false;
};

class StatementSplitter
{
public:
  StatementSplitter(std::string_view code, const std::vector<Token>& tokens)
    : m_code(code)
    , m_tokens(tokens)
  {}

  DoctestLayout split()
  {
    DoctestLayout layout;
    std::size_t t = 0;
    while (true) {
      if (kind_at(t) == TokenKind::inner_doc) {
        layout.crate_attributes_end = m_tokens[t++].end;
      } else if (is_punct(t, '#') && is_punct(t + 1, '!') && is_open(t + 2, '[')) {
        t = m_tokens[t + 2].partner + 1;
        layout.crate_attributes_end = m_tokens[t - 1].end;
      } else {
        break;
      }
    }
    layout.no_std = m_code.substr(0, layout.crate_attributes_end).find("![no_std]") != std::string_view::npos;

    bool has_other = false;
    bool macro_has_main = false;
    while (t < m_tokens.size()) {
      const auto begin = m_tokens[t].begin;
      t = after_attributes(t);
      if (t >= m_tokens.size()) {
        break; // dangling attributes or doc comments: rustdoc drops them
      }
      auto [kind, next] = statement_at(t);
      if (kind == StatementKind::macro_call && macro_mentions_main(t)) {
        macro_has_main = true;
      }
      layout.has_top_level_main = layout.has_top_level_main || kind == StatementKind::main_function;
      has_other = has_other || kind == StatementKind::not_an_item;
      layout.statements.push_back({begin, m_tokens[next - 1].end, kind});
      t = next;
    }
    layout.has_main = (layout.has_top_level_main || macro_has_main) && !has_other;
    return layout;
  }

private:
  std::optional<TokenKind> kind_at(std::size_t t) const
  {
    return t < m_tokens.size() ? std::optional(m_tokens[t].kind) : std::nullopt;
  }
  std::string_view text_of(std::size_t t) const
  {
    return t < m_tokens.size() ? m_code.substr(m_tokens[t].begin, m_tokens[t].end - m_tokens[t].begin)
                               : std::string_view();
  }
  bool is_word(std::size_t t, std::string_view word) const
  {
    return kind_at(t) == TokenKind::word && text_of(t) == word;
  }
  bool is_punct(std::size_t t, char c) const { return kind_at(t) == TokenKind::punct && text_of(t)[0] == c; }
  bool is_open(std::size_t t, char c) const { return kind_at(t) == TokenKind::open && text_of(t)[0] == c; }
  // The token after `t`, jumping over a whole group when `t` opens one.
  std::size_t step(std::size_t t) const { return kind_at(t) == TokenKind::open ? m_tokens[t].partner + 1 : t + 1; }

  std::size_t after_attributes(std::size_t t) const
  {
    while (t < m_tokens.size()) {
      if (kind_at(t) == TokenKind::outer_doc || kind_at(t) == TokenKind::inner_doc) {
        ++t;
      } else if (is_punct(t, '#') && is_open(t + 1, '[')) {
        t = step(t + 1);
      } else if (is_punct(t, '#') && is_punct(t + 1, '!') && is_open(t + 2, '[')) {
        t = step(t + 2);
      } else {
        break;
      }
    }
    return t;
  }

  // Past the first top-level `;`, or the end.
  std::size_t through_semicolon(std::size_t t) const
  {
    while (t < m_tokens.size() && !is_punct(t, ';')) {
      t = step(t);
    }
    return std::min(t + 1, m_tokens.size());
  }

  // Items like `fn`, `struct`, `impl`, `mod`: past a top-level `;` or the first top-level `{...}`.
  std::size_t through_body_or_semicolon(std::size_t t) const
  {
    while (t < m_tokens.size() && !is_punct(t, ';') && !is_open(t, '{')) {
      t = step(t);
    }
    return std::min(step(t), m_tokens.size());
  }

  // A statement that is not an item: to its `;`; a block-like one (`if`, `match`, `loop`, a block, ...) may
  // also end after a `}` that nothing continues (`else`, `.method()`, `?`, an operator).
  std::size_t through_statement(std::size_t t) const
  {
    static constexpr std::array<std::string_view, 8> block_like = {"if",  "match",  "loop",  "while",
                                                                   "for", "unsafe", "async", "const"};
    const bool is_block_like = kind_at(t) == TokenKind::lifetime || is_open(t, '{') ||
                               std::ranges::find(block_like, text_of(t)) != block_like.end();
    while (t < m_tokens.size() && !is_punct(t, ';')) {
      const bool closes_block = is_open(t, '{');
      t = step(t);
      if (is_block_like && closes_block && t < m_tokens.size()) {
        const auto next = m_tokens[t].kind;
        const bool continues = is_word(t, "else") || is_word(t, "as") ||
                               (next != TokenKind::word && next != TokenKind::lifetime && !is_punct(t, '#') &&
                                next != TokenKind::outer_doc && !is_punct(t, ';'));
        if (!continues) {
          return t;
        }
      }
    }
    return std::min(t + 1, m_tokens.size());
  }

  // What the statement at `t` (after its attributes) is, and the token after it.
  std::pair<StatementKind, std::size_t> statement_at(std::size_t t) const
  {
    if (is_punct(t, ';')) {
      return {StatementKind::not_an_item, t + 1}; // StmtKind::Empty
    }
    auto u = t;
    if (is_word(u, "pub")) {
      u = is_open(u + 1, '(') ? step(u + 1) : u + 1;
    }
    if (is_word(u, "extern") && is_word(u + 1, "crate")) {
      return {StatementKind::extern_crate, through_semicolon(u)};
    }
    if (is_word(u, "use") || is_word(u, "type") || is_word(u, "static") ||
        (is_word(u, "const") && kind_at(u + 1) == TokenKind::word && !is_word(u + 1, "fn") &&
         !is_word(u + 1, "unsafe") && !is_word(u + 1, "async") && !is_word(u + 1, "extern"))) {
      return {StatementKind::item, through_semicolon(u)};
    }
    if (is_word(u, "macro_rules") && is_punct(u + 1, '!')) {
      return {StatementKind::item, through_body_or_semicolon(u)};
    }
    // Qualifiers of functions and other items.
    auto v = u;
    while (is_word(v, "const") || is_word(v, "async") || is_word(v, "unsafe") || is_word(v, "safe") ||
           is_word(v, "default") || is_word(v, "auto") || is_word(v, "extern")) {
      const bool is_extern = is_word(v, "extern");
      ++v;
      if (is_extern && kind_at(v) == TokenKind::literal) {
        ++v; // the ABI string
      }
      if (is_extern && is_open(v, '{')) {
        return {StatementKind::item, step(v)};
      }
    }
    if (is_word(v, "fn")) {
      const auto kind = is_word(v + 1, "main") ? StatementKind::main_function : StatementKind::item;
      return {kind, through_body_or_semicolon(v)};
    }
    static constexpr std::array<std::string_view, 6> item_keywords = {"struct", "enum", "trait",
                                                                      "impl",   "mod",  "union"};
    if (kind_at(v) == TokenKind::word && std::ranges::find(item_keywords, text_of(v)) != item_keywords.end() &&
        (!is_word(v, "union") || kind_at(v + 1) == TokenKind::word)) {
      return {StatementKind::item, through_body_or_semicolon(v)};
    }
    // A macro call `path!(...)`: a statement of its own when followed by `;` or written with braces.
    auto w = t;
    if (is_punct(w, ':') && is_punct(w + 1, ':')) {
      w += 2;
    }
    while (kind_at(w) == TokenKind::word && is_punct(w + 1, ':') && is_punct(w + 2, ':')) {
      w += 3;
    }
    if (kind_at(w) == TokenKind::word && is_punct(w + 1, '!') && kind_at(w + 2) == TokenKind::open) {
      const auto after = step(w + 2);
      if (is_open(w + 2, '{') && !is_punct(after, '.') && !is_punct(after, '?')) {
        return {StatementKind::macro_call, is_punct(after, ';') ? after + 1 : after};
      }
      if (is_punct(after, ';')) {
        return {StatementKind::macro_call, after + 1};
      }
      // Without its `;`, a last `assert!(..)` is an expression: rustdoc's parser sees the wrapper's `}`.
    }
    return {StatementKind::not_an_item, through_statement(t)};
  }

  // rustdoc's old heuristic for a `main` hidden in a macro: `fn main(` among the call's top-level tokens.
  bool macro_mentions_main(std::size_t t) const
  {
    while (!(kind_at(t) == TokenKind::open)) {
      ++t;
    }
    for (auto u = t + 1; u < m_tokens[t].partner; u = step(u)) {
      if (is_word(u, "fn") && is_word(u + 1, "main") && is_open(u + 2, '(')) {
        return true;
      }
    }
    return false;
  }

  std::string_view m_code;
  const std::vector<Token>& m_tokens;
};

// The code as rustdoc lays it out, or nullopt when it does not even lex (rustdoc then compiles it as written).
std::optional<DoctestLayout> doctest_layout(std::string_view code)
{
  const auto tokens = RustLexer(code).tokens();
  if (!tokens) {
    return std::nullopt;
  }
  return StatementSplitter(code, *tokens).split();
}

// Where each piece of the listing goes in the compiled file.
enum class Part { crate_attributes, crates, body, dropped };

struct Fragment
{
  int line; // 0-based listing line
  std::string text;
};

struct PartedListing
{
  std::vector<Fragment> crate_attributes;
  std::vector<Fragment> crates;
  std::vector<Fragment> body;
};

// Cuts the code (its lines joined by '\n') along the layout's parts, line by line, so that every
// piece keeps its listing line. A line holding two parts becomes two lines of the result.
PartedListing part_listing(const std::vector<std::string>& lines, const std::string& code, const DoctestLayout& layout)
{
  struct Range
  {
    std::size_t begin;
    std::size_t end;
    Part part;
  };
  std::vector<Range> ranges;
  ranges.push_back({0, layout.crate_attributes_end, Part::crate_attributes});
  auto previous_end = layout.crate_attributes_end;
  for (const auto& statement : layout.statements) {
    ranges.push_back(
        {previous_end, statement.end, statement.kind == StatementKind::extern_crate ? Part::crates : Part::body});
    previous_end = statement.end;
  }
  ranges.push_back({previous_end, code.size() + 1, Part::dropped});

  PartedListing parted;
  auto add = [&parted](Part part, int line, std::string_view text) {
    auto& fragments = part == Part::crate_attributes ? parted.crate_attributes
                      : part == Part::crates         ? parted.crates
                                                     : parted.body;
    if (!fragments.empty() && fragments.back().line == line) {
      fragments.back().text += text;
    } else {
      fragments.push_back({line, std::string(text)});
    }
  };
  std::size_t line_start = 0;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const auto line_end = line_start + lines[k].size();
    std::vector<std::pair<Part, std::string_view>> pieces;
    for (const auto& range : ranges) {
      const auto begin = std::max(range.begin, line_start);
      const auto end = std::min(range.end, line_end);
      if (begin < end && !text::is_blank(std::string_view(code).substr(begin, end - begin))) {
        pieces.emplace_back(range.part, std::string_view(code).substr(begin, end - begin));
      }
    }
    if (pieces.empty()) { // a blank line stays in the part it falls in
      const auto& range = *std::ranges::find_if(ranges, [&](const Range& r) { return line_start < r.end; });
      pieces.emplace_back(range.part, std::string_view(lines[k]));
    }
    for (const auto& [part, text] : pieces) {
      if (part != Part::dropped) {
        add(part, static_cast<int>(k), text);
      }
    }
    line_start = line_end + 1;
  }
  return parted;
}

// rustdoc: a block whose code ends in `(())`, as `Ok::<(), E>(())` does, runs in an inner function
// returning a Result whose error type the turbofish decides (so `E` may be a name the block itself
// imports), unwrapped by `main`. rustdoc tests the text only: `Ok::<(), E>(());` with its semicolon
// gets a plain `main`, and so does a block where a comment follows the tail (rustdoc drops it first).
struct MainWrapper
{
  std::string open = "fn main() {";
  std::string close = "}";
};

MainWrapper main_wrapper(const std::vector<Fragment>& body)
{
  for (auto it = body.rbegin(); it != body.rend(); ++it) {
    if (text::is_blank(it->text)) {
      continue;
    }
    if (text::trim_end(it->text).ends_with("(())")) {
      return {"fn main() { fn _inner() -> core::result::Result<(), impl core::fmt::Debug> {", "} _inner().unwrap() }"};
    }
    break;
  }
  return {};
}

} // namespace

LineOrigin ScratchSource::origin_of(int scratch_line) const
{
  if (scratch_line < 1 || scratch_line > static_cast<int>(origins.size())) {
    return {};
  }
  return origins[static_cast<std::size_t>(scratch_line - 1)];
}

bool has_main_function(const std::vector<std::string>& code_lines)
{
  const auto layout = doctest_layout(text::join_lines(code_lines));
  return layout && layout->has_main;
}

ScratchSource wrap_listing(const book::Listing& listing, const WrapOptions& options)
{
  std::vector<std::string> code;
  for (const auto& line : listing.lines) {
    code.push_back(options.elide == ElideMode::none ? line.text : elide_markers(line.text));
  }
  const auto insert_todo_after =
      options.elide == ElideMode::bodies ? comment_only_function_bodies(code) : std::vector<bool>(code.size(), false);

  const bool is_library = options.crate_type != CrateType::bin;
  const auto joined = text::join_lines(code);
  // A listing that does not even lex is one body, as written: it fails to compile either way.
  const auto layout =
      doctest_layout(joined).value_or(DoctestLayout{0, {{0, joined.size(), StatementKind::not_an_item}}});
  const bool async_main = !is_library && options.wrap == WrapMode::async_main;
  const bool wrap_in_main =
      !is_library && (options.wrap == WrapMode::main || async_main ||
                      (options.wrap == WrapMode::automatic && !layout.has_main && !layout.no_std));

  PartedListing parted;
  if (is_library || options.wrap == WrapMode::none) {
    for (std::size_t k = 0; k < code.size(); ++k) {
      parted.body.push_back({static_cast<int>(k), code[k]});
    }
  } else {
    parted = part_listing(code, joined, layout);
  }

  Builder out;
  out.add("#![allow(unused)]", {});
  auto add_fragments = [&out, &insert_todo_after](const std::vector<Fragment>& fragments) {
    for (const auto& fragment : fragments) {
      out.add(fragment.text, {Origin::listing, fragment.line + 1});
      if (insert_todo_after[static_cast<std::size_t>(fragment.line)]) {
        out.add("todo!()", {});
      }
    }
  };
  add_fragments(parted.crate_attributes);
  const auto prelude = text::split_lines(options.prelude);
  for (std::size_t k = 0; k < prelude.size(); ++k) {
    out.add(prelude[k], {Origin::prelude, static_cast<int>(k) + 1});
  }
  add_fragments(parted.crates);
  const auto wrapper = main_wrapper(parted.body);
  if (async_main) {
    out.add("#[tokio::main]", {});
    out.add("async fn main() -> Result<(), Box<dyn std::error::Error>> {", {});
  } else if (wrap_in_main) {
    out.add(wrapper.open, {});
  }
  add_fragments(parted.body);
  const auto epilogue = text::split_lines(options.epilogue);
  for (std::size_t k = 0; k < epilogue.size(); ++k) {
    out.add(epilogue[k], {Origin::epilogue, static_cast<int>(k) + 1});
  }
  if (async_main) {
    out.add("#[allow(unreachable_code)]", {});
    out.add("Ok(())", {});
  }
  if (wrap_in_main) {
    out.add(async_main ? std::string("}") : wrapper.close, {});
  } else if (!is_library && options.wrap == WrapMode::none && !layout.has_top_level_main) {
    out.add("fn main() {}", {});
  }
  out.source.wrapped_in_main = wrap_in_main;
  return out.source;
}

} // namespace snipcheck::scratch
