// `snipcheck list [SELECTOR...]`: one line per listing, no building.
#include "cli/commands.hpp"

#include "app/pipeline.hpp"
#include "app/select.hpp"
#include "check/claims.hpp"
#include "report/claims_report.hpp"
#include "report/terminal.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace snipcheck::cli {

int list_command(const app::Options& options)
{
  const auto loaded = app::load_book(options);
  const auto selected = app::select_listings(loaded.book, options.selectors, options.shard);
  for (const auto* listing : selected) {
    const auto expectation = loaded.expectation(*listing);
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
    detail += report::claim_detail(expectation);
    fmt::print("{:<16} {:<52} {} ({})\n", listing->id, report::location(*listing), detail, expectation.from);
  }
  if (!options.quiet) {
    fmt::print("{} listings\n", selected.size());
  }
  if (options.inventory) {
    // What each ignored block does today: built, never judged.
    auto probe_options = options;
    probe_options.selectors.clear();
    for (const auto* listing : selected) {
      if (check::is_unclaimed_ignored(*listing, loaded.expectation(*listing))) {
        probe_options.selectors.push_back(listing->id);
      }
    }
    if (probe_options.selectors.empty()) {
      fmt::print("\nno ignored blocks without a claim\n");
      return exit_ok;
    }
    auto runner = cargo::make_process_runner();
    const auto run = app::run_check(probe_options, *runner, verbose_log(options));
    fmt::print("\n{}", report::ignored_inventory(run));
  }
  return exit_ok;
}

} // namespace snipcheck::cli
