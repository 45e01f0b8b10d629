#pragma once
// Reader for Markdown books: CommonMark code blocks (parsed by md4c,
// book/markdown_scanner.hpp) become Listings under rustdoc's doctest rules
// (docs/rustdoc-rules.md, book/rustdoc_rules.hpp). An mdBook folder is read
// by book/mdbook_reader.hpp, chapter by chapter, through MarkdownListings.

#include "book/listing.hpp"
#include "book/mdbook_include.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::book {

// One Markdown file, read as `rustdoc --test FILE.md` reads it: no mdBook
// links are expanded. Chapters are its H1 headings (their own number, "# 3
// Ownership" / "# Chapter 3: ...", else the next number); sections come from
// H2.. headings. Throws InputError.
Book read_markdown_file(const std::filesystem::path& path);
Book parse_markdown_file(std::string_view content, const std::filesystem::path& path);

// Adds the code blocks of Markdown documents to `book` as Listings, one
// document after another, numbering them book-wide. A fence that is never
// closed is its listing's problem (the block runs to the document's end);
// a listing id used twice throws InputError.
class MarkdownListings
{
public:
  explicit MarkdownListings(Book& book);
  ~MarkdownListings();

  // A document whose chapters are its H1 headings.
  void add_document(const ExpandedText& document);
  // A chapter numbered by a table of contents (`number` empty: unnumbered,
  // chapter 0); its H1 is its title, not a new chapter.
  void add_chapter(const ExpandedText& document, const std::vector<int>& number, const std::string& title);

private:
  class Maker;
  std::unique_ptr<Maker> m_maker;
};

// A Markdown document must be text: no NUL bytes, valid UTF-8. Throws InputError naming `path`.
void check_markdown_text(std::string_view content, const std::filesystem::path& path);

} // namespace snipcheck::book
