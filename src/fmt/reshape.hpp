#pragma once
// `snipcheck fmt`, the pure part (docs/fmt.md): what rustfmt is given for a
// listing (its code as compiled, inside `fn main() {` when the wrapping puts
// it there), and how rustfmt's answer becomes the listing's lines again:
// unwrapped with no added indentation, its hidden `# ` lines hidden and in
// place, or a reason to leave the listing alone.

#include "book/listing.hpp"
#include "scratch/wrap.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::formatting {

// The code rustfmt formats for a listing: every line, hidden ones included.
struct RustfmtInput
{
  std::string text;
  bool wrapped = false; // inside `fn main() {`...`}`, as rustdoc's wrapping places a fragment
};
RustfmtInput rustfmt_input(const book::Listing& listing, const scratch::WrapOptions& wrap);

// A line of the formatted listing.
struct ShapedLine
{
  std::string text;
  bool hidden = false;
  int kept = -1;           // the listing line (0-based) kept as written: a hidden line rustfmt left alone
  bool in_literal = false; // it starts inside a string literal: its spaces are the string's
};

// Whether formatting must keep every token on its listing line: the
// expectation names listing lines (`error-lines`, `//~` markers).
enum class KeepLines { no, yes };

// The listing's new lines, or why it is left alone (`refusal`, "hidden lines would move").
struct Reshaped
{
  std::vector<ShapedLine> lines;
  std::string refusal;
};
Reshaped reshape(const book::Listing& listing, std::string_view formatted, bool wrapped, KeepLines keep);

// A line as the book writes it: hidden ones as `# text`, a shown one that
// would read as hidden (`# x`, `#`) or starts with `##` escaped with one more `#`.
std::string markdown_code_line(const ShapedLine& line);

} // namespace snipcheck::formatting
