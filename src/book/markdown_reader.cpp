#include "book/markdown_reader.hpp"

#include "book/markdown_headings.hpp"
#include "book/markdown_scanner.hpp"
#include "book/rustdoc_rules.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <optional>
#include <variant>

namespace snipcheck::book {

namespace {

namespace fs = std::filesystem;

// Where listings go in the book's numbering while one document is read.
struct Numbering
{
  enum class Chapters { from_h1, given };
  Chapters chapters = Chapters::from_h1;
  int chapter = 0;
  std::string title;         // the chapter's title: its SUMMARY.md entry, or its H1
  std::vector<int> base;     // the document's own number: {2} or {2, 3}; empty when unnumbered
  std::vector<int> counters; // the current section

  std::string section() const
  {
    return counters.empty() ? std::string("0") : fmt::format("{}", fmt::join(counters, "."));
  }
};

void apply_heading(const MarkdownHeading& heading, Numbering& numbering, int& last_chapter)
{
  if (heading.level == 1) {
    if (numbering.chapters == Numbering::Chapters::from_h1) {
      numbering.chapter = chapter_number_in_title(heading.text).value_or(last_chapter + 1);
      numbering.title = heading.text;
      last_chapter = numbering.chapter;
      numbering.base = {numbering.chapter};
      numbering.counters = numbering.base;
    }
    return; // in an mdBook chapter, the H1 is the chapter's title
  }
  if (numbering.base.empty()) {
    return; // unnumbered chapters have no sections
  }
  if (auto number = section_number_in_title(heading.text); number && number->front() == numbering.chapter) {
    numbering.counters = *number;
    return;
  }
  numbering.counters.resize(numbering.base.size() + static_cast<std::size_t>(heading.level) - 1, 0);
  ++numbering.counters.back();
}

} // namespace

// Turns the code blocks of each document into Listings, numbering them book-wide.
class MarkdownListings::Maker
{
public:
  explicit Maker(Book& book)
    : m_book(book)
  {}

  void add_document(const ExpandedText& document, Numbering numbering)
  {
    const auto first_listing = m_book.listings.size();
    for (const auto& event : scan_markdown(document.joined())) {
      if (const auto* heading = std::get_if<MarkdownHeading>(&event)) {
        apply_heading(*heading, numbering, m_last_chapter);
      } else {
        add_listing(document, std::get<MarkdownCodeBlock>(event), numbering);
      }
    }
    for (const auto& problem : document.problems) {
      const auto holder =
          std::find_if(m_book.listings.begin() + static_cast<std::ptrdiff_t>(first_listing), m_book.listings.end(),
                       [&](const Listing& listing) { return shows_line(listing, problem.file, problem.line); });
      (holder != m_book.listings.end() ? holder->problems : m_book.problems).push_back(problem);
    }
  }

private:
  // Whether a link at `line` of `file` stood inside the listing: a line of it, or between its fences.
  static bool shows_line(const Listing& listing, const fs::path& file, int line)
  {
    const int end = std::max(listing.close_line, listing.last_line());
    if (file == listing.files.front() && line >= listing.fence_line && line <= end) {
      return true;
    }
    return std::any_of(listing.lines.begin(), listing.lines.end(), [&](const ListingLine& own) {
      return own.source_line == line && listing.files.at(static_cast<std::size_t>(own.file_index)) == file;
    });
  }

  static const SourceLine& origin(const ExpandedText& document, int line)
  {
    return document.lines.at(
        static_cast<std::size_t>(std::clamp(line, 1, static_cast<int>(document.lines.size())) - 1));
  }

  static const fs::path& file_of(const ExpandedText& document, const SourceLine& line)
  {
    return document.files.at(static_cast<std::size_t>(line.file_index));
  }

  int fence_line_of(const ExpandedText& document, const MarkdownCodeBlock& block) const
  {
    if (block.fence_line != 0) {
      return block.fence_line;
    }
    if (block.first_line != 0) {
      return block.fenced ? block.first_line - 1 : block.first_line;
    }
    // An empty block without an info string: the next fence after the last one seen.
    const std::string marker(3, block.fence_char == 0 ? '`' : block.fence_char);
    for (int line = m_last_fence_end + 1; line <= static_cast<int>(document.lines.size()); ++line) {
      if (origin(document, line).text.find(marker) != std::string::npos) {
        return line;
      }
    }
    return m_last_fence_end + 1;
  }

  // CommonMark closes a forgotten fence at the end of the document: the block
  // is still that listing, and the missing fence is its problem (exit 2).
  static std::optional<InputProblem> unclosed(const ExpandedText& document, const MarkdownCodeBlock& block,
                                              int close_line)
  {
    const std::string marker(3, block.fence_char);
    if (close_line <= static_cast<int>(document.lines.size()) &&
        origin(document, close_line).text.find(marker) != std::string::npos) {
      return std::nullopt;
    }
    const auto& fence = origin(document, block.fence_line);
    return InputProblem{
        file_of(document, fence), fence.line,
        fmt::format("code fence opened here is never closed (add a line with {} after the code)", marker)};
  }

