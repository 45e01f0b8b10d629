#include "book/listing.hpp"

#include "book/latex_reader.hpp"
#include "book/markdown_reader.hpp"
#include "book/mdbook_reader.hpp"
#include "book/text_reader.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

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

namespace {

// Bytes of the UTF-8 sequence starting with `lead` (1 for anything malformed).
std::size_t utf8_length(unsigned char lead)
{
  if (lead >= 0xF0 && lead < 0xF8)
    return 4;
  if (lead >= 0xE0)
    return lead < 0xF0 ? 3 : 1;
  if (lead >= 0xC0)
    return 2;
  return 1;
}

bool is_identifier_byte(char c)
{
  return text::is_word_char(c) || static_cast<unsigned char>(c) >= 0x80;
}

// Where a "..." literal starting at `open` ends (one past its closing quote).
std::size_t end_of_string(std::string_view code, std::size_t open)
{
  for (auto pos = open + 1; pos < code.size(); ++pos) {
    if (code[pos] == '\\') {
      ++pos;
    } else if (code[pos] == '"') {
      return pos + 1;
    }
  }
  return code.size();
}

// A raw string r"..." / r#"..."# whose `r` is at `start`, or npos when it is not one.
std::size_t end_of_raw_string(std::string_view code, std::size_t start)
{
  auto pos = start + 1;
  std::size_t hashes = 0;
  while (pos < code.size() && code[pos] == '#') {
    ++hashes;
    ++pos;
  }
  if (pos >= code.size() || code[pos] != '"') {
    return std::string_view::npos;
  }
  const auto closing = "\"" + std::string(hashes, '#');
  const auto end = code.find(closing, pos + 1);
  return end == std::string_view::npos ? code.size() : end + closing.size();
}

// A char literal 'x' / '\n' / 'é' starting at `open`, or npos for a lifetime 'a.
std::size_t end_of_char(std::string_view code, std::size_t open)
{
  auto pos = open + 1;
  if (pos >= code.size()) {
    return std::string_view::npos;
  }
  if (code[pos] == '\\') {
    const auto close = code.find('\'', pos + 2);
    return close == std::string_view::npos ? std::string_view::npos : close + 1;
  }
  pos += utf8_length(static_cast<unsigned char>(code[pos]));
  return pos < code.size() && code[pos] == '\'' ? pos + 1 : std::string_view::npos;
}

std::vector<std::string> rust_tokens(std::string_view code)
{
  std::vector<std::string> tokens;
  std::size_t pos = 0;
  while (pos < code.size()) {
    const char c = code[pos];
    if (text::is_space(c)) {
      ++pos;
    } else if (code.substr(pos).starts_with("//")) {
      const auto end = code.find('\n', pos);
      pos = end == std::string_view::npos ? code.size() : end;
    } else if (code.substr(pos).starts_with("/*")) {
      int depth = 0; // block comments nest in Rust
      while (pos < code.size()) {
        if (code.substr(pos).starts_with("/*")) {
          ++depth;
          pos += 2;
        } else if (code.substr(pos).starts_with("*/")) {
          pos += 2;
          if (--depth == 0) {
            break;
          }
        } else {
          ++pos;
        }
      }
    } else if (c == '"') {
      const auto end = end_of_string(code, pos);
      tokens.emplace_back(code.substr(pos, end - pos));
      pos = end;
    } else if (c == '\'') {
      const auto end = end_of_char(code, pos);
      if (end == std::string_view::npos) {
        tokens.emplace_back("'"); // a lifetime: the name follows as an identifier
        ++pos;
      } else {
        tokens.emplace_back(code.substr(pos, end - pos));
        pos = end;
      }
    } else if (is_identifier_byte(c)) {
      auto end = pos;
      while (end < code.size() && is_identifier_byte(code[end])) {
        ++end;
      }
      const auto word = code.substr(pos, end - pos);
      if ((word == "r" || word == "br" || word == "cr") && end < code.size() && (code[end] == '#' || code[end] == '"')) {
        const auto raw_end = end_of_raw_string(code, end - 1);
        if (raw_end != std::string_view::npos) {
          tokens.emplace_back(code.substr(pos, raw_end - pos));
          pos = raw_end;
          continue;
        }
      }
      tokens.emplace_back(word);
      pos = end;
    } else {
      tokens.emplace_back(1, c);
      ++pos;
    }
  }
  return tokens;
}

std::vector<std::string> words(std::string_view content)
{
  std::vector<std::string> tokens;
  std::size_t pos = 0;
  while (pos < content.size()) {
    pos = text::skip_spaces(content, pos);
    auto end = pos;
    while (end < content.size() && !text::is_space(content[end])) {
      ++end;
    }
    if (end > pos) {
      tokens.emplace_back(content.substr(pos, end - pos));
    }
    pos = end;
  }
  return tokens;
}

// The fingerprint of versions before 0.2: the visible bytes, trailing blanks removed.
std::string byte_fingerprint(const Listing& listing)
{
  std::string normalized;
  for (const auto& line : listing.lines) {
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

} // namespace

std::vector<std::string> fingerprint_tokens(std::string_view code, bool is_rust)
{
  return is_rust ? rust_tokens(code) : words(code);
}

std::string Listing::fingerprint() const
{
  // A unit separator between tokens: `a b` and `ab` differ, `a+b` and `a + b` do not.
  std::string material = "tokens/1";
  for (const auto& token : fingerprint_tokens(visible_text(), is_rust)) {
    material += '\x1f';
    material += token;
  }
  return text::fnv1a_hex(material);
}

bool Listing::matches_fingerprint(std::string_view recorded) const
{
  return recorded == fingerprint() || recorded == byte_fingerprint(*this);
}

bool has_explicit_id(const Listing& listing)
{
  return listing.id != make_listing_id(listing.chapter, listing.section, listing.ordinal);
}

std::map<std::string, std::string> Listing::declarations() const
{
  // Not `crate`: `extern crate x;` names a crate, the very thing that may be missing.
  static constexpr std::string_view declaring[] = {"mod",   "fn",    "struct", "enum",        "trait", "type",
                                                   "union", "const", "static", "macro_rules", "as"};
  std::map<std::string, std::string> names;
  for (const auto& listing_line : lines) {
    std::string_view line = listing_line.text;
    line = line.substr(0, line.find("//"));
    std::string_view previous;
    for (std::size_t pos = 0; pos < line.size();) {
      if (!text::is_word_char(line[pos])) {
        ++pos;
        continue;
      }
      auto end = pos;
      while (end < line.size() && text::is_word_char(line[end])) {
        ++end;
      }
      const auto word = line.substr(pos, end - pos);
      if (std::find(std::begin(declaring), std::end(declaring), previous) != std::end(declaring)) {
        names.emplace(word, previous);
      }
      // `static mut X`, `macro_rules! x`: the name comes after `mut` / `!`.
      if (word != "mut") {
        previous = word;
      }
      pos = end;
    }
  }
  return names;
}

std::string make_listing_id(int chapter, const std::string& section, int ordinal)
{
  return fmt::format("ch{:02}/{}-{}", chapter, section, ordinal);
}

namespace {

Book read_book_as_given(const std::filesystem::path& path, const ReadSettings& settings)
{
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    if (std::filesystem::exists(path / "book.toml")) {
      return read_mdbook(path, settings);
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
    return read_latex_file(path, settings);
  }
  return read_text_book(path);
}

} // namespace

std::filesystem::path display_path(const std::filesystem::path& path, const std::filesystem::path& working_folder)
{
  if (path.empty()) {
    return path;
  }
  const auto absolute = (working_folder / path).lexically_normal(); // an absolute `path` replaces the folder
  auto relative = absolute.lexically_relative(working_folder.lexically_normal());
  // Sharing nothing but `/`, a path reads better absolute than as ../../../tmp/book.md.
  const auto first_of = [](const std::filesystem::path& p) {
    return std::next(p.begin()) == p.end() ? std::filesystem::path() : *std::next(p.begin());
  };
  if (relative.empty() || (*relative.begin() == ".." && first_of(absolute) != first_of(working_folder))) {
    return absolute;
  }
  return relative;
}

Book read_book(const std::filesystem::path& path, const ReadSettings& settings)
{
  // Every path the book reports (reports, JUnit file=, GitHub annotations,
  // error messages) is made here, once: relative to the working folder and
  // normalised, so `./src/./ch1.md` and `/abs/book/./src/ch1.md` both read
  // `src/ch1.md`, as the files of a pull request do.
  std::error_code ec;
  const auto working_folder = std::filesystem::current_path(ec);
  const auto shown = [&](const std::filesystem::path& file) {
    return ec ? file.lexically_normal() : display_path(file, working_folder);
  };
  try {
    auto book = read_book_as_given(shown(path), settings);
    book.path = shown(book.path);
    for (auto& notice : book.notices) {
      notice.file = shown(notice.file);
    }
    for (auto& listing : book.listings) {
      for (auto& file : listing.files) {
        file = shown(file);
      }
      for (const auto& [name, keyword] : listing.declarations()) {
        if (keyword == "mod" && listing.is_rust) {
          book.module_names.insert(name);
        }
      }
    }
    return book;
  } catch (const InputError& error) {
    auto problems = error.problems();
    for (auto& problem : problems) {
      problem.file = shown(problem.file);
    }
    throw InputError(std::move(problems));
  }
}

} // namespace snipcheck::book
