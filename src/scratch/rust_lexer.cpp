#include "scratch/rust_lexer.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace snipcheck::scratch {

namespace {

using text::is_word_char;
using text::skip_spaces;

class RustLexer
{
public:
  RustLexer(std::string_view code, Comments comments)
    : m_code(code)
    , m_comments(comments)
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
      if (*kind == TokenKind::comment && m_comments == Comments::drop) {
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
  Comments m_comments;
  std::size_t m_pos = 0;
};

} // namespace

std::optional<std::vector<Token>> lex_rust(std::string_view code, Comments comments)
{
  return RustLexer(code, comments).tokens();
}

} // namespace snipcheck::scratch
