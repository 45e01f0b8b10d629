// `snipcheck extract --out DIR`: the scratch workspace, written but not built.
#include "cli/commands.hpp"

#include "app/pipeline.hpp"
#include "app/select.hpp"
#include "scratch/workspace.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>

namespace snipcheck::cli {

int extract_command(const app::Options& options, const std::string& out_dir)
{
  const auto loaded = app::load_book(options);
  const auto selected = app::select_listings(loaded.book, options.selectors, options.shard);
  const auto edition = options.editions.empty() ? loaded.book.edition : options.editions.front();
  std::vector<scratch::Unit> units;
  for (const auto* listing : selected) {
    const auto expectation = loaded.expectation(*listing);
    if (expectation.outcome == check::Outcome::skip || expectation.outcome == check::Outcome::not_rust) {
      continue;
    }
    units.push_back({listing, scratch::wrap_listing(*listing, expectation.wrap), expectation.wrap.crate_type,
                     expectation.edition.value_or(edition), app::dependencies_for_listing(options, expectation.deps)});
  }
  const auto workspace = scratch::write_workspace(units, {out_dir, options.registry_directory});
  fmt::print("wrote {} listings in {} packages to {}\n", workspace.units.size(), workspace.packages.size(),
             workspace.root.string());
  return exit_ok;
}

} // namespace snipcheck::cli
