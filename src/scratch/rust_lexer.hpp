#pragma once
// A lexer that knows Rust's comments and literals, enough to find a doctest's
// statements the way rustdoc does (doctest_layout.hpp). Hand-written instead
// of std::regex: libstdc++'s regex recurses per repetition and overflows the
// stack on long lines (found by fuzzing).

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace snipcheck::scratch {

enum class TokenKind { word, lifetime, literal, punct, open, close, inner_doc, outer_doc, comment };

struct Token
{
  TokenKind kind;
  std::size_t begin;
  std::size_t end;
  std::size_t partner = 0; // open <-> close, when balanced
};

// The tokens of `code` without its plain comments (doc comments are tokens),
// or with them (Comments::keep, for `snipcheck fmt`, which follows every token);
// nullopt when a comment, literal or delimiter is left open or closed twice.
enum class Comments { drop, keep };
std::optional<std::vector<Token>> lex_rust(std::string_view code, Comments comments = Comments::drop);

} // namespace snipcheck::scratch
