// Which book a run checks and which snipcheck.toml configures it
// (docs/settings.md, "Which book, which snipcheck.toml"). Like cargo with
// Cargo.toml, the nearest file walking up from the current folder wins.
#include "app/options.hpp"

#include "util/text.hpp"
#include "util/toml_input.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>

namespace snipcheck::app {

namespace {

namespace fs = std::filesystem;

// One name for a file however it is reached: `./book`, `/abs/book/` and a symlink are one book.
fs::path identity(const fs::path& path)
{
  std::error_code ec;
  auto canonical = fs::weakly_canonical(fs::absolute(path), ec);
  if (ec) {
    return fs::absolute(path).lexically_normal();
  }
  // A trailing separator leaves an empty last component: `book/` is `book`.
  return canonical.has_filename() ? canonical : canonical.parent_path();
}

bool has_file(const fs::path& folder, const char* name)
{
  std::error_code ec;
  return fs::is_regular_file(folder / name, ec);
}

// The book a snipcheck.toml names, or nothing when it has no `book` line.
std::optional<fs::path> configured_book(const fs::path& config)
{
  const auto document = text::parse_toml_input(text::read_file(config), config);
  if (auto book = document["book"].value<std::string>()) {
    return identity(config.parent_path() / *book);
  }
  return std::nullopt;
}

// Shown as a path from the current folder, as snipcheck.toml's paths are.
fs::path shown(const fs::path& path)
{
  const auto relative = fs::proximate(path);
  return relative.string().starts_with("..") ? path : relative;
}

// The book's own snipcheck.toml: the nearest one from the book upwards that
// names this book or no book at all.
std::optional<fs::path> own_config(const fs::path& book, std::vector<std::string>& notes)
{
  std::error_code ec;
  auto folder = fs::is_directory(book, ec) ? book : book.parent_path();
  while (auto config = find_config(folder)) {
    const auto named = configured_book(*config);
    if (!named || *named == book) {
      return config;
    }
    notes.push_back(fmt::format("{} is not read: its `book` is {}", config->string(), named->string()));
    folder = config->parent_path();
    if (!folder.has_parent_path() || folder.parent_path() == folder) {
      break;
    }
    folder = folder.parent_path();
  }
  return std::nullopt;
}

// Without --book: the nearest snipcheck.toml with `book`, or the nearest
// book.toml, whichever is nearer; at one level, snipcheck.toml first.
std::optional<fs::path> found_book(const fs::path& start, const std::optional<fs::path>& here_book, BookSettings& found)
{
  for (auto folder = fs::absolute(start).lexically_normal();; folder = folder.parent_path()) {
    if (has_file(folder, "snipcheck.toml") && here_book) {
      found.notes.push_back(
          fmt::format("book: {} (`book` in {})", here_book->string(), (folder / "snipcheck.toml").string()));
      return here_book;
    }
    if (has_file(folder, "book.toml")) {
      found.book = shown(folder);
      found.base = folder;
      found.notes.push_back(
          fmt::format("book: the mdBook in {} (book.toml found there; no snipcheck.toml needed)", folder.string()));
      return identity(folder);
    }
    if (!folder.has_parent_path() || folder.parent_path() == folder) {
      return std::nullopt;
    }
  }
}

} // namespace

BookSettings find_book_settings(const std::string& given_book, const fs::path& start)
{
  BookSettings found;
  found.base = fs::absolute(start);
  const auto here_config = find_config(start);
  const auto here_book = here_config ? configured_book(*here_config) : std::nullopt;
  std::optional<fs::path> book;
  if (!given_book.empty()) {
    found.book = given_book;
    book = identity(given_book);
  } else {
    book = found_book(start, here_book, found);
  }
  if (!book) {
    found.config = here_config; // no book anywhere: its other settings still apply (and are checked)
  } else if (here_config && here_book == *book) {
    found.config = here_config;
  } else if (auto own = own_config(*book, found.notes)) {
    found.config = own;
  } else if (here_config && !given_book.empty()) {
    // A book given from a folder whose snipcheck.toml is for another book: that
    // file's other settings still apply, as they always have (the bundled book's tests).
    found.config = here_config;
  }
  if (here_config && here_book && found.config != here_config) {
    const auto note = fmt::format("{} is not read: its `book` is {}", here_config->string(), here_book->string());
    if (std::find(found.notes.begin(), found.notes.end(), note) == found.notes.end()) {
      found.notes.push_back(note);
    }
  }
  if (found.config) {
    found.notes.push_back(fmt::format("settings: {}", found.config->string()));
  } else {
    found.notes.push_back(fmt::format("settings: none (no snipcheck.toml for this book); expected/ and .snipcheck/ "
                                      "in {}",
                                      found.base.string()));
  }
  return found;
}

} // namespace snipcheck::app
