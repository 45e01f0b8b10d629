#include "report/fix_report.hpp"

#include "report/escape.hpp"
#include "report/fmt_report.hpp"
#include "report/terminal.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace snipcheck::report {

namespace {

using fixing::EditionState;
using fixing::FixStatus;

std::string joined(const std::vector<std::string>& parts)
{
  std::string text;
  for (const auto& part : parts) {
    text += (text.empty() ? "" : "; ") + part;
  }
  return text;
}

} // namespace

std::string fix_line(const fixing::FixOutcome& outcome, FixMode mode)
{
  const auto& fix = outcome.fix;
  const auto& id = fix.listing->id;
  const auto at = location(*fix.listing);
  std::string line;
  switch (fix.status) {
  case FixStatus::fixed:
    line = fmt::format("{:<13} {:<16} {}: {}", mode == FixMode::dry_run ? "would fix" : "fixed", id, at,
                       joined(fix.applied));
    break;
  case FixStatus::not_fixed: line = fmt::format("{:<13} {:<16} {}: {}", "not fixed", id, at, fix.reason); break;
  case FixStatus::left_alone: line = fmt::format("{:<13} {:<16} {}: {}", "left alone", id, at, fix.reason); break;
  case FixStatus::unchanged: break;
  }
  if (outcome.edition == EditionState::incompatible && fix.status == FixStatus::unchanged) {
    line = fmt::format("{:<13} {:<16} {}: {}; rustc offers no machine-applicable migration", "incompatible", id, at,
                       outcome.in_new_edition);
  }
  if (line.empty()) {
    return {};
  }
  std::string text = terminal_safe(line) + "\n";
  for (const auto& note : fix.notes) {
    text += terminal_safe(fmt::format("  note: {}", note)) + "\n";
  }
  for (const auto& left_out : fix.left_out) {
    text += terminal_safe(fmt::format("  not applied: {}", left_out)) + "\n";
  }
  return text;
}

std::string fix_diff(const fixing::FixOutcome& outcome)
{
  return outcome.fix.status == FixStatus::fixed ? fmt_diff(outcome.fix.edit) : std::string();
}

std::string fix_summary(const std::vector<fixing::FixOutcome>& outcomes, const std::optional<std::string>& edition,
                        FixMode mode)
{
  const auto count = [&](auto&& matches) { return std::count_if(outcomes.begin(), outcomes.end(), matches); };
  const auto with_status = [&](FixStatus status) {
    return count([&](const fixing::FixOutcome& outcome) { return outcome.fix.status == status; });
  };
  auto text = fmt::format("fix: {} listings: {} {}, {} not fixed, {} nothing to fix, {} left alone\n", outcomes.size(),
                          with_status(FixStatus::fixed), mode == FixMode::dry_run ? "would be fixed" : "fixed",
                          with_status(FixStatus::not_fixed), with_status(FixStatus::unchanged),
                          with_status(FixStatus::left_alone));
  if (edition) {
    const auto in_state = [&](EditionState state) {
      return count([&](const fixing::FixOutcome& outcome) { return outcome.edition == state; });
    };
    text += fmt::format("edition {}: {} compatible, {} migrated, {} incompatible\n", *edition,
                        in_state(EditionState::compatible), in_state(EditionState::migrated),
                        in_state(EditionState::incompatible));
  }
  return text;
}

} // namespace snipcheck::report
