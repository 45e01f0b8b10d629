// `snipcheck [check] [SELECTOR...]` and `snipcheck chapter N`.
#include "cli/commands.hpp"

#include "app/pipeline.hpp"
#include "report/ci_reports.hpp"
#include "report/json_report.hpp"
#include "report/terminal.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace snipcheck::cli {

namespace {

void write_reports(const app::CheckRun& run, const app::Options& options)
{
  for (const auto& request : options.reports) {
    if (request.format == "json") {
      text::write_file_atomically(request.path, report::json_report(run).dump(2) + "\n");
    } else if (request.format == "junit") {
      text::write_file_atomically(request.path, report::junit_report(run));
    } else if (request.format == "github") {
      const auto annotations = report::github_annotations(run);
      if (request.path.empty()) {
        fmt::print("{}", annotations);
      } else {
        text::write_file_atomically(request.path, annotations);
      }
    }
  }
}

} // namespace

int check_command(const app::Options& options, const Output& output)
{
  const report::Style style{output.color};
  auto runner = cargo::make_process_runner();
  const app::Log log = verbose_log(options);
  const auto run = app::run_check(options, *runner, log);
  const bool matrix = run.toolchains.size() * run.editions.size() > 1;
  for (const auto& result : run.results) {
    const auto status = check::status_name(result.verdict);
    if (!options.quiet || (status != "pass" && status != "skip" && status != "not-rust")) {
      fmt::print("{}\n", report::status_line(result, style, matrix));
    }
  }
  bool any_failure = false;
  bool any_environment_error = false;
  for (const auto& result : run.results) {
    const auto status = check::status_name(result.verdict);
    any_failure = any_failure || status == "fail" || status == "stale";
    any_environment_error = any_environment_error || status == "error";
  }
  if (any_failure || any_environment_error) {
    fmt::print("\nfailures:\n\n");
    for (const auto& result : run.results) {
      const auto status = check::status_name(result.verdict);
      if (status == "fail" || status == "stale" || status == "error") {
        fmt::print("{}\n", report::failure_details(result, style));
      }
    }
  }
  if (matrix) {
    fmt::print("\n{}", report::matrix_table(run));
  }
  fmt::print("\n{}\n", report::summary_line(run, style));
  write_reports(run, options);
  if (any_environment_error) {
    fmt::print(stderr, "error: some listings could not be checked because the environment failed (see above)\n");
    return exit_environment;
  }
  return any_failure ? exit_listing_failed : exit_ok;
}

} // namespace snipcheck::cli
