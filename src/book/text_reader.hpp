#pragma once
// Reader for the plain-text rendering of a printed book (docs/formats.md): listings in
// ``` fences carrying a line-number gutter ("1 trait Iterator {", "4  | impl"),
// listings split by a page break rejoined, chapters from "Chapter N" lines and
// sections from numbered headings ("2.3 Lifetime Elision").

#include "book/listing.hpp"

#include <string_view>

namespace snipcheck::book {

Book read_text_book(const std::filesystem::path& path);

// The reader on text already in memory; `path` is used for ids and messages.
Book parse_text_book(std::string_view content, const std::filesystem::path& path);

} // namespace snipcheck::book
