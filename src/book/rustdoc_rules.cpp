#include "book/rustdoc_rules.hpp"

#include "util/edition.hpp"
#include "util/text.hpp"

#include <cctype>

namespace snipcheck::book {

namespace {

bool is_leading_char(char c)
{
  return c == '_' || c == '-' || c == ':' || std::isalnum(static_cast<unsigned char>(c)) != 0;
}

bool is_bareword_char(char c)
{
  return is_leading_char(c) || std::string_view(".!#$%&*+/;<>?@^|~").find(c) != std::string_view::npos;
}

bool is_separator(char c)
{
  return c == ' ' || c == ',' || c == '\t';
}

struct Token
{
  enum class Kind { lang, class_attribute, key_value, snipcheck_id };
  Kind kind = Kind::lang;
  std::string_view text;  // the token, the class, or the key
  std::string_view value; // for key_value and snipcheck_id
};

// rustdoc's TagIterator: tokens separated by `,`, blank or tab; `"quoted"`
// tokens; `(comments)`; `{...}` attribute blocks holding `.class` and
// `key=value`. Any other character is an error that makes rustdoc drop the
// block as not Rust (checked: `.rust`, `rust }`, `rust,é`). A token directly
// followed by `{` is dropped, as rustdoc drops it (`text{.a}` is Rust).
// snipcheck adds one token of its own outside braces, `id=NAME`.
class Tokenizer
{
public:
  explicit Tokenizer(std::string_view data)
    : m_data(data)
  {}

  bool failed() const { return m_failed; }

  std::optional<Token> next()
  {
    if (m_failed) {
      return std::nullopt;
    }
    skip_separators();
    if (at_end()) {
      if (m_in_attribute_block) {
        return fail();
      }
      return std::nullopt;
    }
    return m_in_attribute_block ? in_attribute_block() : outside_attribute_block();
  }

private:
  bool at_end() const { return m_pos >= m_data.size(); }
  char peek() const { return m_data[m_pos]; }

  std::optional<Token> fail()
  {
    m_failed = true;
    return std::nullopt;
  }

  void skip_separators()
  {
    while (!at_end() && is_separator(peek())) {
      ++m_pos;
    }
  }

  // After `"`: the string's contents, or nothing when it never closes.
  std::optional<std::string_view> quoted()
  {
    const auto begin = m_pos;
    while (!at_end()) {
      if (m_data[m_pos++] == '"') {
        return m_data.substr(begin, m_pos - 1 - begin);
      }
    }
    return std::nullopt;
  }

  std::string_view bareword()
  {
    const auto begin = m_pos;
    while (!at_end() && is_bareword_char(peek())) {
      ++m_pos;
    }
    return m_data.substr(begin, m_pos - begin);
  }

  bool check_after_token() { return at_end() || peek() == '}' || peek() == '(' || is_separator(peek()); }

  std::optional<Token> in_attribute_block()
  {
    const char c = m_data[m_pos++];
    if (c == '}') {
      m_in_attribute_block = false;
      return next();
    }
    if (c == '.') {
      const auto name = bareword();
      if (name.empty() || !check_after_token()) {
        return fail();
      }
      return Token{Token::Kind::class_attribute, name, {}};
    }
    if (c != '"' && !is_leading_char(c)) {
      return fail();
    }
    std::string_view key;
    if (c == '"') {
      auto text = quoted();
      if (!text) {
        return fail();
      }
      key = *text;
    } else {
      --m_pos;
      key = bareword();
      if (at_end()) {
        return fail(); // rustdoc: "unexpected end"
      }
    }
    if (key.empty() || at_end() || m_data[m_pos++] != '=' || at_end()) {
      return fail();
    }
    std::string_view value;
    if (peek() == '"') {
      ++m_pos;
      auto text = quoted();
      if (!text) {
        return fail();
      }
      value = *text;
    } else if (is_bareword_char(peek())) {
      value = bareword();
      if (at_end()) {
        return fail();
      }
    } else {
      return fail();
    }
    if (value.empty() || !check_after_token()) {
      return fail();
    }
    return Token{Token::Kind::key_value, key, value};
  }

  std::optional<Token> outside_attribute_block()
  {
    const auto start = m_pos;
    if (m_data.substr(start).starts_with("id=")) {
      m_pos += 3;
      const auto value = bareword();
      if (!value.empty() && check_after_token()) {
        return Token{Token::Kind::snipcheck_id, "id", value};
      }
      m_pos = start;
    }
    while (!at_end()) {
      const auto pos = m_pos;
      const char c = m_data[m_pos++];
      if (c == '"') {
        if (pos != start) {
          return fail();
        }
        auto text = quoted();
        if (!text || (!at_end() && peek() != '{' && peek() != '(' && !is_separator(peek()))) {
          return fail();
        }
        return Token{Token::Kind::lang, *text, {}};
      }
      if (c == '{') {
        m_in_attribute_block = true;
        return next();
      }
      if (is_separator(c)) {
        return Token{Token::Kind::lang, m_data.substr(start, pos - start), {}};
      }
      if (c == '(') {
        const auto close = m_data.find(')', m_pos);
        if (close == std::string_view::npos) {
          return fail();
        }
        m_pos = close + 1;
        if (pos != start) {
          return Token{Token::Kind::lang, m_data.substr(start, pos - start), {}};
        }
        return next();
      }
      if ((pos == start && is_leading_char(c)) || (pos != start && is_bareword_char(c))) {
        continue;
      }
      return fail();
    }
    return Token{Token::Kind::lang, m_data.substr(start), {}};
  }

