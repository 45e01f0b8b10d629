#include "book/include_roots.hpp"

#include "util/errors.hpp"
#include "util/paths.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace snipcheck::book {

namespace {

namespace fs = std::filesystem;
using util::is_within;

// Symlinks resolved as far as the folder exists, so a missing folder still names a place.
fs::path canonical_folder(const fs::path& folder)
{
  std::error_code ec;
  auto absolute = fs::absolute(folder.empty() ? fs::path(".") : folder, ec);
  auto canonical = fs::weakly_canonical(absolute, ec);
  return ec ? absolute.lexically_normal() : canonical;
}

// The git work tree `folder` lies in (the nearest folder above with a `.git`
// folder or file), or `folder` itself when there is none.
fs::path work_tree_around(const fs::path& folder)
{
  for (auto at = folder;; at = at.parent_path()) {
    std::error_code ec;
    if (fs::exists(at / ".git", ec)) {
      return at;
    }
    if (!at.has_relative_path()) {
      return folder;
    }
  }
}

// The folders in order, less those inside another: a root and its parent are the parent.
std::vector<fs::path> outermost(std::vector<fs::path> folders)
{
  std::sort(folders.begin(), folders.end());
  std::vector<fs::path> kept;
  for (auto& folder : folders) {
    if (std::none_of(kept.begin(), kept.end(), [&](const fs::path& outer) { return is_within(folder, outer); })) {
      kept.push_back(std::move(folder));
    }
  }
  return kept;
}

std::string listed(const std::vector<fs::path>& roots)
{
  std::vector<std::string> names;
  for (const auto& root : roots) {
    names.push_back(root.string());
  }
  return fmt::format("{}", fmt::join(names, " and "));
}

} // namespace

std::vector<fs::path> project_roots(const fs::path& book, const fs::path& config_folder)
{
  std::error_code ec;
  const auto book_folder = fs::is_directory(book, ec) ? book : book.parent_path();
  std::vector<fs::path> roots{work_tree_around(canonical_folder(book_folder))};
  if (!config_folder.empty()) {
    roots.push_back(work_tree_around(canonical_folder(config_folder)));
  }
  return outermost(std::move(roots));
}

std::vector<fs::path> include_roots_for(const ReadSettings& settings, const fs::path& book)
{
  if (settings.include_roots.empty()) {
    return project_roots(book, {});
  }
  std::vector<fs::path> roots;
  for (const auto& root : settings.include_roots) {
    roots.push_back(canonical_folder(root));
  }
  return outermost(std::move(roots));
}

IncludedFile read_included_file(const fs::path& target, const std::vector<fs::path>& roots)
{
  std::error_code ec;
  const auto real = fs::canonical(target, ec);
  if (ec) {
    return {{}, fmt::format("cannot resolve {}: {}", target.lexically_normal().string(), ec.message())};
  }
  if (std::none_of(roots.begin(), roots.end(), [&](const fs::path& root) { return is_within(real, root); })) {
    const auto named = fs::absolute(target, ec).lexically_normal();
    const auto where = named == real ? real.string() + " is outside" : "it resolves to " + real.string() + ", outside";
    return {{},
            fmt::format("{} the book's project {} (includes are read only from there; `include-roots` in "
                        "snipcheck.toml widens it)",
                        where, listed(roots))};
  }
  // Never opened when it is not a regular file: opening a FIFO blocks, a device may act.
  const auto status = fs::status(real, ec);
  if (ec || !fs::is_regular_file(status)) {
    return {{}, fmt::format("{} is not a regular file (a FIFO, a socket, a device or a folder)", real.string())};
  }
  try {
    return {text::read_file(real, text::LastLink::refuse), std::nullopt};
  } catch (const InputError& error) {
    return {{}, error.problems().front().to_string()};
  }
}

} // namespace snipcheck::book
