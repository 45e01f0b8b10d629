#include "fix/fix.hpp"

#include "fmt/splice.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace snipcheck::fixing {

namespace fs = std::filesystem;

std::vector<FixResult> plan_fixes(const std::vector<FixListing>& listings, const FixSettings& settings)
{
  std::vector<FixResult> results;
  std::map<fs::path, formatting::FileLines> files;
  for (const auto& item : listings) {
    const auto& listing = *item.listing;
    auto& result = results.emplace_back();
    result.listing = item.listing;
    if (item.left_alone) {
      result.status = FixStatus::left_alone;
      result.reason = *item.left_alone;
      continue;
    }
    if (item.fixes.empty() || listing.lines.empty()) {
      continue;
    }
    const auto not_fixed = [&](std::string why) {
      result.status = FixStatus::not_fixed;
      result.reason = std::move(why);
    };
    auto fixed = apply_fixes(listing, item.fixes);
    result.applied = fixed.applied;
    result.left_out = fixed.left_out;
    if (!fixed.changed()) {
      if (!fixed.left_out.empty()) {
        not_fixed("no fix could be applied as offered");
      }
      continue;
    }
    const auto& path = listing.files.at(static_cast<std::size_t>(listing.lines.front().file_index));
    if (!formatting::inside_roots(path, settings.write_roots)) {
      not_fixed(fmt::format("{} is outside the book's project", path.string()));
      continue;
    }
    auto file = files.find(path);
    if (file == files.end()) {
      file = files.emplace(path, formatting::split_file(text::read_file(path))).first;
    }
    auto located = formatting::locate_block(listing, file->second, settings.markdown);
    int first_line = 0;
    BlockLines block;
    if (located.source) {
      first_line = located.source->first_line;
      const std::vector<std::string> before(file->second.lines.begin() + first_line - 1,
                                            file->second.lines.begin() + located.source->last_line);
      block = fixed_block_lines(listing, fixed, *located.source, before, settings.markdown);
    } else {
      // Lines without one shared prefix (a line-number gutter): each edited line keeps its own.
      block = fixed_lines_in_place(listing, fixed, file->second, first_line);
      if (!block.refusal.empty()) {
        block.refusal = fmt::format("{}; {}", located.refusal, block.refusal);
      }
    }
    if (!block.refusal.empty()) {
      not_fixed(std::move(block.refusal));
      continue;
    }
    std::vector<std::string> before(file->second.lines.begin() + first_line - 1,
                                    file->second.lines.begin() + first_line - 1 +
                                        static_cast<std::ptrdiff_t>(listing.lines.size()));
    if (block.after == before) {
      continue;
    }
    result.status = FixStatus::fixed;
    result.edit.listing = item.listing;
    result.edit.status = formatting::FmtStatus::changed;
    result.edit.file = path;
    result.edit.first_line = first_line;
    result.edit.before = std::move(before);
    result.edit.after = std::move(block.after);
    // The listing as fixed: each line where its first edited line was, so a
    // message about it still points near its place in the book.
    auto& changed = result.fixed_listing.emplace(listing);
    changed.lines.clear();
    int source_line = first_line;
    for (const auto& line : fixed.lines) {
      if (line.kept >= 0) {
        source_line = listing.lines[static_cast<std::size_t>(line.kept)].source_line;
      }
      changed.lines.push_back({line.text, source_line, listing.lines.front().file_index, line.hidden});
    }
  }
  return results;
}

void reject_fix(FixResult& result, std::string why)
{
  result.status = FixStatus::not_fixed;
  result.reason = std::move(why);
  result.edit.status = formatting::FmtStatus::unchanged;
}

std::vector<fs::path> write_fixes(const std::vector<FixResult>& results)
{
  formatting::FmtRun edits;
  for (const auto& result : results) {
    if (result.status == FixStatus::fixed) {
      edits.results.push_back(result.edit);
    }
  }
  return formatting::write_formatted(edits);
}

} // namespace snipcheck::fixing
