#include "scratch/doctest_layout.hpp"

#include "scratch/rust_lexer.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace snipcheck::scratch {

namespace {

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
    if (auto item = item_at(t)) {
      return *item;
    }
    if (auto call = macro_call_at(t)) {
      return *call;
    }
    return {StatementKind::not_an_item, through_statement(t)};
  }

  // An item (`use`, `fn`, `struct`, `extern crate`, ...) at `t`, with its visibility and qualifiers.
  std::optional<std::pair<StatementKind, std::size_t>> item_at(std::size_t t) const
  {
    auto u = t;
    if (is_word(u, "pub")) {
      u = is_open(u + 1, '(') ? step(u + 1) : u + 1;
    }
    if (is_word(u, "extern") && is_word(u + 1, "crate")) {
      return std::pair{StatementKind::extern_crate, through_semicolon(u)};
    }
    if (is_word(u, "use") || is_word(u, "type") || is_word(u, "static") ||
        (is_word(u, "const") && kind_at(u + 1) == TokenKind::word && !is_word(u + 1, "fn") &&
         !is_word(u + 1, "unsafe") && !is_word(u + 1, "async") && !is_word(u + 1, "extern"))) {
      return std::pair{StatementKind::item, through_semicolon(u)};
    }
    if (is_word(u, "macro_rules") && is_punct(u + 1, '!')) {
      return std::pair{StatementKind::item, through_body_or_semicolon(u)};
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
        return std::pair{StatementKind::item, step(v)};
      }
    }
    if (is_word(v, "fn")) {
      const auto kind = is_word(v + 1, "main") ? StatementKind::main_function : StatementKind::item;
      return std::pair{kind, through_body_or_semicolon(v)};
    }
    static constexpr std::array<std::string_view, 6> item_keywords = {"struct", "enum", "trait",
                                                                      "impl",   "mod",  "union"};
    if (kind_at(v) == TokenKind::word && std::ranges::find(item_keywords, text_of(v)) != item_keywords.end() &&
        (!is_word(v, "union") || kind_at(v + 1) == TokenKind::word)) {
      return std::pair{StatementKind::item, through_body_or_semicolon(v)};
    }
    return std::nullopt;
  }

  // A macro call `path!(...)`: a statement of its own when followed by `;` or written with braces.
  std::optional<std::pair<StatementKind, std::size_t>> macro_call_at(std::size_t t) const
  {
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
        return std::pair{StatementKind::macro_call, is_punct(after, ';') ? after + 1 : after};
      }
      if (is_punct(after, ';')) {
        return std::pair{StatementKind::macro_call, after + 1};
      }
      // Without its `;`, a last `assert!(..)` is an expression: rustdoc's parser sees the wrapper's `}`.
    }
    return std::nullopt;
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

} // namespace

bool starts_with_shebang(std::string_view code)
{
  if (!code.starts_with("#!")) {
    return false;
  }
  std::size_t at = 2;
  while (at < code.size()) {
    if (std::isspace(static_cast<unsigned char>(code[at]))) {
      ++at;
    } else if (code.substr(at).starts_with("//") && !code.substr(at).starts_with("///") &&
               !code.substr(at).starts_with("//!")) {
      at = std::min(code.find('\n', at), code.size());
    } else if (code.substr(at).starts_with("/*") && !code.substr(at).starts_with("/**") &&
               !code.substr(at).starts_with("/*!")) {
      const auto close = code.find("*/", at + 2);
      at = close == std::string_view::npos ? code.size() : close + 2;
    } else {
      break;
    }
  }
  return at >= code.size() || code[at] != '[';
}

std::optional<DoctestLayout> doctest_layout(std::string_view code)
{
  const auto tokens = lex_rust(code);
  if (!tokens) {
    return std::nullopt;
  }
  return StatementSplitter(code, *tokens).split();
}

} // namespace snipcheck::scratch
