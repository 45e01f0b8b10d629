#pragma once
// An mdBook's book.toml: where its chapters are and which edition its Rust
// blocks are tested in. Format: mdBook's guide, "Configuration" ([book] src,
// [rust] edition, [build] create-missing); other settings are mdBook's own and left alone.

#include <filesystem>
#include <string>

namespace snipcheck::book {

struct MdbookConfig
{
  std::filesystem::path source_folder = "src"; // [book] src, relative to the book's folder
  std::string edition = "2015"; // [rust] edition; `mdbook test` passes no --edition without one: rustdoc's default
  // [build] create-missing: mdBook creates a chapter SUMMARY.md links to but
  // that does not exist; snipcheck only reads, so it is an empty chapter.
  bool create_missing = true;
};

// Throws InputError at the line of a malformed file or a wrong value.
MdbookConfig read_mdbook_config(const std::filesystem::path& book_toml);

} // namespace snipcheck::book
