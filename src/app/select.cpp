#include "app/select.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <fnmatch.h>
#include <regex>

namespace snipcheck::app {

bool selector_matches(const std::string& selector, const book::Listing& listing)
{
  static const std::regex chapter_range(R"((\d+)(?:-(\d+))?)");
  static const std::regex section(R"(\d+(\.\d+)+)");
  std::smatch match;
  if (std::regex_match(selector, match, chapter_range)) {
    const int first = std::stoi(match[1].str());
    const int last = match[2].matched ? std::stoi(match[2].str()) : first;
    return listing.chapter >= first && listing.chapter <= last;
  }
  if (std::regex_match(selector, section)) {
    return listing.section == selector || listing.section.starts_with(selector + ".");
  }
  if (selector.find_first_of("*?[") != std::string::npos) {
    return ::fnmatch(selector.c_str(), listing.id.c_str(), 0) == 0;
  }
  return listing.id == selector;
}

std::vector<const book::Listing*> select_listings(const book::Book& book, const std::vector<std::string>& selectors,
                                                  const std::optional<Shard>& shard)
{
  std::vector<InputProblem> problems;
  for (const auto& selector : selectors) {
    const bool any = std::any_of(book.listings.begin(), book.listings.end(),
                                 [&](const book::Listing& listing) { return selector_matches(selector, listing); });
    if (!any) {
      problems.push_back(
          {{},
           0,
           fmt::format("selector `{}` matches no listing of {} (see `snipcheck list`)", selector, book.path.string())});
    }
  }
  if (!problems.empty()) {
    throw InputError(problems);
  }
  std::vector<const book::Listing*> selected;
  for (const auto& listing : book.listings) {
    const bool chosen = selectors.empty() || std::any_of(selectors.begin(), selectors.end(), [&](const std::string& s) {
                          return selector_matches(s, listing);
                        });
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
