#include "book/listing.hpp"

#include "book/latex_reader.hpp"
#include "book/markdown_reader.hpp"
#include "book/text_reader.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace snipcheck::book {

int Listing::first_line() const
{
  for (const auto& line : lines) {
    if (!line.hidden && line.file_index == 0) {
      return line.source_line;
    }
  }
  return fence_line;
}

int Listing::last_line() const
{
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (!it->hidden && it->file_index == 0) {
      return it->source_line;
    }
  }
  return fence_line;
}

std::string Listing::visible_text() const
{
  std::string result;
  for (const auto& line : lines) {
    if (!line.hidden) {
      result += line.text;
      result += '\n';
    }
  }
  return result;
}

std::string Listing::fingerprint() const
{
  std::string normalized;
  for (const auto& line : lines) {
    if (!line.hidden) {
      normalized += text::trim_end(line.text);
      normalized += '\n';
    }
  }
  while (normalized.starts_with('\n')) {
    normalized.erase(0, 1);
  }
  while (normalized.ends_with("\n\n")) {
    normalized.pop_back();
  }
  return text::fnv1a_hex(normalized);
}

std::string make_listing_id(int chapter, const std::string& section, int ordinal)
{
  return fmt::format("ch{:02}/{}-{}", chapter, section, ordinal);
}

Book read_book(const std::filesystem::path& path)
{
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    if (std::filesystem::exists(path / "book.toml")) {
      return read_mdbook(path);
    }
    throw InputError(path, 0, "is a folder without book.toml; pass a book file or an mdBook folder");
  }
  if (!std::filesystem::exists(path, ec)) {
    throw InputError(path, 0, "book not found; pass an existing file with --book");
  }
  const auto extension = path.extension().string();
  if (extension == ".md" || extension == ".markdown") {
    return read_markdown_file(path);
  }
  if (extension == ".tex") {
    return read_latex_file(path);
  }
  return read_text_book(path);
}

} // namespace snipcheck::book
