#include "book/text_reader.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace snipcheck::book {

namespace {

struct RawLine
{
  std::string text;
  int line = 0;
};

// One ``` ... ``` block as it stands in the file.
struct Fence
{
  int open_line = 0;
  int close_line = 0; // 0: never closed, the block runs to the end of the book
  std::string info;
  std::vector<RawLine> body;
  int chapter = 0;
  std::string chapter_title;
  std::string section;
};

struct NumberedLine
{
  int number = 0;
  std::string content;
  int line = 0;
};

bool is_digit(char c)
{
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

std::size_t count_digits(std::string_view text)
{
  std::size_t n = 0;
  while (n < text.size() && is_digit(text[n])) {
    ++n;
  }
  return n;
}

// "Chapter 3" -> 3
std::optional<int> chapter_heading(std::string_view line)
{
  line = text::trim(line);
  if (!line.starts_with("Chapter")) {
    return std::nullopt;
  }
  auto rest = text::trim(line.substr(7));
  const auto digits = count_digits(rest);
  if (digits == 0 || digits != rest.size() || digits > 4 || line.size() == 7 || (line[7] != ' ' && line[7] != '\t')) {
    return std::nullopt;
  }
  return std::stoi(std::string(rest));
}

// "2.3 Lifetime Elision" -> "2.3" (at least two numeric components).
std::optional<std::string> section_heading(std::string_view line)
{
  std::size_t pos = 0;
  int components = 0;
  while (true) {
    const auto digits = count_digits(line.substr(pos));
    if (digits == 0 || digits > 4) {
      return std::nullopt;
    }
    pos += digits;
    ++components;
    if (pos < line.size() && line[pos] == '.' && pos + 1 < line.size() && is_digit(line[pos + 1])) {
      ++pos;
      continue;
    }
    break;
  }
  if (components < 2 || pos >= line.size() || (line[pos] != ' ' && line[pos] != '\t')) {
    return std::nullopt;
  }
  if (text::trim(line.substr(pos)).empty()) {
    return std::nullopt;
  }
  return std::string(line.substr(0, pos));
}

bool fence_marker(std::string_view line)
{
  return text::trim(line).starts_with("```");
}

// A block is printed with a gutter when every non-blank line starts with a
// line number followed by a blank, a '|' or the end of the line.
bool has_gutter(const std::vector<RawLine>& body)
{
  bool any = false;
  for (const auto& raw : body) {
    const auto trimmed = text::trim_end(raw.text);
    if (trimmed.empty()) {
      continue;
    }
    const auto digits = count_digits(trimmed);
    // More than nine digits is code, not a line number (and would overflow
    // the int that strip_gutter parses it into).
    if (digits == 0 || digits > 9) {
      return false;
    }
    if (digits < trimmed.size() && trimmed[digits] != ' ' && trimmed[digits] != '\t' && trimmed[digits] != '|') {
      return false;
    }
    any = true;
  }
  return any;
}

// Removes the gutter. Two layouts occur: "N | code", and a number column
// either padded to a fixed width ("8  #[repr]" beside "10 // x") or followed
// by exactly one blank; padding is recognised when every numbered line of the
// fragment has it.
std::vector<NumberedLine> strip_gutter(const std::vector<RawLine>& body)
{
  struct Split
  {
    int number;
    std::string_view rest;
    int line;
    std::size_t digits;
  };
  std::vector<Split> splits;
  std::size_t widest = 0;
  for (const auto& raw : body) {
    const auto trimmed = text::trim_end(raw.text);
    if (trimmed.empty()) {
      continue;
    }
    const auto digits = count_digits(trimmed);
    splits.push_back({std::stoi(std::string(trimmed.substr(0, digits))), trimmed.substr(digits), raw.line, digits});
    widest = std::max(widest, digits);
  }
  const auto is_pipe = [](std::string_view rest) { return text::trim(rest).starts_with('|'); };
  // Padding needs evidence: a short number followed by exactly the padding and
  // then code ("8  #[repr"); "9     }" alone could be either layout.
  bool padded = true;
  bool evidence = false;
  for (const auto& split : splits) {
    if (is_pipe(split.rest) || split.rest.empty()) {
      continue;
    }
    const auto pad = widest + 1 - split.digits;
    if (split.rest.size() < pad || split.rest.substr(0, pad).find_first_not_of(' ') != std::string_view::npos) {
      padded = false;
    } else if (pad > 1 && split.rest.size() > pad && split.rest[pad] != ' ') {
      evidence = true;
    }
  }
  padded = padded && evidence;
  std::vector<NumberedLine> lines;
  for (const auto& split : splits) {
    std::string_view content = split.rest;
    if (is_pipe(content)) {
      content = content.substr(content.find('|') + 1);
      if (content.starts_with(' ')) {
        content.remove_prefix(1);
      }
    } else if (padded) {
      content.remove_prefix(std::min(content.size(), widest + 1 - split.digits));
    } else if (content.starts_with(' ') || content.starts_with('\t')) {
      content.remove_prefix(1);
    }
    lines.push_back({split.number, std::string(text::trim_end(content)), split.line});
  }
  return lines;
}

std::vector<Fence> find_fences(const std::vector<std::string>& lines)
{
  std::vector<Fence> fences;
  int chapter = 0;
  std::string chapter_title;
  bool title_next = false; // the first text line after "Chapter N" is its title
  std::string section;
  std::optional<Fence> open;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int line_number = static_cast<int>(i) + 1;
    const auto& line = lines[i];
    if (open) {
      if (fence_marker(line) && text::trim(line) == "```") {
        open->close_line = line_number;
        fences.push_back(std::move(*open));
        open.reset();
      } else {
        open->body.push_back({line, line_number});
      }
      continue;
    }
    if (fence_marker(line)) {
      open = Fence{};
      open->open_line = line_number;
      open->info = std::string(text::trim(text::trim(line).substr(3)));
      open->chapter = chapter;
      open->chapter_title = chapter_title;
      open->section = section.empty() ? std::to_string(chapter) : section;
      continue;
    }
    if (auto number = chapter_heading(line)) {
      chapter = *number;
      chapter_title.clear();
      title_next = true;
      section.clear();
      continue;
    }
    if (title_next && !text::is_blank(line)) {
      chapter_title = std::string(text::trim(line)); // and it may be a section heading too
      title_next = false;
    }
    if (chapter > 0) {
      if (auto heading = section_heading(line)) {
        if (heading->substr(0, heading->find('.')) == std::to_string(chapter)) {
          section = *heading;
        }
      }
    }
  }
  if (open) {
    // As CommonMark reads it: the block runs to the end of the book, and is reported as that listing's problem.
    fences.push_back(std::move(*open));
  }
  return fences;
}

bool only_blank_between(const std::vector<std::string>& lines, int after_line, int before_line)
{
  for (int n = after_line + 1; n < before_line; ++n) {
    if (!text::trim(lines[static_cast<std::size_t>(n - 1)]).empty()) {
      return false;
    }
  }
  return true;
}

bool info_says_rust(const std::string& info)
{
  const auto language = info.substr(0, info.find_first_of(" ,{"));
  return language == "rust" || language == "rs";
}

// A block without a gutter: its lines as written, less blank lines next to the fences (layout, not content).
std::vector<ListingLine> plain_lines(const Fence& fence)
{
  std::vector<ListingLine> lines;
  for (const auto& raw : fence.body) {
    lines.push_back({std::string(text::trim_end(raw.text)), raw.line});
  }
  while (!lines.empty() && lines.front().text.empty()) {
    lines.erase(lines.begin());
  }
  while (!lines.empty() && lines.back().text.empty()) {
    lines.pop_back();
  }
  return lines;
}

// A block with a gutter, joined with the blocks after it that continue its
// numbering across page breaks; returns the index of the last block taken.
std::size_t add_numbered_lines(const std::vector<Fence>& fences, std::size_t i, const std::vector<std::string>& lines,
                               Listing& listing)
{
  // Number -> line; a fragment after a page break continues the numbering.
  std::map<int, NumberedLine> numbered;
  auto absorb = [&numbered](const std::vector<NumberedLine>& fragment) {
    for (const auto& line : fragment) {
      auto [it, inserted] = numbered.try_emplace(line.number, line);
      // A line repeated across the break: keep the intact (longer) copy.
      if (!inserted && line.content.size() > it->second.content.size()) {
        it->second = line;
      }
    }
  };
  absorb(strip_gutter(fences[i].body));
  while (i + 1 < fences.size() && !numbered.empty()) {
    const auto& next = fences[i + 1];
    if (!has_gutter(next.body) || !next.info.empty() ||
        !only_blank_between(lines, fences[i].close_line, next.open_line)) {
      break;
    }
    const auto next_lines = strip_gutter(next.body);
    const int last = numbered.rbegin()->first;
    if (next_lines.empty() || next_lines.front().number <= 1 || next_lines.front().number > last + 1) {
      break;
    }
    absorb(next_lines);
    ++i;
  }
  for (const auto& [number, line] : numbered) {
    listing.lines.push_back({line.content, line.line});
  }
  return i;
}

} // namespace

