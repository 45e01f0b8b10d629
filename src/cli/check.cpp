// `snipcheck [check] [SELECTOR...]` and `snipcheck chapter N`.
#include "cli/commands.hpp"

#include "app/pipeline.hpp"
#include "check/result.hpp"
#include "report/ci_reports.hpp"
#include "report/claims_report.hpp"
#include "report/errata.hpp"
#include "report/json_report.hpp"
#include "report/terminal.hpp"
#include "report/timings.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <unistd.h>
#include <variant>

namespace snipcheck::cli {

namespace {

// Reports hold listings' output and diagnostics (what a listing read at build
// time included): readable by their owner only, like the build folder.
constexpr unsigned private_report = 0600;

void write_reports(const app::CheckRun& run, const app::Options& options)
{
  for (const auto& request : options.reports) {
    if (request.format == "json") {
      // Every text is UTF-8 by now (json_report); `replace` keeps a slip from ending the run.
      const auto json = report::json_report(run).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
      text::write_file_atomically(request.path, json + "\n", private_report);
    } else if (request.format == "junit") {
      text::write_file_atomically(request.path, report::junit_report(run), private_report);
    } else if (request.format == "github") {
      const auto annotations = report::github_annotations(run);
      if (request.path.empty()) {
        fmt::print("{}", annotations);
      } else {
        text::write_file_atomically(request.path, annotations, private_report);
      }
    }
  }
}

// A live line on a terminal; in CI or a pipe, one plain line when a cell starts and ends.
class ProgressPrinter
{
public:
  explicit ProgressPrinter(const app::Options& options)
    : m_enabled(!options.quiet)
    , m_live(::isatty(STDERR_FILENO) != 0 && !running_in_ci())
    , m_started(std::chrono::steady_clock::now())
  {}

  void operator()(const app::Progress& progress)
  {
    if (!m_enabled) {
      return;
    }
    const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    if (m_live) {
      fmt::print(stderr, "\r\x1b[2K    Checking {} [{}/{}] {:.1f}s {}", progress.cell, progress.done, progress.total,
                 elapsed, progress.phase);
      std::fflush(stderr);
      m_line_shown = true;
    } else if (progress.phase != m_last_phase && (progress.phase == "building" || progress.phase == "done")) {
      fmt::print(stderr, "snipcheck: {}: {} [{}/{}] {:.1f}s\n", progress.cell, progress.phase, progress.done,
                 progress.total, elapsed);
    }
    m_last_phase = progress.phase;
  }

  void finish()
  {
    if (m_line_shown) {
      fmt::print(stderr, "\r\x1b[2K");
      std::fflush(stderr);
    }
  }

private:
  static bool running_in_ci()
  {
    const char* ci = std::getenv("CI");
    return ci != nullptr && *ci != '\0' && std::string_view(ci) != "false" && std::string_view(ci) != "0";
  }

  bool m_enabled;
  bool m_live;
  bool m_line_shown = false;
  std::chrono::steady_clock::time_point m_started;
  std::string m_last_phase;
};

// The failures first in detail, then the matrix, the summary and the book's classes.
void print_failures_and_summary(const app::CheckRun& run, const app::Options& options, const report::Style& style,
                                bool matrix)
{
  const auto is_failure = [](const app::ListingResult& result) { return check::is_failure(result.status()); };
  if (std::any_of(run.results.begin(), run.results.end(), is_failure)) {
    fmt::print("{}", options.quiet ? "" : "\nfailures:\n\n");
    for (const auto& result : run.results) {
      if (is_failure(result)) {
        fmt::print("{}\n", report::failure_details(result, style));
      }
    }
  }
  if (matrix && !options.quiet) {
    fmt::print("\n{}", report::matrix_table(run));
  }
  fmt::print("{}{}\n", options.quiet ? "" : "\n", report::summary_line(run, style));
  if (!options.quiet) {
    fmt::print("{}\n", report::classes_line(report::classify(run)));
  }
  if (options.inventory) {
    fmt::print("\n{}", report::ignored_inventory(run));
  }
}

// The book's problems, then SPEC's exit code: the environment's failure first, then bad input, then a listing's failure.
int print_problems_and_exit_code(const app::CheckRun& run)
{
  bool any_failure = false;
  bool any_environment_error = false;
  bool any_bad_input = !run.book.problems.empty();
  for (const auto& result : run.results) {
    const auto status = result.status();
    any_failure = any_failure || status == check::Status::fail || status == check::Status::stale;
    any_environment_error = any_environment_error || status == check::Status::error;
    any_bad_input = any_bad_input || std::holds_alternative<check::verdict::BadInput>(result.verdict);
  }
  for (const auto& problem : run.book.problems) {
    fmt::print(stderr, "error: {}\n", problem.to_string());
  }
  if (any_environment_error) {
    fmt::print(stderr, "error: some listings could not be checked because the environment failed (see above)\n");
    return exit_environment;
  }
  if (any_bad_input) {
    fmt::print(stderr, "error: the book or its settings have problems (see above); the other listings were checked\n");
    return exit_bad_input;
  }
  return any_failure ? exit_listing_failed : exit_ok;
}

} // namespace

int check_command(const app::Options& options, const Output& output)
{
  const report::Style style{output.color, options.verbose};
  auto runner = cargo::make_process_runner();
  const app::Log log = verbose_log(options);
  ProgressPrinter printer(options);
  const auto run = app::run_check(options, *runner, log, std::ref(printer));
  printer.finish();
  const bool matrix = run.toolchains.size() * run.editions.size() > 1;
  // -q: the failures and one summary line, nothing else.
  if (!options.quiet) {
    for (const auto& result : run.results) {
      fmt::print("{}\n", report::status_line(result, style, matrix));
    }
  }
  // An entry that followed its listing to a new id is not a failure; say where it is.
  for (const auto* result : check::primary_results(run)) {
    if (const auto note = check::moved_note(*result->listing, result->expectation)) {
      fmt::print("note: {}\n", *note);
    }
  }
  print_failures_and_summary(run, options, style, matrix);
  write_reports(run, options);
  std::fflush(stdout); // keep the order the user reads in
  if (options.timings) {
    fmt::print(stderr, "\n{}", report::timings_table(run.timings)); // standard output stays the report's
  }
  return print_problems_and_exit_code(run);
}

} // namespace snipcheck::cli
