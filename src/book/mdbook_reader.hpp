#pragma once
// Reader for mdBook folders: book.toml (book/mdbook_config.hpp) says where
// the chapters are and their edition, src/SUMMARY.md (book/mdbook_summary.hpp)
// which files make the book and their numbers; each chapter is read as
// Markdown (book/markdown_reader.hpp) with its {{#include}} links expanded
// (book/mdbook_include.hpp).

#include "book/include_roots.hpp"
#include "book/listing.hpp"

#include <filesystem>

namespace snipcheck::book {

// A folder with book.toml: chapters in SUMMARY.md order, numbered as mdBook
// numbers them (prefix and suffix chapters are chapter 0), the edition from
// `[rust] edition` (2015 when missing, as `mdbook test`); includes read
// only inside `settings`' roots (default: the folder's project). Throws InputError.
Book read_mdbook(const std::filesystem::path& folder, const ReadSettings& settings = {});

} // namespace snipcheck::book
