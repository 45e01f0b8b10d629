#include "util/utf8.hpp"

namespace snipcheck::text {

Utf8Sequence utf8_sequence_at(std::string_view text, std::size_t pos)
{
  const auto byte = static_cast<unsigned char>(text[pos]);
  std::size_t continuation = 0;
  // The range the second byte must fall in (table 3-7): it rules out overlong
  // forms, surrogates (ED A0..BF) and code points above U+10FFFF.
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
  if (byte < 0x80) {
    return {1, true};
  } else if (byte >= 0xC2 && byte <= 0xDF) {
    continuation = 1;
  } else if (byte >= 0xE0 && byte <= 0xEF) {
    continuation = 2;
    second_low = byte == 0xE0 ? 0xA0 : 0x80;
    second_high = byte == 0xED ? 0x9F : 0xBF;
  } else if (byte >= 0xF0 && byte <= 0xF4) {
    continuation = 3;
    second_low = byte == 0xF0 ? 0x90 : 0x80;
    second_high = byte == 0xF4 ? 0x8F : 0xBF;
  } else {
    return {1, false};
  }
  for (std::size_t k = 1; k <= continuation; ++k) {
    if (pos + k >= text.size()) {
      return {k, false};
    }
    const auto next = static_cast<unsigned char>(text[pos + k]);
    const auto low = k == 1 ? second_low : static_cast<unsigned char>(0x80);
    const auto high = k == 1 ? second_high : static_cast<unsigned char>(0xBF);
    if (next < low || next > high) {
      return {k, false};
    }
  }
  return {continuation + 1, true};
}

bool is_valid_utf8(std::string_view text)
{
  for (std::size_t pos = 0; pos < text.size();) {
    const auto sequence = utf8_sequence_at(text, pos);
    if (!sequence.valid) {
      return false;
    }
    pos += sequence.length;
  }
  return true;
}

std::string lossy_utf8(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const auto sequence = utf8_sequence_at(text, pos);
    if (sequence.valid) {
      out.append(text.substr(pos, sequence.length));
    } else {
      out += "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER
    }
    pos += sequence.length;
  }
  return out;
}

} // namespace snipcheck::text
