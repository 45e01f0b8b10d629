#pragma once
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

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace snipcheck::scratch {

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

// Whether the code opens with a shebang line, as rustc_lexer's strip_shebang
// decides: `#!` not followed (past white space and plain comments) by `[`.
// rustdoc cannot parse such a doctest, so it compiles it as written.
bool starts_with_shebang(std::string_view code);

// The code as rustdoc lays it out, or nullopt when it does not even lex (rustdoc then compiles it as written).
std::optional<DoctestLayout> doctest_layout(std::string_view code);

} // namespace snipcheck::scratch