  std::string_view m_data;
  std::size_t m_pos = 0;
  bool m_in_attribute_block = false;
  bool m_failed = false;
};

bool is_error_code(std::string_view token)
{
  if (token.size() != 5 || token[0] != 'E') {
    return false;
  }
  for (const char c : token.substr(1)) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
      return false;
    }
  }
  return true;
}

// What the lang words of one info string have said so far, as rustdoc's LangString::parse tracks it.
struct SeenWords
{
  bool rust_tags = false;
  bool other_tags = false;
  bool custom_tag = false;
  bool ignore_all = false;
};

void apply_lang_word(std::string_view word, LangString& result, SeenWords& seen)
{
  auto& attributes = result.attributes;
  if (word == "should_panic") {
    attributes.should_panic = true;
    seen.rust_tags = !seen.other_tags;
  } else if (word == "no_run") {
    attributes.no_run = true;
    seen.rust_tags = !seen.other_tags;
  } else if (word == "ignore") {
    seen.ignore_all = true;
    seen.rust_tags = !seen.other_tags;
  } else if (word.starts_with("ignore-")) {
    result.ignore_targets.emplace_back(word.substr(7));
    seen.rust_tags = !seen.other_tags;
  } else if (word == "rust") {
    seen.rust_tags = true;
  } else if (word == "custom") {
    seen.custom_tag = true;
  } else if (word == "test_harness") {
    attributes.test_harness = true;
    seen.rust_tags = !seen.other_tags || seen.rust_tags;
  } else if (word == "compile_fail") {
    attributes.compile_fail = true;
    attributes.no_run = true;
    seen.rust_tags = !seen.other_tags || seen.rust_tags;
  } else if (word == "standalone_crate") {
    result.standalone_crate = true;
    attributes.standalone_crate = true;
    seen.rust_tags = !seen.other_tags || seen.rust_tags;
  } else if (word.starts_with("edition")) {
    // An unknown year is dropped, as rustdoc does; it is not an unknown token.
    attributes.edition = util::is_edition(word.substr(7)) ? std::optional<std::string>(word.substr(7)) : std::nullopt;
  } else {
    // Stable rustdoc does not know error codes: `E0106` is an unknown token
    // there. snipcheck keeps the code to check it, with rustdoc's verdict.
    if (is_error_code(word)) {
      attributes.error_codes.emplace_back(word);
    }
    seen.other_tags = true;
    result.unknown.emplace_back(word);
  }
}

} // namespace

std::string_view host_target_triple()
{
#if defined(__x86_64__) && defined(__linux__)
  return "x86_64-unknown-linux-gnu";
#elif defined(__aarch64__) && defined(__linux__)
  return "aarch64-unknown-linux-gnu";
#elif defined(__aarch64__) && defined(__APPLE__)
  return "aarch64-apple-darwin";
#elif defined(__x86_64__) && defined(__APPLE__)
  return "x86_64-apple-darwin";
#elif defined(__i386__) && defined(__linux__)
  return "i686-unknown-linux-gnu";
#else
  return "unknown-unknown-unknown";
#endif
}

LangString parse_lang_string(std::string_view info)
{
  return parse_lang_string(info, host_target_triple());
}

LangString parse_lang_string(std::string_view info, std::string_view host_target)
{
  LangString result;
  SeenWords seen;
  Tokenizer tokens(info);
  while (auto token = tokens.next()) {
    if (token->kind == Token::Kind::snipcheck_id || (token->kind == Token::Kind::key_value && token->text == "id")) {
      result.id = std::string(token->value);
      continue;
    }
    if (token->kind != Token::Kind::lang) {
      continue; // classes and other key=value attributes do not change the verdict
    }
    apply_lang_word(token->text, result, seen);
  }
  result.malformed = tokens.failed();

  // `ignore-<target>` overrides a plain `ignore`.
  auto& attributes = result.attributes;
  if (!result.ignore_targets.empty()) {
    attributes.ignore = false;
    for (const auto& target : result.ignore_targets) {
      attributes.ignore = attributes.ignore || host_target.find(target) != std::string_view::npos;
    }
  } else {
    attributes.ignore = seen.ignore_all;
  }
  result.is_rust = !result.malformed && !seen.custom_tag && (!seen.other_tags || seen.rust_tags);
  return result;
}

CodeLine map_code_line(std::string_view line)
{
  const auto trimmed = text::trim(line);
  if (trimmed.starts_with("##")) {
    std::string shown(line);
    shown.erase(shown.find("##"), 1);
    return {std::move(shown), false};
  }
  if (trimmed.starts_with("# ")) {
    return {std::string(trimmed.substr(2)), true};
  }
  if (trimmed == "#") {
    return {"", true};
  }
  return {std::string(line), false};
}

} // namespace snipcheck::book
