#pragma once
// Output blocks (docs/claims.md): a `text`/`console`/`output` block right after
// a runnable listing shows what it prints. A `$ cargo run` transcript is read
// for the program's own output (cargo's Compiling/Finished/Running lines and
// the command are not). Matching follows trycmd: `[..]` matches within a
// line, a line `...` matches any lines; panic locations and test timings are
// normalised on both sides.

#include "book/listing.hpp"
#include "check/claims.hpp"
#include "check/compare.hpp"
#include "check/expectation.hpp"

#include <map>
#include <string>

namespace snipcheck::check {

using OutputBlocks = std::map<std::string, OutputBlock>; // by the id of the listing they follow

// Output blocks of a Markdown book: a block whose info string's first token
// is one of settings.output_blocks, separated from the Rust listing before it
// by blank lines only.
OutputBlocks find_output_blocks(const book::Book& book, const MarkdownSettings& settings);

// Builds the block's expectation from its text: a transcript or plain output.
OutputBlock make_output_block(const book::Listing& block);

// Whether `actual` matches the trycmd-style `expected`.
bool output_matches(const std::string& expected, const std::string& actual);

// What the program printed, as the block would show it: stdout, and for a
// transcript stderr after it; normalised.
std::string printed_output(const OutputBlock& block, const Observed& observed);

// A passing verdict becomes an OutputMismatch when the listing has an output
// block that its program's output does not match.
Verdict check_output_block(Verdict verdict, const Expectation& expectation, const Observed& observed);

// The block as it should read for what the program printed (for bless, which
// never edits the book), fences included.
std::string corrected_output_block(const OutputBlock& block, const Observed& observed);

} // namespace snipcheck::check
