#pragma once
// Text a listing produced (its output, a panic message, a compiler message
// quoting its string literals) is data, and hostile data at that: any bytes,
// terminal escapes, lines that a CI runner reads as commands. Reports pass it
// through these functions before it reaches a terminal, a log or a file.

#include <string>
#include <string_view>

namespace snipcheck::report {

// Lossy UTF-8 (util/utf8.hpp) with every control character not in `kept`
// (C0, DEL, C1 U+0080..U+009F) written as Rust writes it in a string literal:
// `\0`, `\r`, `\u{1b}`, `\u{7f}`, `\u{9b}`. A backslash is left as it is.
std::string escape_controls(std::string_view text, std::string_view kept);

// One line of listing text for a terminal or a CI log: escape_controls
// keeping only tab, and GitHub's legacy command prefix `##[`, which the runner
// obeys anywhere in a line, written `##\u{5b}`.
std::string terminal_safe(std::string_view text);

// Each line of `text`, terminal_safe, after `prefix` and ending in a newline
// ("  | "): the prefix is not blank, so no line of the text can start a line
// of output, not even for GitHub's runner, which skips leading blanks.
std::string quoted_lines(std::string_view text, std::string_view prefix);

// `text` continuing a line of snipcheck's own: its first line as it is, each
// later line after "\n" and `continuation` (all of it terminal_safe).
std::string continued_lines(std::string_view text, std::string_view continuation);

} // namespace snipcheck::report
