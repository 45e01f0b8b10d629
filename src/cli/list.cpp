// `snipcheck list [SELECTOR...]`: one line per listing, no building.
#include "cli/commands.hpp"

#include "app/plan.hpp"
#include "report/claims_report.hpp"
#include "report/terminal.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace snipcheck::cli {

namespace {

// "compile-fail [E0382] erratum STALE" and the claims the book makes.
std::string expectation_detail(const check::Expectation& expectation)
{
  std::string detail(check::outcome_name(expectation.outcome));
  if (expectation.errors && !expectation.errors->empty()) {
    detail += fmt::format(" [{}]", fmt::join(*expectation.errors, ", "));
  }
  if (expectation.erratum) {
    detail += " erratum";
  }
  if (expectation.stale) {
    detail += " STALE";
  }
  return detail + report::claim_detail(expectation);
}

} // namespace

int list_command(const app::Options& options)
{
  const auto plan = app::plan_run(options);
  for (const auto* listing : plan.selected) {
    const auto expectation = plan.loaded.expectation(*listing);
    fmt::print("{:<16} {:<52} {} ({})\n", listing->id, report::location(*listing), expectation_detail(expectation),
               expectation.from);
  }
  if (!options.quiet) {
    fmt::print("{} listings\n", plan.selected.size());
  }
  // Bad input found while reading (an unclosed fence, a missing include): said, then exit 2.
  std::vector<InputProblem> problems = plan.loaded.book.problems;
  for (const auto* listing : plan.selected) {
    problems.insert(problems.end(), listing->problems.begin(), listing->problems.end());
  }
  for (const auto& notice : plan.loaded.book.notices) {
    fmt::print(stderr, "notice: {}\n", notice.to_string());
  }
  for (const auto& problem : problems) {
    fmt::print(stderr, "error: {}\n", problem.to_string());
  }
  if (options.inventory) {
    // What each ignored block does today: built, never judged.
    auto runner = cargo::make_process_runner();
    const auto probed = app::probe_ignored(options, plan, *runner, verbose_log(options));
    fmt::print("{}", probed ? "\n" + report::ignored_inventory(*probed) : "\nno ignored blocks without a claim\n");
  }
  return problems.empty() ? exit_ok : exit_bad_input;
}

} // namespace snipcheck::cli
