// `snipcheck bless [SELECTOR...]`: app::bless records today's outcomes in
// expected/; this prints what it did and chooses the exit code.
#include "cli/commands.hpp"

#include "app/bless.hpp"
#include "report/claims_report.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace snipcheck::cli {

int bless_command(const app::Options& options, const Output&, app::DryRun dry_run, app::BlessWhat what)
{
  const app::BlessNotes notes{
      [](const std::string& change) { fmt::print("{}\n", change); },
      [](const std::string& refusal) { fmt::print(stderr, "not blessed: {}\n", refusal); },
  };
  const auto blessed = app::bless(options, dry_run, verbose_log(options), notes, what);
  fmt::print("{}", blessed.dry_run_diff);
  fmt::print("bless: {} change{}{}\n", blessed.changes, blessed.changes == 1 ? "" : "s",
             dry_run == app::DryRun::yes ? " (dry run: nothing written)" : "");
  fmt::print("{}", report::output_block_fixes(blessed.run)); // the book itself is never edited
  std::fflush(stdout); // keep the order the user reads in
  for (const auto& problem : blessed.run.book.problems) {
    fmt::print(stderr, "error: {}\n", problem.to_string());
  }
  if (blessed.environment_errors > 0) {
    return exit_environment;
  }
  if (blessed.bad_input > 0 || !blessed.run.book.problems.empty()) {
    fmt::print(stderr, "error: the book or its settings have problems (see above); the other listings were blessed\n");
    return exit_bad_input;
  }
  return blessed.refused > 0 ? exit_listing_failed : exit_ok;
}

} // namespace snipcheck::cli
