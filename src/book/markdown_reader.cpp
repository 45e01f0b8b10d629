#include "book/markdown_reader.hpp"

#include "book/mdbook_include.hpp"
#include "book/mdbook_summary.hpp"
#include "book/rustdoc_rules.hpp"
#include "util/edition.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"
#include "util/toml_input.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <md4c.h>
#include <toml++/toml.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <variant>

namespace snipcheck::book {

namespace {

namespace fs = std::filesystem;

struct Heading
{
  int level = 0;
  std::string text;
  int line = 0; // 1-based line of the expanded text
};

struct CodeBlock
{
  bool fenced = false;
  char fence_char = 0;
  std::string info;
  int fence_line = 0; // fenced: the opening fence; indented: the first line
  int first_line = 0; // of the content
  std::vector<std::string> lines;
};

using Event = std::variant<Heading, CodeBlock>;

// Headings and code blocks in document order, from md4c's callbacks. md4c
// reports no line numbers; the text it hands over points into our buffer, so
// an offset gives the line (indentation md4c synthesizes points elsewhere).
class Scanner
{
public:
  explicit Scanner(std::string_view content)
    : m_content(content)
    , m_lines(content)
  {}

  std::vector<Event> scan()
  {
    MD_PARSER parser{};
    // What pulldown-cmark enables for rustdoc, as far as md4c has it.
    parser.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS;
    parser.enter_block = [](MD_BLOCKTYPE type, void* detail, void* self) {
      return static_cast<Scanner*>(self)->enter_block(type, detail);
    };
    parser.leave_block = [](MD_BLOCKTYPE type, void*, void* self) {
      return static_cast<Scanner*>(self)->leave_block(type);
    };
    parser.enter_span = [](MD_SPANTYPE, void*, void*) { return 0; };
    parser.leave_span = [](MD_SPANTYPE, void*, void*) { return 0; };
    parser.text = [](MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* self) {
      return static_cast<Scanner*>(self)->text(type, text, size);
    };
    if (md_parse(m_content.data(), static_cast<MD_SIZE>(m_content.size()), &parser, this) != 0) {
      throw Fatal("the Markdown parser (md4c) failed, out of memory?");
    }
    return std::move(m_events);
  }

  int line_of(const char* pointer) const { return m_lines.line_of(pointer); }

private:
  int enter_block(MD_BLOCKTYPE type, void* detail)
  {
    if (type == MD_BLOCK_H) {
      m_heading = Heading{static_cast<int>(static_cast<const MD_BLOCK_H_DETAIL*>(detail)->level), "", 0};
    } else if (type == MD_BLOCK_CODE) {
      const auto* code = static_cast<const MD_BLOCK_CODE_DETAIL*>(detail);
      m_code = CodeBlock{};
      m_code->fenced = code->fence_char != 0;
      m_code->fence_char = code->fence_char;
      m_code->info = std::string(text::trim(std::string_view(code->info.text, code->info.size)));
      m_code->fence_line = code->info.size > 0 ? line_of(code->info.text) : 0;
      m_partial_text.clear();
      m_known_first = 0;
    }
    return 0;
  }

  int leave_block(MD_BLOCKTYPE type)
  {
    if (type == MD_BLOCK_H && m_heading) {
      m_heading->text = std::string(text::trim(m_heading->text));
      m_events.emplace_back(std::move(*m_heading));
      m_heading.reset();
    } else if (type == MD_BLOCK_CODE && m_code) {
      if (!m_partial_text.empty()) {
        end_code_line();
      }
      m_code->first_line = m_known_first;
      m_events.emplace_back(std::move(*m_code));
      m_code.reset();
    }
    return 0;
  }

  void end_code_line()
  {
    m_code->lines.push_back(std::move(m_partial_text));
    m_partial_text.clear();
  }

  int text(MD_TEXTTYPE type, const MD_CHAR* data, MD_SIZE size)
  {
    if (m_heading) {
      if (m_heading->line == 0) {
        m_heading->line = line_of(data);
      }
      m_heading->text.append(type == MD_TEXT_SOFTBR || type == MD_TEXT_BR ? " " : std::string_view(data, size));
      return 0;
    }
    if (!m_code) {
      return 0;
    }
    std::string_view piece(data, size);
    while (!piece.empty()) {
      const auto newline = piece.find('\n');
      const auto part = piece.substr(0, newline);
      if (!part.empty()) {
        // The first piece from the buffer fixes where the block's content starts.
        if (const int line = line_of(part.data()); line != 0 && m_known_first == 0) {
          m_known_first = line - static_cast<int>(m_code->lines.size());
        }
        m_partial_text.append(part);
      }
      if (newline == std::string_view::npos) {
        break;
      }
      end_code_line();
      piece.remove_prefix(newline + 1);
    }
    return 0;
  }

