#include "app/select.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fnmatch.h>
#include <functional>
#include <map>

namespace snipcheck::app {

namespace {

namespace fs = std::filesystem;

using Matcher = std::function<bool(const book::Listing&)>;

bool all_digits(std::string_view text)
{
  return !text.empty() && text.size() <= 6 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "3" or "3-5"
std::optional<std::pair<int, int>> chapter_range(std::string_view selector)
{
  const auto dash = selector.find('-');
  const auto first = selector.substr(0, dash);
  const auto last = dash == std::string_view::npos ? first : selector.substr(dash + 1);
  if (!all_digits(first) || !all_digits(last)) {
    return std::nullopt;
  }
  return std::pair{std::stoi(std::string(first)), std::stoi(std::string(last))};
}

// "2.3", "3.2.1"
bool is_section(std::string_view selector)
{
  std::size_t parts = 0;
  for (std::size_t start = 0; start <= selector.size();) {
    const auto dot = std::min(selector.find('.', start), selector.size());
    if (!all_digits(selector.substr(start, dot - start))) {
      return false;
    }
    ++parts;
    start = dot + 1;
  }
  return parts >= 2;
}

bool has_glob(std::string_view selector)
{
  return selector.find_first_of("*?[") != std::string_view::npos;
}

// The book's files by canonical path, so that `src/ch04.md`, `./src/ch04.md`
// and an absolute path all name the same file.
class BookFiles
{
public:
  explicit BookFiles(const book::Book& book)
    : m_book_folder(fs::is_directory(book.path) ? book.path : book.path.parent_path())
  {
    for (const auto& listing : book.listings) {
      for (const auto& file : listing.files) {
        if (!m_canonical.contains(file)) { // once per file, not per listing: each is a getcwd and a readlink a folder
          m_canonical.emplace(file, canonical(file));
        }
      }
    }
  }

  // The canonical path the selector names, when it names one of the book's files.
  std::optional<fs::path> find(std::string_view selector) const
  {
    for (const auto& candidate : {fs::path(selector), m_book_folder / selector}) {
      const auto path = canonical(candidate);
      for (const auto& [file, known] : m_canonical) {
        if (known == path) {
          return path;
        }
      }
    }
    return std::nullopt;
  }

  const fs::path& canonical_of(const fs::path& file) const { return m_canonical.at(file); }

private:
  static fs::path canonical(const fs::path& path)
  {
    std::error_code ec;
    auto result = fs::weakly_canonical(fs::absolute(path), ec);
    return ec ? fs::absolute(path).lexically_normal() : result;
  }

  fs::path m_book_folder;
  std::map<fs::path, fs::path> m_canonical; // as the listing names it -> canonical
};

// Whether the listing shows line `line` of `file`: from its fence to its
// closing fence in the chapter's file, or one of its lines in an included file.
bool holds_line(const book::Listing& listing, const BookFiles& files, const fs::path& file, int line)
{
  for (std::size_t index = 0; index < listing.files.size(); ++index) {
    if (files.canonical_of(listing.files[index]) != file) {
      continue;
    }
    int first = index == 0 ? listing.fence_line : 0;
    int last = index == 0 ? listing.fence_line : 0;
    for (const auto& listing_line : listing.lines) {
      if (listing_line.file_index == static_cast<int>(index)) {
        first = first == 0 ? listing_line.source_line : std::min(first, listing_line.source_line);
        last = std::max(last, listing_line.source_line);
      }
    }
    if (index == 0) {
      last = std::max(last, listing.close_line);
    }
    if (first > 0 && line >= first && line <= last) {
      return true;
    }
  }
  return false;
}

bool title_matches(const std::string& pattern, const book::Listing& listing)
{
  if (listing.chapter_title.empty()) {
    return false;
  }
  return ::fnmatch(pattern.c_str(), listing.chapter_title.c_str(), FNM_CASEFOLD) == 0;
}

// Decides what a selector means for this book, in order: chapters, a
// section, an id, an id glob, a file (and line), a chapter title (glob).
std::optional<Matcher> matcher_for(const std::string& selector, const book::Book& book, const BookFiles& files,
                                   std::string& why_not)
{
  const auto any = [&](const Matcher& matcher) {
    return std::any_of(book.listings.begin(), book.listings.end(), matcher);
  };
  if (auto range = chapter_range(selector)) {
    return [range = *range](const book::Listing& listing) {
      return listing.chapter >= range.first && listing.chapter <= range.second;
    };
  }
  if (is_section(selector)) {
    return [selector](const book::Listing& listing) {
      return listing.section == selector || listing.section.starts_with(selector + ".");
    };
  }
  const Matcher by_id = [selector](const book::Listing& listing) { return listing.id == selector; };
  if (any(by_id)) {
    return by_id;
  }
  if (has_glob(selector)) {
    const Matcher by_id_glob = [selector](const book::Listing& listing) {
      return ::fnmatch(selector.c_str(), listing.id.c_str(), 0) == 0;
    };
    if (any(by_id_glob)) {
      return by_id_glob;
    }
  }
  if (auto file = files.find(selector)) {
    return [&files, file = *file](const book::Listing& listing) {
      return std::any_of(listing.files.begin(), listing.files.end(),
                         [&](const fs::path& own) { return files.canonical_of(own) == file; });
    };
  }
  const auto colon = selector.rfind(':');
  if (colon != std::string::npos && all_digits(std::string_view(selector).substr(colon + 1))) {
    if (auto file = files.find(std::string_view(selector).substr(0, colon))) {
      const int line = std::stoi(selector.substr(colon + 1));
      const Matcher by_line = [&files, file = *file, line](const book::Listing& listing) {
        return holds_line(listing, files, file, line);
      };
      if (any(by_line)) {
        return by_line;
      }
      why_not = fmt::format("no listing of {} holds line {}", selector.substr(0, colon), line);
      return std::nullopt;
    }
  }
  const Matcher by_title = [selector](const book::Listing& listing) { return title_matches(selector, listing); };
  if (any(by_title)) {
    return by_title;
  }
  return std::nullopt;
}

} // namespace

std::vector<const book::Listing*> select_listings(const book::Book& book, const std::vector<std::string>& selectors,
                                                  const std::optional<Shard>& shard)
{
  const BookFiles files(book);
  std::vector<InputProblem> problems;
  std::vector<Matcher> matchers;
  for (const auto& selector : selectors) {
    std::string why_not;
    auto matcher = matcher_for(selector, book, files, why_not);
    if (!matcher || !std::any_of(book.listings.begin(), book.listings.end(), *matcher)) {
      problems.push_back({{},
                          0,
                          fmt::format("selector `{}` matches no listing of {}{} (see `snipcheck list`)", selector,
                                      book.path.string(), why_not.empty() ? "" : ": " + why_not)});
      continue;
    }
    matchers.push_back(std::move(*matcher));
  }
  if (!problems.empty()) {
    throw InputError(problems);
  }
  std::vector<const book::Listing*> selected;
  for (const auto& listing : book.listings) {
    const bool chosen = matchers.empty() || std::any_of(matchers.begin(), matchers.end(),
                                                        [&](const Matcher& matches) { return matches(listing); });
    if (!chosen) {
      continue;
    }
    // A stable partition: the id's hash decides the shard, whatever else is selected.
    if (shard && std::stoull(text::fnv1a_hex(listing.id), nullptr, 16) % static_cast<unsigned>(shard->count) !=
                     static_cast<unsigned>(shard->index - 1)) {
      continue;
    }
    selected.push_back(&listing);
  }
  return selected;
}

} // namespace snipcheck::app