  // The block's lines at their real files and lines; Rust lines as rustdoc maps them (hidden `# ` lines).
  static void add_lines(const ExpandedText& document, const MarkdownCodeBlock& block, Listing& listing)
  {
    for (std::size_t i = 0; i < block.lines.size(); ++i) {
      const auto& where = origin(document, block.first_line + static_cast<int>(i));
      const auto& file = file_of(document, where);
      auto found = std::find(listing.files.begin(), listing.files.end(), file);
      if (found == listing.files.end()) {
        listing.files.push_back(file);
        found = listing.files.end() - 1;
      }
      ListingLine line;
      line.source_line = where.line;
      line.file_index = static_cast<int>(found - listing.files.begin());
      if (listing.is_rust) {
        auto code = map_code_line(block.lines[i]);
        line.text = std::move(code.text);
        line.hidden = code.hidden;
      } else {
        line.text = block.lines[i];
      }
      listing.lines.push_back(std::move(line));
    }
  }

  void add_listing(const ExpandedText& document, MarkdownCodeBlock block, const Numbering& numbering)
  {
    block.fence_line = fence_line_of(document, block);
    if (block.first_line == 0) {
      block.first_line = block.fenced ? block.fence_line + 1 : block.fence_line;
    }
    const auto& fence_origin = origin(document, block.fence_line);
    const int close_line = block.first_line + static_cast<int>(block.lines.size());
    m_last_fence_end = block.fenced ? close_line : close_line - 1;
    const auto never_closed = block.fenced ? unclosed(document, block, close_line) : std::nullopt;

    const auto lang = block.fenced ? parse_lang_string(block.info) : LangString{};
    Listing listing;
    listing.chapter = numbering.chapter;
    listing.chapter_title = numbering.title;
    listing.section = numbering.section();
    listing.files = {file_of(document, fence_origin)};
    listing.fence_line = fence_origin.line;
    if (never_closed) {
      listing.problems.push_back(*never_closed);
    } else if (block.fenced && origin(document, close_line).file_index == fence_origin.file_index) {
      listing.close_line = origin(document, close_line).line;
    }
    listing.is_rust = lang.is_rust;
    listing.info = block.info;
    listing.fence = lang.attributes;
    add_lines(document, block, listing);
    listing.ordinal = ++m_ordinals[{listing.chapter, listing.section}];
    listing.id = lang.id.value_or(make_listing_id(listing.chapter, listing.section, listing.ordinal));
    if (auto [previous, inserted] =
            m_ids.try_emplace(listing.id, listing.files.front().string() + ":" + std::to_string(listing.fence_line));
        !inserted) {
      throw InputError(listing.files.front(), listing.fence_line,
                       fmt::format("listing id `{}` is already used by the listing at {}; ids must be unique",
                                   listing.id, previous->second));
    }
    m_book.listings.push_back(std::move(listing));
  }

  Book& m_book;
  std::map<std::pair<int, std::string>, int> m_ordinals;
  std::map<std::string, std::string> m_ids; // id -> where
  int m_last_chapter = 0;
  int m_last_fence_end = 0;
};

MarkdownListings::MarkdownListings(Book& book)
  : m_maker(std::make_unique<Maker>(book))
{}

MarkdownListings::~MarkdownListings() = default;

void MarkdownListings::add_document(const ExpandedText& document)
{
  m_maker->add_document(document, Numbering{});
}

void MarkdownListings::add_chapter(const ExpandedText& document, const std::vector<int>& number,
                                   const std::string& title)
{
  Numbering numbering;
  numbering.chapters = Numbering::Chapters::given;
  numbering.title = title;
  if (!number.empty()) {
    numbering.chapter = number.front();
    numbering.base = number;
    numbering.counters = number;
  }
  m_maker->add_document(document, std::move(numbering));
}

void check_markdown_text(std::string_view content, const std::filesystem::path& path)
{
  if (text::looks_binary(content)) {
    throw InputError(path, 0, "is a binary file, not Markdown (it contains NUL bytes)");
  }
  if (auto bad_line = text::first_invalid_utf8_line(content)) {
    throw InputError(path, *bad_line, "invalid UTF-8; save the file as UTF-8");
  }
}

Book parse_markdown_file(std::string_view content, const std::filesystem::path& path)
{
  content = text::strip_utf8_bom(content);
  check_markdown_text(content, path);
  Book book;
  book.path = path;
  book.format = Format::markdown;
  MarkdownListings(book).add_document(unexpanded_text(content, path));
  return book;
}

Book read_markdown_file(const std::filesystem::path& path)
{
  const auto content = text::read_file(path);
  if (text::is_blank(content)) {
    throw InputError(path, 0, "the book is empty");
  }
  return parse_markdown_file(content, path);
}

} // namespace snipcheck::book