  std::string_view m_content;
  text::LineIndex m_lines;
  std::optional<Heading> m_heading;
  std::optional<CodeBlock> m_code;
  std::string m_partial_text; // the code line being received
  int m_known_first = 0;
  std::vector<Event> m_events;
};

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

// "Chapter 3: Ownership", "3. Ownership", "3 Ownership" -> 3
std::optional<int> chapter_number(const std::string& title)
{
  static const std::regex pattern(R"(^(?:chapter\s+)?(\d{1,3})(?:[.:)]|\s|$))", std::regex::icase);
  std::smatch match;
  if (std::regex_search(title, match, pattern)) {
    return std::stoi(match[1].str());
  }
  return std::nullopt;
}

// "2.3 Title", "2.3. Title" -> {2, 3}
std::optional<std::vector<int>> section_number(const std::string& title)
{
  static const std::regex pattern(R"(^(\d{1,3}(?:\.\d{1,3})+)\.?(?:\s|$))");
  std::smatch match;
  if (!std::regex_search(title, match, pattern)) {
    return std::nullopt;
  }
  std::vector<int> components;
  for (const auto& part : text::split_lines(std::regex_replace(match[1].str(), std::regex("\\."), "\n"))) {
    components.push_back(std::stoi(part));
  }
  return components;
}

void apply_heading(const Heading& heading, Numbering& numbering, int& last_chapter)
{
  if (heading.level == 1) {
    if (numbering.chapters == Numbering::Chapters::from_h1) {
      numbering.chapter = chapter_number(heading.text).value_or(last_chapter + 1);
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
  if (auto number = section_number(heading.text); number && number->front() == numbering.chapter) {
    numbering.counters = *number;
    return;
  }
  numbering.counters.resize(numbering.base.size() + static_cast<std::size_t>(heading.level) - 1, 0);
  ++numbering.counters.back();
}

// Turns the code blocks of one document into Listings, numbering them book-wide.
class ListingMaker
{
public:
  explicit ListingMaker(Book& book)
    : m_book(book)
  {}

  void add_document(const ExpandedText& document, Numbering numbering)
  {
    const auto first_listing = m_book.listings.size();
    const auto joined = document.joined();
    Scanner scanner(joined);
    for (const auto& event : scanner.scan()) {
      if (const auto* heading = std::get_if<Heading>(&event)) {
        apply_heading(*heading, numbering, m_last_chapter);
      } else {
        add_listing(document, std::get<CodeBlock>(event), numbering);
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

  const SourceLine& origin(const ExpandedText& document, int line) const
  {
    return document.lines.at(
        static_cast<std::size_t>(std::clamp(line, 1, static_cast<int>(document.lines.size())) - 1));
  }

  int fence_line_of(const ExpandedText& document, CodeBlock& block) const
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

  void add_listing(const ExpandedText& document, CodeBlock block, const Numbering& numbering)
  {
    block.fence_line = fence_line_of(document, block);
    if (block.first_line == 0) {
      block.first_line = block.fenced ? block.fence_line + 1 : block.fence_line;
    }
    const auto& fence_origin = origin(document, block.fence_line);
    const auto& fence_file = document.files.at(static_cast<std::size_t>(fence_origin.file_index));
    const int close_line = block.first_line + static_cast<int>(block.lines.size());
    m_last_fence_end = block.fenced ? close_line : close_line - 1;
    if (block.fenced) {
      // CommonMark closes a forgotten fence at the end of the document; that
      // swallows the rest of the chapter, so it is reported instead.
      const std::string marker(3, block.fence_char);
      if (close_line > static_cast<int>(document.lines.size()) ||
          origin(document, close_line).text.find(marker) == std::string::npos) {
        throw InputError(
            fence_file, fence_origin.line,
            fmt::format("code fence opened here is never closed (add a line with {} after the code)", marker));
      }
    }

    const auto lang = block.fenced ? parse_lang_string(block.info) : LangString{};
    Listing listing;
    listing.chapter = numbering.chapter;
    listing.chapter_title = numbering.title;
    listing.section = numbering.section();
    listing.files = {fence_file};
    listing.fence_line = fence_origin.line;
    if (block.fenced && origin(document, close_line).file_index == fence_origin.file_index) {
      listing.close_line = origin(document, close_line).line;
    }
    listing.is_rust = lang.is_rust;
    listing.info = block.info;
    listing.fence = lang.attributes;
    for (std::size_t i = 0; i < block.lines.size(); ++i) {
      const auto& where = origin(document, block.first_line + static_cast<int>(i));
      const auto& file = document.files.at(static_cast<std::size_t>(where.file_index));
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
    listing.ordinal = ++m_ordinals[{listing.chapter, listing.section}];
    listing.id = lang.id.value_or(make_listing_id(listing.chapter, listing.section, listing.ordinal));
    if (auto [previous, inserted] =
            m_ids.try_emplace(listing.id, listing.files.front().string() + ":" + std::to_string(listing.fence_line));
        !inserted) {
      throw InputError(fence_file, listing.fence_line,
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

void check_text(std::string_view content, const fs::path& path)
{
  if (text::looks_binary(content)) {
    throw InputError(path, 0, "is a binary file, not Markdown (it contains NUL bytes)");
  }
  if (auto bad_line = text::first_invalid_utf8_line(content)) {
    throw InputError(path, *bad_line, "invalid UTF-8; save the file as UTF-8");
  }
}

struct BookToml
{
  fs::path source_folder = "src";
  std::string edition = "2015"; // `mdbook test` passes no --edition then: rustdoc's default
};

BookToml read_book_toml(const fs::path& path)
{
  const auto content = text::read_file(path);
  const auto document = text::parse_toml_input(content, path);
  BookToml result;
  if (const auto* node = document.at_path("book.src").node()) {
    const auto value = node->value<std::string>();
    if (!value) {
      throw InputError(path, static_cast<int>(node->source().begin.line), "`book.src` must be a string");
    }
    result.source_folder = *value;
  }
  if (const auto* node = document.at_path("rust.edition").node()) {
    const auto value = node->value<std::string>();
    if (!value || !util::is_edition(*value)) {
      throw InputError(path, static_cast<int>(node->source().begin.line),
                       fmt::format("`rust.edition` must be {}", util::known_editions_text("\"")));
    }
    result.edition = *value;
  }
  return result;
}

} // namespace

Book parse_markdown_file(std::string_view content, const std::filesystem::path& path)
{
  content = text::strip_utf8_bom(content);
  check_text(content, path);
  Book book;
  book.path = path;
  book.format = Format::markdown;
  ListingMaker maker(book);
  maker.add_document(unexpanded_text(content, path), Numbering{});
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

Book read_mdbook(const std::filesystem::path& folder)
{
  const auto settings = read_book_toml(folder / "book.toml");
  const auto source = folder / settings.source_folder;
  const auto summary_path = source / "SUMMARY.md";
  std::error_code ec;
  if (!fs::is_regular_file(summary_path, ec)) {
    throw InputError(summary_path, 0, "an mdBook needs src/SUMMARY.md (its table of contents); none found");
  }
  const auto summary_file = text::read_file(summary_path);
  const auto summary = text::strip_utf8_bom(summary_file);
  check_text(summary, summary_path);

  Book book;
  book.path = folder;
  book.format = Format::markdown;
  book.edition = settings.edition;
  ListingMaker maker(book);
  std::set<std::string> seen;
  for (const auto& entry : parse_summary(summary)) {
    const auto file = (source / entry.path).lexically_normal();
    if (entry.path.empty() || !seen.insert(file.string()).second) {
      continue; // a draft chapter has no file yet; `./a.md` and `a.md` are one chapter
    }
    if (!fs::is_regular_file(file, ec)) {
      throw InputError(summary_path, entry.line,
                       fmt::format("chapter `{}` links to `{}`, which does not exist", entry.title, entry.path));
    }
    const auto content_file = text::read_file(file);
    const auto content = text::strip_utf8_bom(content_file);
    check_text(content, file);
    Numbering numbering;
    numbering.chapters = Numbering::Chapters::given;
    numbering.title = entry.title;
    if (!entry.number.empty()) {
      numbering.chapter = entry.number.front();
      numbering.base = entry.number;
      numbering.counters = entry.number;
    }
    maker.add_document(expand_mdbook_links(content, file), std::move(numbering));
  }
  return book;
}

} // namespace snipcheck::book
