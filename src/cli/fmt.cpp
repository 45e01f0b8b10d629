// `snipcheck fmt [--check] [SELECTOR...]`: rustfmt on each listing, written back into the book.
#include "cli/commands.hpp"

#include "app/fmt_listings.hpp"
#include "report/fmt_report.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace snipcheck::cli {

int fmt_command(const app::Options& options, FmtMode mode)
{
  auto runner = cargo::make_process_runner();
  const auto formatted = app::format_book(options, *runner);
  const auto report_mode = mode == FmtMode::check ? report::FmtMode::check : report::FmtMode::write;
  for (const auto& result : formatted.run.results) {
    if (!options.quiet || result.status == formatting::FmtStatus::changed) {
      fmt::print("{}", report::fmt_line(result, report_mode));
    }
    if (mode == FmtMode::check && result.status == formatting::FmtStatus::changed) {
      fmt::print("{}", report::fmt_diff(result));
    }
  }
  // Bad input around the listings (an unclosed fence): nothing is written, as bless does.
  if (mode == FmtMode::write && formatted.problems.empty()) {
    formatting::write_formatted(formatted.run);
  }
  fmt::print("{}", report::fmt_summary(formatted.run, report_mode));
  for (const auto& problem : formatted.problems) {
    fmt::print(stderr, "error: {}\n", problem.to_string());
  }
  if (!formatted.problems.empty()) {
    return exit_bad_input;
  }
  const bool would_change =
      std::any_of(formatted.run.results.begin(), formatted.run.results.end(),
                  [](const formatting::FmtResult& result) { return result.status == formatting::FmtStatus::changed; });
  return mode == FmtMode::check && would_change ? exit_listing_failed : exit_ok;
}

} // namespace snipcheck::cli
