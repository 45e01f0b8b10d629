#include "app/init.hpp"

#include "book/listing.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"
#include "util/toml_input.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace snipcheck::app {

namespace {

namespace fs = std::filesystem;

bool is_file_with(const fs::path& path, std::string_view needle)
{
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) > text::max_file_size) {
    return false;
  }
  return text::read_file(path).find(needle) != std::string::npos;
}

std::string mdbook_edition(const fs::path& book_toml)
{
  const auto document = text::parse_toml_input(text::read_file(book_toml), book_toml);
  if (auto edition = document.at_path("rust.edition").value<std::string>()) {
    return fmt::format("edition {} from {}", *edition, book_toml.string());
  }
  return fmt::format("edition 2015: {} sets no [rust] edition, so mdBook tests as 2015", book_toml.string());
}

std::vector<fs::path> files_ending(const fs::path& folder, std::string_view extension)
{
  static const std::set<std::string> not_books{"README.md",  "CHANGELOG.md",       "CONTRIBUTING.md",
                                               "LICENSE.md", "CODE_OF_CONDUCT.md", "SECURITY.md"};
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const auto name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && entry.path().extension() == extension && !not_books.contains(name)) {
      files.push_back(entry.path().filename());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The book here: an mdBook (here or in a folder just below), else the one
// LaTeX file with \begin{document}, Markdown file or text file with fences.
FoundBook find_book(const fs::path& here)
{
  std::error_code ec;
  if (fs::is_regular_file(here / "book.toml", ec)) {
    return {".", "mdBook", mdbook_edition("book.toml")};
  }
  std::vector<fs::path> mdbooks;
  for (const auto& entry : fs::directory_iterator(here, ec)) {
    if (entry.is_directory(ec) && fs::is_regular_file(entry.path() / "book.toml", ec)) {
      mdbooks.push_back(entry.path().filename());
    }
  }
  std::sort(mdbooks.begin(), mdbooks.end());
  if (mdbooks.size() == 1) {
    return {mdbooks.front(), "mdBook", mdbook_edition(mdbooks.front() / "book.toml")};
  }
  const auto candidates = [&](std::string_view extension, std::string_view needle) {
    auto files = files_ending(here, extension);
    std::erase_if(files, [&](const fs::path& file) { return !is_file_with(here / file, needle); });
    return files;
  };
  std::vector<std::pair<std::string, std::vector<fs::path>>> kinds{
      {"LaTeX", candidates(".tex", "\\begin{document}")},
      {"Markdown", candidates(".md", "```")},
      {"plain text", candidates(".txt", "```")},
  };
  if (mdbooks.size() > 1) {
    kinds.insert(kinds.begin(), {"mdBook", mdbooks});
  }
  for (const auto& [kind, files] : kinds) {
    if (files.size() == 1) {
      return {files.front(), kind, kind == "plain text" || kind == "LaTeX" ? "edition 2021 (the default)" : ""};
    }
    if (files.size() > 1) {
      std::vector<std::string> names;
      for (const auto& file : files) {
        names.push_back(file.string());
      }
      throw InputError({}, 0,
                       fmt::format("several {} books here ({}); choose one: snipcheck init --book PATH", kind,
                                   fmt::join(names, ", ")));
    }
  }
  throw InputError(here, 0,
                   "no book found here: no book.toml (mdBook), no .tex file with \\begin{document}, no Markdown or "
                   ".txt file with ``` code blocks; pass one with: snipcheck init --book PATH");
}

std::string config_text(const FoundBook& found, const std::optional<ToolchainPin>& pin)
{
  std::string text = fmt::format("# snipcheck settings for this book (docs/settings.md); the command line wins.\n"
                                 "book = \"{}\"  # {}\n"
                                 "expected = \"expected\"  # the maintainers' annotations; `snipcheck bless` writes "
                                 "them\n"
                                 "build-dir = \".snipcheck\"  # scratch workspace, target folder and cache\n",
                                 found.path.string(), found.kind);
  text += fmt::format("# edition = \"2021\"  # default: the book's own ({})\n",
                      found.edition_note.empty() ? "2021" : found.edition_note);
  if (pin) {
    text += fmt::format("# toolchain = \"stable\"  # default: `{}`, pinned in {}\n", pin->channel, pin->file.string());
  } else {
    text += "# toolchain = \"stable\"  # or [\"stable\", \"nightly\"]; default: rustup's default\n";
  }
  text += "# timeout = 10  # seconds a listing may run\n"
          "# merge = true  # build a chapter's listings together; verdicts never depend on it\n\n";
  std::error_code ec;
  if (fs::is_directory("/usr/share/cargo/registry", ec)) {
    text += "# Crates offline from Debian's packages (apt-get install librust-tokio-dev ...);\n"
            "# without this, crates come from crates.io.\n"
            "# [registry]\n# directory = \"/usr/share/cargo/registry\"\n\n";
  }
  text += "# Crates every listing may use, in Cargo's syntax; a listing's own `deps` add to them.\n"
          "[dependencies]\n"
          "# tokio = { version = \"1\", features = [\"full\"] }\n"
          "# helpers = { path = \"helpers\" }  # relative to this file\n";
  return text;
}

// Adds `.snipcheck/` to .gitignore unless a line already ignores it.
bool ignore_build_folder(const fs::path& gitignore)
{
  std::string content;
  std::error_code ec;
  if (fs::exists(gitignore, ec)) {
    content = text::read_file(gitignore);
    for (const auto& line : text::split_lines(content)) {
      const auto entry = text::trim(line);
      if (entry == ".snipcheck" || entry == ".snipcheck/" || entry == "/.snipcheck" || entry == "/.snipcheck/") {
        return false;
      }
    }
  }
  if (!content.empty() && !content.ends_with('\n')) {
    content += '\n';
  }
  content += ".snipcheck/\n";
  text::write_file_atomically(gitignore, content);
  return true;
}

} // namespace

InitResult init_book(const std::filesystem::path& book, const std::function<void(const InitResult&)>& written)
{
  const fs::path config = "snipcheck.toml";
  std::error_code ec;
  if (fs::exists(config, ec)) {
    throw InputError(fs::absolute(config), 0, "already exists; edit it, or remove it and run `snipcheck init` again");
  }
  InitResult result;
  if (!book.empty()) {
    result.book.path = book;
    result.book.kind = fs::is_directory(book, ec) ? "mdBook" : book.extension().string();
  } else {
    result.book = find_book(".");
  }
  result.toolchain_pin = find_toolchain_pin(result.book.path);
  // Read the book first: a config for something that is not a book helps nobody.
  result.listings = book::read_book(result.book.path).listings.size();
  text::write_file_atomically(config, config_text(result.book, result.toolchain_pin));
  written(result);
  result.ignored_build_folder = ignore_build_folder(".gitignore");
  return result;
}

} // namespace snipcheck::app
