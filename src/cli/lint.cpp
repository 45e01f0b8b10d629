// `snipcheck lint [SELECTOR...]`: clippy and rustc's warnings on each built listing, at the book's lines.
#include "cli/commands.hpp"

#include "app/lint_listings.hpp"
#include "report/lint_report.hpp"
#include "report/timings.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace snipcheck::cli {

namespace {

constexpr unsigned private_report = 0600; // as check's reports: they quote the listings

void write_lint_reports(const app::LintedBook& linted, const app::Options& options)
{
  for (const auto& request : options.reports) {
    if (request.format == "json") {
      const auto json = report::lint_json_report(linted.run, linted.lint)
                            .dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
      text::write_file_atomically(request.path, json + "\n", private_report);
    } else if (request.format == "junit") {
      text::write_file_atomically(request.path, report::lint_junit_report(linted.run, linted.lint), private_report);
    } else if (request.format == "github") {
      const auto annotations = report::lint_github_annotations(linted.lint);
      if (request.path.empty()) {
        fmt::print("{}", annotations);
      } else {
        text::write_file_atomically(request.path, annotations, private_report);
      }
    }
  }
}

} // namespace

int lint_command(const app::Options& options)
{
  auto runner = cargo::make_process_runner();
  const auto linted = app::lint_book(options, *runner, verbose_log(options));
  for (const auto& result : linted.lint.results) {
    for (const auto& finding : result.findings) {
      if (!options.quiet || lint::counts(finding, linted.lint.fail_on)) {
        fmt::print("{}", report::finding_line(finding, *result.result, options.verbose));
      }
    }
    if (options.verbose && !result.not_linted.empty()) {
      fmt::print("{}", report::not_linted_line(result));
    }
  }
  if (!options.quiet) {
    fmt::print("{}", report::findings_per_lint_table(linted.lint));
  }
  fmt::print("{}", report::lint_summary(linted.lint));
  write_lint_reports(linted, options);
  std::fflush(stdout);
  if (options.timings) {
    fmt::print(stderr, "\n{}", report::timings_table(linted.run.timings));
  }
  bool environment_failed = false;
  bool bad_input = !linted.run.book.problems.empty() || !linted.lint.problems.empty();
  for (const auto& result : linted.lint.results) {
    environment_failed = environment_failed || result.environment_failed;
  }
  for (const auto& result : linted.run.results) {
    bad_input = bad_input || !result.bad_input.empty();
    for (const auto& problem : result.bad_input) {
      fmt::print(stderr, "error: {}\n", problem.to_string());
    }
  }
  for (const auto* problems : {&linted.run.book.problems, &linted.lint.problems}) {
    for (const auto& problem : *problems) {
      fmt::print(stderr, "error: {}\n", problem.to_string());
    }
  }
  if (environment_failed) {
    fmt::print(stderr, "error: some listings could not be built because the environment failed\n");
    return exit_environment;
  }
  if (bad_input) {
    return exit_bad_input;
  }
  return lint::fails(linted.lint) ? exit_listing_failed : exit_ok;
}

} // namespace snipcheck::cli
