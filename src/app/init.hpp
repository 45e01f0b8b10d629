#pragma once
// `snipcheck init`: a snipcheck.toml for the book in the current folder (an
// mdBook, a Markdown, LaTeX or plain-text file), and the build folder ignored
// in .gitignore. Settings: docs/settings.md.

#include "app/options.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace snipcheck::app {

struct FoundBook
{
  std::filesystem::path path; // relative to the current folder
  std::string kind;           // "mdBook", "Markdown", "LaTeX", "plain text"
  std::string edition_note;   // "edition 2021 from book.toml"; empty: nothing to say
};

struct InitResult
{
  FoundBook book;
  std::size_t listings = 0;
  std::optional<ToolchainPin> toolchain_pin;
  bool ignored_build_folder = false; // .snipcheck/ was added to .gitignore
};

// Writes snipcheck.toml in the current folder for `book`, or for the one book
// found here when `book` is empty; the book is read first, so a config is
// never written for something that is not a book. Throws InputError (no book,
// several, snipcheck.toml already there). `written` hears of snipcheck.toml
// as soon as it is written, before .gitignore is touched: a failure there
// must not hide it.
InitResult init_book(const std::filesystem::path& book, const std::function<void(const InitResult&)>& written);

} // namespace snipcheck::app
