// `snipcheck fix [--dry-run] [--edition N] [SELECTOR...]`: rustc's and clippy's
// machine-applicable suggestions, or an edition's migrations, written into the book.
#include "cli/commands.hpp"

#include "app/fix_listings.hpp"
#include "report/fix_report.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace snipcheck::cli {

int fix_command(const app::Options& options, FixMode mode)
{
  auto runner = cargo::make_process_runner();
  const auto planned = app::fix_book(options, *runner, verbose_log(options));
  const auto report_mode = mode == FixMode::dry_run ? report::FixMode::dry_run : report::FixMode::write;
  for (const auto& outcome : planned.outcomes) {
    fmt::print("{}", report::fix_line(outcome, report_mode));
    if (mode == FixMode::dry_run) {
      fmt::print("{}", report::fix_diff(outcome));
    }
  }
  // Bad input around the listings, or an environment that failed: nothing is written.
  const bool write = mode == FixMode::write && planned.problems.empty() && planned.environment_errors.empty();
  std::vector<fixing::FixResult> results;
  for (const auto& outcome : planned.outcomes) {
    results.push_back(outcome.fix);
  }
  if (write) {
    fixing::write_fixes(results);
  }
  fmt::print("{}", report::fix_summary(planned.outcomes, planned.edition, report_mode));
  for (const auto& problem : planned.problems) {
    fmt::print(stderr, "error: {}\n", problem.to_string());
  }
  for (const auto& failure : planned.environment_errors) {
    fmt::print(stderr, "error: {}\n", failure);
  }
  if (!planned.environment_errors.empty()) {
    fmt::print(stderr, "error: some listings could not be built because the environment failed; nothing was written\n");
    return exit_environment;
  }
  if (!planned.problems.empty()) {
    fmt::print(stderr, "error: the book or its settings have problems (see above); nothing was written\n");
    return exit_bad_input;
  }
  const bool would_change = std::any_of(results.begin(), results.end(), [](const fixing::FixResult& result) {
    return result.status == fixing::FixStatus::fixed;
  });
  return mode == FixMode::dry_run && would_change ? exit_listing_failed : exit_ok;
}

} // namespace snipcheck::cli
