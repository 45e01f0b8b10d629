#pragma once
// UTF-8 as it is met in a listing's output: any bytes at all. Decoding one
// sequence at a time (Unicode 15, table 3-7), and the lossy text that reports
// show, where each invalid sequence becomes U+FFFD.

#include <cstddef>
#include <string>
#include <string_view>

namespace snipcheck::text {

struct Utf8Sequence
{
  std::size_t length = 1; // bytes; for an invalid sequence, its maximal subpart (at least 1)
  bool valid = true;
};

// The sequence starting at `text[pos]` (pos < text.size()). Stray or missing
// continuation bytes, overlong forms, encoded surrogates and code points above
// U+10FFFF are invalid; `length` then follows Unicode's "substitution of
// maximal subparts", so lossy_utf8 replaces as WHATWG's decoder and Rust's
// String::from_utf8_lossy do.
Utf8Sequence utf8_sequence_at(std::string_view text, std::size_t pos);

bool is_valid_utf8(std::string_view text);
// The text with each invalid sequence replaced by U+FFFD; valid text is unchanged.
std::string lossy_utf8(std::string_view text);

} // namespace snipcheck::text