Book parse_text_book(std::string_view content, const std::filesystem::path& path)
{
  content = text::strip_utf8_bom(content);
  if (text::looks_binary(content)) {
    throw InputError(path, 0, "is a binary file, not a book (it contains NUL bytes)");
  }
  if (auto bad_line = text::first_invalid_utf8_line(content)) {
    throw InputError(path, *bad_line, "invalid UTF-8; save the book as UTF-8");
  }
  const auto lines = text::split_lines(content);
  const auto fences = find_fences(lines);

  Book book;
  book.path = path;
  book.format = Format::plain_text;
  std::map<std::string, int> ordinals; // section -> listings so far

  for (std::size_t i = 0; i < fences.size(); ++i) {
    const auto& fence = fences[i];
    Listing listing;
    listing.chapter = fence.chapter;
    listing.chapter_title = fence.chapter_title;
    listing.section = fence.section;
    listing.files = {path};
    listing.fence_line = fence.open_line;
    listing.info = fence.info;

    if (!has_gutter(fence.body)) {
      listing.is_rust = info_says_rust(fence.info);
      listing.lines = plain_lines(fence);
    } else {
      listing.is_rust = fence.info.empty() || info_says_rust(fence.info);
      i = add_numbered_lines(fences, i, lines, listing);
    }
    listing.close_line = fences[i].close_line; // the last fragment's, after a page break
    if (listing.close_line == 0) {
      listing.problems.push_back({path, fences[i].open_line,
                                  "code fence opened here is never closed (add a line with ``` after the listing)"});
    }
    listing.ordinal = ++ordinals[listing.section];
    listing.id = make_listing_id(listing.chapter, listing.section, listing.ordinal);
    book.listings.push_back(std::move(listing));
  }
  return book;
}

Book read_text_book(const std::filesystem::path& path)
{
  const auto content = text::read_file(path);
  if (text::is_blank(content)) {
    throw InputError(path, 0, "the book is empty");
  }
  return parse_text_book(content, path);
}

} // namespace snipcheck::book
