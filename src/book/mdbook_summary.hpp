#pragma once
// An mdBook's table of contents, src/SUMMARY.md: which chapter files make the
// book, in reading order, and mdBook's number for each. Format: mdBook's guide,
// "SUMMARY.md" (prefix chapters, numbered chapters in nested lists, part
// titles, separators, draft chapters with an empty link, suffix chapters).

#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::book {

struct SummaryEntry
{
  std::string title;
  std::string path;        // as linked, relative to the src folder; empty for a draft
  std::vector<int> number; // mdBook's number ({2, 3} is "2.3."); empty for prefix/suffix chapters
  int line = 0;            // of the link in SUMMARY.md
};

// Every chapter, drafts included (they take a number, as in mdBook). Parsed with md4c.
std::vector<SummaryEntry> parse_summary(std::string_view content);

} // namespace snipcheck::book
