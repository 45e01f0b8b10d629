#include "app/plan.hpp"

#include "app/select.hpp"

namespace snipcheck::app {

Plan plan_run(const Options& options)
{
  Plan plan{load_book(options), {}, {}};
  // A vector moved keeps its elements where they are: `selected` stays valid when the plan moves.
  plan.selected = select_listings(plan.loaded.book, options.selectors, options.shard);
  plan.editions = options.editions.empty() ? std::vector<std::string>{plan.loaded.book.edition} : options.editions;
  return plan;
}

bool is_built(const check::Expectation& expectation)
{
  return expectation.outcome != check::Outcome::skip && expectation.outcome != check::Outcome::not_rust;
}

scratch::Unit unit_for(const Options& options, const book::Listing& listing, const check::Expectation& expectation,
                       const scratch::WrapOptions& wrap, const std::string& edition)
{
  return {&listing, scratch::wrap_listing(listing, wrap), wrap.crate_type, edition,
          dependencies_for_listing(options, expectation.deps)};
}

std::optional<CheckRun> probe_ignored(const Options& options, const Plan& plan, cargo::CommandRunner& runner,
                                      const Log& log)
{
  auto probe_options = options;
  probe_options.selectors.clear();
  for (const auto* listing : plan.selected) {
    if (check::is_unclaimed_ignored(*listing, plan.loaded.expectation(*listing))) {
      probe_options.selectors.push_back(listing->id);
    }
  }
  if (probe_options.selectors.empty()) {
    return std::nullopt;
  }
  return run_check(probe_options, runner, log);
}

scratch::Workspace extract_workspace(const Options& options, const std::filesystem::path& out_dir)
{
  const auto plan = plan_run(options);
  std::vector<scratch::Unit> units;
  for (const auto* listing : plan.selected) {
    const auto expectation = plan.loaded.expectation(*listing);
    if (is_built(expectation)) {
      units.push_back(unit_for(options, *listing, expectation, expectation.wrap,
                               expectation.edition.value_or(plan.editions.front())));
    }
  }
  return scratch::write_workspace(units, {out_dir, options.registry_directory});
}

} // namespace snipcheck::app
