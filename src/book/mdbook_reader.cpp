#include "book/mdbook_reader.hpp"

#include "book/markdown_reader.hpp"
#include "book/mdbook_config.hpp"
#include "book/mdbook_include.hpp"
#include "book/mdbook_summary.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <set>

namespace snipcheck::book {

namespace fs = std::filesystem;

Book read_mdbook(const std::filesystem::path& folder, const ReadSettings& settings)
{
  const ReadSettings confined{include_roots_for(settings, folder)};
  const auto config = read_mdbook_config(folder / "book.toml");
  const auto source = folder / config.source_folder;
  const auto summary_path = source / "SUMMARY.md";
  std::error_code ec;
  if (!fs::is_regular_file(summary_path, ec)) {
    throw InputError(summary_path, 0, "an mdBook needs src/SUMMARY.md (its table of contents); none found");
  }
  const auto summary_file = text::read_file(summary_path);
  const auto summary = text::strip_utf8_bom(summary_file);
  check_markdown_text(summary, summary_path);

  Book book;
  book.path = folder;
  book.format = Format::markdown;
  book.edition = config.edition;
  MarkdownListings listings(book);
  std::set<std::string> seen;
  std::vector<InputProblem> missing;
  for (const auto& entry : parse_summary(summary)) {
    const auto file = (source / entry.path).lexically_normal();
    if (entry.path.empty() || !seen.insert(file.string()).second) {
      continue; // a draft chapter has no file yet; `./a.md` and `a.md` are one chapter
    }
    if (!fs::exists(file, ec)) {
      // mdBook would create it empty (create-missing); an empty chapter has no listings.
      missing.push_back({summary_path, entry.line,
                         fmt::format("chapter `{}` links to `{}`, which does not exist{}", entry.title, entry.path,
                                     config.create_missing
                                         ? ": read as an empty chapter, as mdBook creates it ([build] create-missing)"
                                         : " ([build] create-missing = false in book.toml)")});
      continue;
    }
    // A chapter is read as an include is: `[x](../../../etc/passwd)` may not be.
    const auto chapter = read_included_file(file, confined.include_roots);
    if (chapter.refusal) {
      throw InputError(summary_path, entry.line,
                       fmt::format("chapter `{}` links to `{}`, which cannot be read: {}", entry.title, entry.path,
                                   *chapter.refusal));
    }
    const auto content = text::strip_utf8_bom(chapter.text);
    check_markdown_text(content, file);
    listings.add_chapter(expand_mdbook_links(content, file, confined), entry.number, entry.title);
  }
  if (!config.create_missing && !missing.empty()) {
    throw InputError(std::move(missing));
  }
  book.notices = std::move(missing);
  return book;
}

} // namespace snipcheck::book
