// `snipcheck list [SELECTOR...]`: one line per listing, no building.
#include "cli/commands.hpp"

#include "app/pipeline.hpp"
#include "app/select.hpp"
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
    const auto expectation =
        check::expectation_for(*listing, check::find_annotation(loaded.annotations, listing->id), loaded.book.format);
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
    fmt::print("{:<16} {:<52} {} ({})\n", listing->id, report::location(*listing), detail, expectation.from);
  }
  if (!options.quiet) {
    fmt::print("{} listings\n", selected.size());
  }
  return exit_ok;
}

} // namespace snipcheck::cli
