#include "report/escape.hpp"

#include "util/text.hpp"
#include "util/utf8.hpp"

#include <fmt/format.h>

namespace snipcheck::report {

namespace {

std::string rust_escape(unsigned code_point)
{
  switch (code_point) {
  case 0: return "\\0";
  case '\t': return "\\t";
  case '\n': return "\\n";
  case '\r': return "\\r";
  default: return fmt::format("\\u{{{:x}}}", code_point);
  }
}

} // namespace

std::string escape_controls(std::string_view text, std::string_view kept)
{
  const auto valid = text::lossy_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (std::size_t pos = 0; pos < valid.size();) {
    const auto length = text::utf8_sequence_at(valid, pos).length;
    const auto first = static_cast<unsigned char>(valid[pos]);
    if (length == 1 && (first < 0x20 || first == 0x7F) && kept.find(valid[pos]) == std::string_view::npos) {
      out += rust_escape(first);
    } else if (length == 2 && first == 0xC2 && static_cast<unsigned char>(valid[pos + 1]) < 0xA0) {
      out += rust_escape(static_cast<unsigned char>(valid[pos + 1])); // C1: U+0080..U+009F
    } else {
      out.append(valid, pos, length);
    }
    pos += length;
  }
  return out;
}

std::string terminal_safe(std::string_view text)
{
  auto out = escape_controls(text, "\t");
  for (auto at = out.find("##["); at != std::string::npos; at = out.find("##[", at)) {
    out.replace(at + 2, 1, "\\u{5b}");
  }
  return out;
}

std::string quoted_lines(std::string_view text, std::string_view prefix)
{
  std::string out;
  for (const auto& line : text::split_lines(text)) {
    out += fmt::format("{}{}\n", prefix, terminal_safe(line));
  }
  return out;
}

std::string continued_lines(std::string_view text, std::string_view continuation)
{
  std::string out;
  const auto lines = text::split_lines(text);
  for (std::size_t k = 0; k < lines.size(); ++k) {
    out += k == 0 ? terminal_safe(lines[k]) : fmt::format("\n{}{}", continuation, terminal_safe(lines[k]));
  }
  return out;
}

} // namespace snipcheck::report
