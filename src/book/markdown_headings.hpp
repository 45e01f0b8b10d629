#pragma once
// The numbers a Markdown book writes in its headings' titles, which number
// its chapters and sections when it has no table of contents.

#include <optional>
#include <string_view>
#include <vector>

namespace snipcheck::book {

// "Chapter 3: Ownership", "3. Ownership", "3) Ownership", "3 Ownership", "3" -> 3
// ("chapter" in any case; one to three digits).
std::optional<int> chapter_number_in_title(std::string_view title);

// "2.3 Title", "2.3. Title", "2.3" -> {2, 3}: two or more components of one
// to three digits, then an optional dot, then a blank or the end.
std::optional<std::vector<int>> section_number_in_title(std::string_view title);

} // namespace snipcheck::book
