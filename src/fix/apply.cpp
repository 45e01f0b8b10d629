#include "fix/apply.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <variant>

namespace snipcheck::fixing {

namespace {

// A place in the listing's code: a 0-based line and a byte offset in it.
struct Place
{
  std::size_t line = 0;
  std::size_t byte = 0;

  auto operator<=>(const Place&) const = default;
};

struct Span
{
  Place begin;
  Place end; // exclusive
  std::string replacement;
};

// The byte offset of rustc's 1-based character column in `line` (its end is
// one past the last character), or nothing past it.
std::optional<std::size_t> byte_of_column(const std::string& line, int column)
{
  if (column < 1) {
    return std::nullopt;
  }
  int characters = 1;
  for (std::size_t byte = 0; byte < line.size(); ++byte) {
    const auto c = static_cast<unsigned char>(line[byte]);
    if ((c & 0xC0) == 0x80) {
      continue; // a continuation byte of the character before
    }
    if (characters == column) {
      return byte;
    }
    ++characters;
  }
  return characters == column ? std::optional<std::size_t>(line.size()) : std::nullopt;
}

bool overlap(const Span& a, const Span& b)
{
  if (a.begin == a.end && b.begin == b.end) {
    return a.begin == b.begin; // two insertions at one place: their order is unknown
  }
  return a.begin < b.end && b.begin < a.end;
}

// Why a fix cannot be applied as it stands, or its spans.
std::variant<std::vector<Span>, std::string> spans_of(const book::Listing& listing, const check::CodeFix& fix)
{
  std::vector<Span> spans;
  for (const auto& edit : fix.edits) {
    const auto lines = static_cast<int>(listing.lines.size());
    if (edit.first_line < 1 || edit.last_line > lines || edit.first_line > edit.last_line) {
      return std::string("its places are not in the listing");
    }
    const auto first = static_cast<std::size_t>(edit.first_line - 1);
    const auto last = static_cast<std::size_t>(edit.last_line - 1);
    const auto begin = byte_of_column(listing.lines[first].text, edit.first_column);
    const auto end = byte_of_column(listing.lines[last].text, edit.last_column);
    if (!begin || !end || Place{first, *begin} > Place{last, *end}) {
      return std::string("its places are not in the listing");
    }
    for (auto k = first; k <= last; ++k) {
      if (listing.lines[k].hidden != listing.lines[first].hidden) {
        return std::string("it would edit hidden and shown lines together");
      }
    }
    spans.push_back({{first, *begin}, {last, *end}, edit.replacement});
  }
  return spans;
}

} // namespace

FixedCode apply_fixes(const book::Listing& listing, const std::vector<check::CodeFix>& fixes)
{
  FixedCode fixed;
  std::vector<Span> accepted;
  std::vector<const check::CodeFix*> seen;
  for (const auto& fix : fixes) {
    if (std::any_of(seen.begin(), seen.end(), [&](const check::CodeFix* other) { return *other == fix; })) {
      continue; // one suggestion made twice (a lint on a macro's two expansions)
    }
    seen.push_back(&fix);
    auto spans = spans_of(listing, fix);
    if (auto* why = std::get_if<std::string>(&spans)) {
      fixed.left_out.push_back(fmt::format("{}: {}", fix.message, *why));
      continue;
    }
    const auto& mine = std::get<std::vector<Span>>(spans);
    const bool clashes = std::any_of(mine.begin(), mine.end(), [&](const Span& span) {
      return std::any_of(accepted.begin(), accepted.end(), [&](const Span& other) { return overlap(span, other); });
    });
    bool self_overlapping = false;
    for (std::size_t a = 0; a < mine.size(); ++a) {
      for (std::size_t b = a + 1; b < mine.size(); ++b) {
        self_overlapping = self_overlapping || overlap(mine[a], mine[b]);
      }
    }
    if (clashes || self_overlapping) {
      fixed.left_out.push_back(fmt::format("{}: it overlaps a fix applied before it", fix.message));
      continue;
    }
    accepted.insert(accepted.end(), mine.begin(), mine.end());
    fixed.applied.push_back(fix.message);
  }

  for (std::size_t k = 0; k < listing.lines.size(); ++k) {
    const auto& line = listing.lines[k];
    fixed.lines.push_back({line.text, line.hidden, static_cast<int>(k), false});
    fixed.in_place_of.push_back(static_cast<int>(k));
  }
  // From the last edit back to the first, so that each edit's places are
  // still those rustc gave: an edit changes nothing before its own start.
  std::sort(accepted.begin(), accepted.end(), [](const Span& a, const Span& b) { return a.begin > b.begin; });
  for (const auto& span : accepted) {
    const bool hidden = fixed.lines[span.begin.line].hidden;
    const auto text = fixed.lines[span.begin.line].text.substr(0, span.begin.byte) + span.replacement +
                      fixed.lines[span.end.line].text.substr(span.end.byte);
    std::vector<formatting::ShapedLine> replaced;
    for (auto& part : text::split_lines(text)) {
      replaced.push_back({std::move(part), hidden, -1, false});
    }
    if (replaced.empty()) {
      replaced.push_back({"", hidden, -1, false});
    }
    const auto begin = static_cast<std::ptrdiff_t>(span.begin.line);
    const auto end = static_cast<std::ptrdiff_t>(span.end.line) + 1;
    const bool within_a_line = span.begin.line == span.end.line && replaced.size() == 1;
    const int stands_for = within_a_line ? fixed.in_place_of[span.begin.line] : -1;
    fixed.lines.insert(fixed.lines.erase(fixed.lines.begin() + begin, fixed.lines.begin() + end), replaced.begin(),
                       replaced.end());
    fixed.in_place_of.erase(fixed.in_place_of.begin() + begin, fixed.in_place_of.begin() + end);
    fixed.in_place_of.insert(fixed.in_place_of.begin() + begin, replaced.size(), stands_for);
  }
  return fixed;
}

BlockLines fixed_block_lines(const book::Listing& listing, const FixedCode& fixed,
                             const formatting::BlockSource& source, const std::vector<std::string>& before,
                             bool markdown)
{
  const auto written = [&](const formatting::ShapedLine& line) {
    return formatting::prefixed_lines(source.prefix, {markdown ? formatting::markdown_code_line(line) : line.text})
        .front();
  };
  // An edited line is written again from its code: only where the line as
  // written is what writing its code gives (no escaped `##`, no odd spacing).
  std::vector<bool> edited(listing.lines.size(), true);
  for (const auto& line : fixed.lines) {
    if (line.kept >= 0) {
      edited[static_cast<std::size_t>(line.kept)] = false;
    }
  }
  for (std::size_t k = 0; k < listing.lines.size(); ++k) {
    const formatting::ShapedLine original{listing.lines[k].text, listing.lines[k].hidden, -1, false};
    if (edited[k] && (k >= before.size() || written(original) != before[k])) {
      return {{}, fmt::format("its line {} is not written as snipcheck would write it back", k + 1)};
    }
  }
  BlockLines block;
  for (const auto& line : fixed.lines) {
    block.after.push_back(line.kept >= 0 ? before[static_cast<std::size_t>(line.kept)] : written(line));
  }
  return block;
}

BlockLines fixed_lines_in_place(const book::Listing& listing, const FixedCode& fixed, const formatting::FileLines& file,
                                int& first_line)
{
  const auto& first = listing.lines.front();
  for (std::size_t k = 0; k < listing.lines.size(); ++k) {
    const auto& line = listing.lines[k];
    if (line.file_index != first.file_index || line.source_line != first.source_line + static_cast<int>(k) ||
        line.source_line < 1 || line.source_line > static_cast<int>(file.lines.size())) {
      return {{}, "its lines are not one run of lines of its file"};
    }
  }
  if (fixed.lines.size() != listing.lines.size()) {
    return {{}, "the fixes add or remove lines, and its lines are numbered in the book"};
  }
  BlockLines block;
  first_line = first.source_line;
  for (std::size_t k = 0; k < fixed.lines.size(); ++k) {
    const auto& written = file.lines[static_cast<std::size_t>(listing.lines[k].source_line - 1)];
    if (fixed.in_place_of[k] != static_cast<int>(k)) {
      return {{}, "the fixes move code to other lines, and its lines are numbered in the book"};
    }
    const auto& code = listing.lines[k].text;
    if (fixed.lines[k].kept >= 0) {
      block.after.push_back(written);
    } else if (!listing.lines[k].hidden && written.ends_with(code)) {
      block.after.push_back(written.substr(0, written.size() - code.size()) + fixed.lines[k].text);
    } else {
      return {{}, fmt::format("its line {} is not written as snipcheck would write it back", k + 1)};
    }
  }
  return block;
}

} // namespace snipcheck::fixing
