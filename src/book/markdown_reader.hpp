#pragma once
// Reader for Markdown books and mdBook folders: CommonMark code blocks (parsed
// by md4c) become Listings under rustdoc's doctest rules
// (docs/rustdoc-rules.md, book/rustdoc_rules.hpp); an mdBook is read in
// src/SUMMARY.md order with its {{#include}} links expanded (book/mdbook_include.hpp).

#include "book/listing.hpp"

#include <string_view>

namespace snipcheck::book {

// One Markdown file, read as `rustdoc --test FILE.md` reads it: no mdBook
// links are expanded. Chapters are its H1 headings (their own number, "# 3
// Ownership" / "# Chapter 3: ...", else the next number); sections come from
// H2.. headings. Throws InputError.
Book read_markdown_file(const std::filesystem::path& path);
Book parse_markdown_file(std::string_view content, const std::filesystem::path& path);

// A folder with book.toml: chapters in SUMMARY.md order, numbered as mdBook
// numbers them (prefix and suffix chapters are chapter 0), the edition from
// `[rust] edition` (2015 when missing, as `mdbook test`). Throws InputError.
Book read_mdbook(const std::filesystem::path& folder);

} // namespace snipcheck::book
