#pragma once
// `snipcheck fix`, the pure part (docs/fix.md): a listing's code with the
// machine-applicable suggestions rustc and clippy made on it applied, as
// rustfix applies them (in the order given, each whole or not at all, none
// over another), and the block's new lines in its file.

#include "book/listing.hpp"
#include "check/compare.hpp"
#include "fmt/reshape.hpp"
#include "fmt/splice.hpp"

#include <string>
#include <vector>

namespace snipcheck::fixing {

struct FixedCode
{
  // The listing's new lines; `kept` is the listing line (0-based) a line is,
  // unchanged, so that its bytes in the book stay as they are.
  std::vector<formatting::ShapedLine> lines;
  // For each new line, the listing line (0-based) it stands in place of: a
  // kept line, or one an edit changed within itself; -1 for lines an edit
  // joined, split or added.
  std::vector<int> in_place_of;
  std::vector<std::string> applied;  // the message of each fix applied, in order
  std::vector<std::string> left_out; // each fix not applied, and why
  bool changed() const { return !applied.empty(); }
};

// Applies `fixes` to the listing's code. A fix is left out when it overlaps
// one applied before it, when it would edit hidden and shown lines together
// (a hidden line is edited only by a fix inside hidden lines), or when its
// places are not in the listing's lines. The same fix given twice is applied once.
FixedCode apply_fixes(const book::Listing& listing, const std::vector<check::CodeFix>& fixes);

// The block's new lines in its file, or why they cannot be written:
// `before` are the block's lines as the file has them (source.first_line on),
// every kept line stays byte for byte, an edited line is written with the
// block's prefix (and `# ` when hidden, in Markdown). Empty `refusal`: written.
struct BlockLines
{
  std::vector<std::string> after;
  std::string refusal;
};
BlockLines fixed_block_lines(const book::Listing& listing, const FixedCode& fixed,
                             const formatting::BlockSource& source, const std::vector<std::string>& before,
                             bool markdown);

// The same for a block whose lines each have a prefix of their own (a
// plain-text listing's line-number gutter, `1 `, `2 `, ...): possible only
// when every new line stands in place of its listing line, so that each keeps
// its number. `first_line` is the listing's first line in `file`.
BlockLines fixed_lines_in_place(const book::Listing& listing, const FixedCode& fixed, const formatting::FileLines& file,
                                int& first_line);

} // namespace snipcheck::fixing
