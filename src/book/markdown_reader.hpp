#pragma once
// Reader for Markdown books and mdBook folders, with rustdoc's doctest rules
// (../shared/RUSTDOC-RULES.md).

#include "book/listing.hpp"

#include <string_view>

namespace snipcheck::book {

Book read_markdown_file(const std::filesystem::path& path);
Book read_mdbook(const std::filesystem::path& folder);

} // namespace snipcheck::book
