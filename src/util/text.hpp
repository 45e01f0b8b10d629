#pragma once
// Small text helpers shared by every stage: line splitting, trimming, hashing,
// UTF-8 validation and atomic file writes.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::text {

// Splits on '\n', dropping one '\r' before it; a final newline adds no empty line.
std::vector<std::string> split_lines(std::string_view text);
std::string join_lines(const std::vector<std::string>& lines); // each line ends in '\n'

std::string_view trim(std::string_view text);
std::string_view trim_end(std::string_view text);
bool is_blank(std::string_view text); // only spaces, tabs and line breaks

// Hand-written scanning, where std::regex would recurse per character and
// overflow the stack on long lines: \s (ASCII), \w, and skipping blanks.
bool is_space(char c);
bool is_word_char(char c);
std::size_t skip_spaces(std::string_view text, std::size_t pos);
bool starts_with_word(std::string_view text, std::string_view word);

// The text without a leading UTF-8 byte order mark (editors on Windows write one).
std::string_view strip_utf8_bom(std::string_view text);

// 1-based line of the first invalid UTF-8 sequence, if any: stray or missing
// continuation bytes, overlong forms, encoded surrogates, code points above U+10FFFF.
std::optional<int> first_invalid_utf8_line(std::string_view text);
bool looks_binary(std::string_view text); // NUL bytes in the first 8 KiB

// 64-bit FNV-1a as 16 lowercase hex digits: stable across platforms and runs.
std::string fnv1a_hex(std::string_view data);

// 1-based line of a byte offset into a text (for parsers that report offsets or pointers).
class LineIndex
{
public:
  explicit LineIndex(std::string_view text);
  int line_of(std::size_t offset) const;
  // For a pointer into the indexed text; 0 when it points elsewhere.
  int line_of(const char* pointer) const;

private:
  std::string_view m_text;
  std::vector<std::size_t> m_line_starts{0};
};

// Reads a regular file of at most `max_file_size` bytes; anything else (a
// device, a FIFO, a file of /proc or /sys, a larger file) and unreadable files
// throw InputError. The size is checked before a byte is read, and a FIFO is
// never opened. LastLink::refuse: a symlink named by `path` itself is refused
// (for a path already resolved and checked, see book/include_roots.hpp).
constexpr std::uintmax_t max_file_size = 1ULL << 30;
enum class LastLink { follow, refuse };
std::string read_file(const std::filesystem::path& path, LastLink last_link = LastLink::follow);
// Where a write to `path` lands: through symlinks (dangling ones too, so a
// write creates their target and they stay symlinks), else `path` itself.
std::filesystem::path write_target(const std::filesystem::path& path);
// Writes to a temporary file beside write_target(path) and renames it over
// that, so a crash leaves either the old file or the new one, and a symlink
// stays a symlink. Throws Fatal.
// `new_file_mode` (less the umask) applies only when the file does not exist yet.
void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           unsigned new_file_mode = 0666);
// Writes only when the content differs, keeping mtimes (and cargo's freshness) intact.
bool write_file_if_changed(const std::filesystem::path& path, std::string_view content);

} // namespace snipcheck::text
