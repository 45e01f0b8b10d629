#include "util/text.hpp"

#include "util/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace snipcheck::text {

std::vector<std::string> split_lines(std::string_view text)
{
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    auto line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.emplace_back(line);
    start = end + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines)
{
  std::string text;
  for (const auto& line : lines) {
    text += line;
    text += '\n';
  }
  return text;
}

std::string_view trim(std::string_view text)
{
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::string_view trim_end(std::string_view text)
{
  const auto last = text.find_last_not_of(" \t\r");
  return last == std::string_view::npos ? std::string_view{} : text.substr(0, last + 1);
}

bool is_blank(std::string_view text)
{
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_word_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

std::size_t skip_spaces(std::string_view text, std::size_t pos)
{
  while (pos < text.size() && is_space(text[pos])) {
    ++pos;
  }
  return pos;
}

bool starts_with_word(std::string_view text, std::string_view word)
{
  if (!text.starts_with(word)) {
    return false;
  }
  return text.size() == word.size() || text[word.size()] == ' ' || text[word.size()] == '\t';
}

std::optional<int> first_invalid_utf8_line(std::string_view text)
{
  int line = 1;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') {
      ++line;
    }
    int continuation = 0;
    if (byte < 0x80) {
      continuation = 0;
    } else if ((byte & 0xE0) == 0xC0 && byte >= 0xC2) {
      continuation = 1;
    } else if ((byte & 0xF0) == 0xE0) {
      continuation = 2;
    } else if ((byte & 0xF8) == 0xF0 && byte <= 0xF4) {
      continuation = 3;
    } else {
      return line;
    }
    if (i + continuation >= text.size() && continuation > 0) {
      return line;
    }
    for (int k = 1; k <= continuation; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
        return line;
      }
    }
    i += continuation + 1;
  }
  return std::nullopt;
}

bool looks_binary(std::string_view text)
{
  return text.substr(0, 8192).find('\0') != std::string_view::npos;
}

std::string fnv1a_hex(std::string_view data)
{
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", hash);
}

LineIndex::LineIndex(std::string_view text)
  : m_text(text)
{
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      m_line_starts.push_back(i + 1);
    }
  }
}

int LineIndex::line_of(std::size_t offset) const
{
  return static_cast<int>(std::upper_bound(m_line_starts.begin(), m_line_starts.end(), offset) - m_line_starts.begin());
}

int LineIndex::line_of(const char* pointer) const
{
  if (pointer < m_text.data() || pointer >= m_text.data() + m_text.size()) {
    return 0;
  }
  return line_of(static_cast<std::size_t>(pointer - m_text.data()));
}

std::string read_file(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path, 0, fmt::format("cannot read: {}", std::strerror(errno)));
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content)
{
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  const auto temporary = path.string() + fmt::format(".tmp.{}", ::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::filesystem::remove(temporary, ec);
      throw Fatal(fmt::format("cannot write {}: {}; check that the folder exists and is writable", path.string(),
                              std::strerror(errno)));
    }
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw Fatal(fmt::format("cannot write {}: {}", path.string(), ec.message()));
  }
}

bool write_file_if_changed(const std::filesystem::path& path, std::string_view content)
{
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream existing;
    existing << in.rdbuf();
    if (existing.str() == content) {
      return false;
    }
  }
  write_file_atomically(path, content);
  return true;
}

} // namespace snipcheck::text
