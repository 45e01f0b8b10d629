#include "report/fmt_report.hpp"

#include "check/compare.hpp"
#include "report/escape.hpp"
#include "report/terminal.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace snipcheck::report {

namespace {

using formatting::FmtStatus;

constexpr std::size_t context = 3;

std::string block_location(const formatting::FmtResult& result)
{
  return fmt::format("{}:{}-{}", result.file.string(), result.first_line,
                     result.first_line + static_cast<int>(result.before.size()) - 1);
}

// Where the listing is, and where its code is written when that is another file (an include).
std::string where(const formatting::FmtResult& result)
{
  const auto shown = location(*result.listing);
  if (result.file.empty() || result.file == result.listing->files.front()) {
    return shown;
  }
  return fmt::format("{} (formatted in {})", shown, block_location(result));
}

} // namespace

std::string fmt_line(const formatting::FmtResult& result, FmtMode mode)
{
  const auto& id = result.listing->id;
  switch (result.status) {
  case FmtStatus::unchanged: return {};
  case FmtStatus::changed:
    return terminal_safe(fmt::format("{:<15} {:<16} {}", mode == FmtMode::check ? "would reformat" : "reformatted", id,
                                     where(result))) +
           "\n";
  case FmtStatus::not_formatted:
    return terminal_safe(fmt::format("{:<15} {:<16} {}: {}", "not formatted", id, where(result), result.reason)) + "\n";
  case FmtStatus::opted_out:
    return terminal_safe(fmt::format("{:<15} {:<16} {}: {}", "skipped", id, where(result), result.reason)) + "\n";
  }
  return {};
}

std::string fmt_diff(const formatting::FmtResult& result)
{
  const auto& before = result.before;
  const auto& after = result.after;
  // Context: at most three unchanged lines on each side of the changes.
  std::size_t head = 0;
  while (head < before.size() && head < after.size() && before[head] == after[head]) {
    ++head;
  }
  std::size_t tail = 0;
  while (tail < before.size() - head && tail < after.size() - head &&
         before[before.size() - 1 - tail] == after[after.size() - 1 - tail]) {
    ++tail;
  }
  const auto skip_head = head > context ? head - context : 0;
  const auto skip_tail = tail > context ? tail - context : 0;
  const std::vector<std::string> old_part(before.begin() + static_cast<std::ptrdiff_t>(skip_head),
                                          before.end() - static_cast<std::ptrdiff_t>(skip_tail));
  const std::vector<std::string> new_part(after.begin() + static_cast<std::ptrdiff_t>(skip_head),
                                          after.end() - static_cast<std::ptrdiff_t>(skip_tail));
  const int first = result.first_line + static_cast<int>(skip_head);
  const auto file = terminal_safe(result.file.string());
  auto diff = fmt::format("--- {}\n+++ {}\n@@ -{},{} +{},{} @@ {}\n", file, file, first, old_part.size(), first,
                          new_part.size(), terminal_safe(result.listing->id));
  // check::unified_diff's body: every line of both, marked ' ', '-' or '+'.
  const auto body = text::split_lines(check::unified_diff(text::join_lines(old_part), text::join_lines(new_part)));
  for (std::size_t k = 2; k < body.size(); ++k) {
    diff += terminal_safe(body[k]) + "\n";
  }
  return diff;
}

std::string fmt_summary(const formatting::FmtRun& run, FmtMode mode)
{
  const auto count = [&](FmtStatus status) {
    return std::count_if(run.results.begin(), run.results.end(),
                         [&](const formatting::FmtResult& result) { return result.status == status; });
  };
  return fmt::format("fmt: {} listings: {} {}, {} unchanged, {} not formatted, {} skipped\n", run.results.size(),
                     count(FmtStatus::changed), mode == FmtMode::check ? "would be reformatted" : "reformatted",
                     count(FmtStatus::unchanged), count(FmtStatus::not_formatted), count(FmtStatus::opted_out));
}

} // namespace snipcheck::report
