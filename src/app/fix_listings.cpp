#include "app/fix_listings.hpp"

#include "book/include_roots.hpp"
#include "cargo/cargo.hpp"
#include "lint/lint.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

namespace snipcheck::app {

namespace {

// Why a listing built in the first round is not fixed at all, if it is not.
std::optional<std::string> left_alone(const ListingResult& result, const std::optional<std::string>& edition)
{
  if (result.expectation.outcome == check::Outcome::compile_fail) {
    return std::string("its expectation is a compile failure: the error is the point");
  }
  if (result.observed.build != check::Observed::Build::compiled) {
    return fmt::format("it does not compile in edition {} now ({}); fix it by hand first", result.edition,
                       result.explanation());
  }
  if (edition && result.expectation.edition && *result.expectation.edition != *edition) {
    return fmt::format("its edition is set to {} ({}): not migrated", *result.expectation.edition,
                       result.expectation.from.empty() ? "on its fence" : result.expectation.from);
  }
  return std::nullopt;
}

// Why a checked listing does not do what the book says, in one line.
std::string why_not_passing(const ListingResult& result)
{
  if (std::holds_alternative<check::verdict::Stale>(result.verdict)) {
    return fmt::format("its expected/ entry records the fingerprint of the code as it is: fix it by hand, then "
                       "`snipcheck bless {}`",
                       result.listing->id);
  }
  return result.explanation();
}

std::vector<InputProblem> problems_of(const CheckRun& run)
{
  auto problems = run.book.problems;
  for (const auto& result : run.results) {
    problems.insert(problems.end(), result.bad_input.begin(), result.bad_input.end());
  }
  return problems;
}

} // namespace

FixPlan fix_book(const Options& options, cargo::CommandRunner& runner, const Log& log)
{
  if (options.editions.size() > 1) {
    throw InputError(options.config_file, 0, "`snipcheck fix --edition` migrates to one edition; give one");
  }
  FixPlan plan;
  if (!options.editions.empty()) {
    plan.edition = options.editions.front();
  }
  const std::string toolchain = options.toolchains.empty() ? std::string() : options.toolchains.front();

  // The first round: the book's own edition, one toolchain, built by
  // clippy-driver; with --edition, the edition's migration lints forced on
  // (as `cargo fix --edition` does) and only their fixes taken.
  Options offering = options;
  offering.editions.clear();
  offering.toolchains = {toolchain};
  // The lints this toolchain's clippy knows, and the edition's migration lints among them.
  const auto resolved = cargo::resolve_toolchain(runner, toolchain);
  const auto known =
      lint::parse_lint_help(cargo::clippy_lint_help(runner, cargo::resolve_clippy_driver(resolved.bin, toolchain)));
  std::set<std::string> migration_lints;
  if (plan.edition) {
    const auto group = fmt::format("rust_{}_compatibility", *plan.edition);
    if (const auto lints = known.groups.find(group); lints != known.groups.end() && !lints->second.empty()) {
      migration_lints = lints->second;
    } else {
      throw InputError(options.config_file, 0,
                       fmt::format("rustc lists no lint group rust-{}-compatibility: it has no migration to edition {}",
                                   *plan.edition, *plan.edition));
    }
    offering.clippy_flags =
        std::vector<std::string>{fmt::format("--force-warn=rust-{}-compatibility", *plan.edition), "-Aclippy::all"};
  } else {
    // What `snipcheck lint` reports is what is fixed: the book's [lint] levels apply.
    offering.clippy_flags = lint::clippy_flags(options.lint, known.group_names());
  }
  plan.first = run_check(offering, runner, log);
  plan.problems = problems_of(plan.first);
  // Without --edition, the fixes of what `snipcheck lint` would report: not
  // of a lint [lint] or the listing's expected/ entry allows.
  std::map<const ListingResult*, std::vector<check::CodeFix>> reported;
  if (!plan.edition) {
    const auto linted = lint::collect_findings(plan.first, options.lint, known);
    plan.problems.insert(plan.problems.end(), linted.problems.begin(), linted.problems.end());
    for (const auto& result : linted.results) {
      for (const auto& finding : result.findings) {
        if (finding.allowed_by.empty()) {
          auto& fixes = reported[result.result];
          fixes.insert(fixes.end(), finding.diagnostic.fixes.begin(), finding.diagnostic.fixes.end());
        }
      }
    }
  }

  std::vector<fixing::FixListing> items;
  for (const auto& result : plan.first.results) {
    // Nothing runs in this round, so a verdict that wanted a run says nothing:
    // only a build the environment stopped is its failure.
    if (result.bad_input.empty() && result.observed.build == check::Observed::Build::not_built &&
        !result.observed.environment_problem.empty()) {
      plan.environment_errors.push_back(fmt::format("{}: {}", result.listing->id, result.explanation()));
      continue;
    }
    if (!result.listing->is_rust || result.status() == check::Status::not_rust ||
        result.status() == check::Status::skip || !result.bad_input.empty()) {
      continue;
    }
    fixing::FixListing item{result.listing, {}, left_alone(result, plan.edition)};
    if (plan.edition) {
      for (const auto& diagnostic : result.observed.diagnostics) {
        if (diagnostic.level == "warning" && migration_lints.contains(diagnostic.code)) {
          item.fixes.insert(item.fixes.end(), diagnostic.fixes.begin(), diagnostic.fixes.end());
        }
      }
    } else if (const auto fixes = reported.find(&result); fixes != reported.end()) {
      item.fixes = fixes->second;
    }
    items.push_back(std::move(item));
  }
  fixing::FixSettings settings;
  settings.markdown = plan.first.book.format == book::Format::markdown;
  settings.write_roots = book::include_roots_for(book_read_settings(options), options.book);
  auto fixes = fixing::plan_fixes(items, settings);

  // The second round, a plain check: the fixed listings (with --edition, every
  // one not left alone) in the edition they are to compile in.
  Options checking = options;
  checking.toolchains = {toolchain};
  checking.editions = plan.edition ? std::vector<std::string>{*plan.edition} : std::vector<std::string>{};
  checking.selectors.clear();
  std::map<std::string, const fixing::FixResult*> fixed_by_id;
  for (std::size_t k = 0; k < fixes.size(); ++k) {
    if (fixes[k].status == fixing::FixStatus::fixed) {
      fixed_by_id[fixes[k].listing->id] = &fixes[k];
    }
    if (fixes[k].status == fixing::FixStatus::fixed ||
        (plan.edition && fixes[k].status != fixing::FixStatus::left_alone)) {
      checking.selectors.push_back(fixes[k].listing->id);
    }
  }
  std::map<std::string, const ListingResult*> checked_by_id;
  std::map<std::string, std::string> bless_notes; // by listing id: expected/ recorded the code as it was
  CheckRun second;
  if (!checking.selectors.empty()) {
    auto planned = plan_run(checking);
    for (auto& listing : planned.loaded.book.listings) {
      auto annotation = planned.loaded.annotations.find(listing.id);
      if (annotation != planned.loaded.annotations.end() && fixed_by_id.contains(listing.id)) {
        const auto& entry = annotation->second;
        const auto cell = plan.edition ? "edition-" + *plan.edition : std::string();
        std::vector<std::string> stale;
        if (entry.fingerprint) {
          stale.push_back(fmt::format("its fingerprint: `snipcheck bless {}` records the fixed one", listing.id));
        }
        if (!cell.empty() && entry.cells.contains(cell)) {
          stale.push_back(fmt::format("its `{}` entry, which says what it did there unfixed: remove it", cell));
        }
        if (!stale.empty()) {
          bless_notes[listing.id] = fmt::format("{} records the listing as it was: {}", entry.file.string(),
                                                fmt::join(stale, "; "));
        }
      }
      if (plan.edition && annotation != planned.loaded.annotations.end()) {
        // What expected/ says the listing does in the new edition as written
        // ("edition-2024 = { expect = "compile-fail" }") is what the fix is to
        // change: it is judged by what it does in its own edition.
        annotation->second.cells.erase("edition-" + *plan.edition);
      }
      if (const auto fixed = fixed_by_id.find(listing.id); fixed != fixed_by_id.end()) {
        listing.lines = fixed->second->fixed_listing->lines;
        if (annotation != planned.loaded.annotations.end()) {
          annotation->second.fingerprint.reset(); // recorded for the code as it was
        }
      }
    }
    second = run_check(checking, std::move(planned), runner, log);
    for (const auto& result : second.results) {
      checked_by_id[result.listing->id] = &result;
      if (result.status() == check::Status::error) {
        plan.environment_errors.push_back(fmt::format("{}: {}", result.listing->id, result.explanation()));
      }
    }
  }

  for (auto& fix : fixes) {
    fixing::FixOutcome outcome{std::move(fix), fixing::EditionState::not_asked, {}};
    const auto checked = checked_by_id.find(outcome.fix.listing->id);
    const bool passes = checked != checked_by_id.end() && checked->second->status() == check::Status::pass;
    if (outcome.fix.status == fixing::FixStatus::fixed && !passes) {
      const auto why =
          checked == checked_by_id.end() ? std::string("it was not checked again") : why_not_passing(*checked->second);
      fixing::reject_fix(outcome.fix, fmt::format("with the fixes applied{}, it would not do what the book says: {}",
                                                  plan.edition ? " in edition " + *plan.edition : std::string(), why));
    }
    if (plan.edition && outcome.fix.status != fixing::FixStatus::left_alone) {
      if (passes) {
        outcome.edition = outcome.fix.status == fixing::FixStatus::fixed ? fixing::EditionState::migrated
                                                                         : fixing::EditionState::compatible;
      } else {
        outcome.edition = fixing::EditionState::incompatible;
        outcome.in_new_edition =
            checked == checked_by_id.end() ? std::string("not checked") : why_not_passing(*checked->second);
      }
    }
    if (const auto note = bless_notes.find(outcome.fix.listing->id);
        note != bless_notes.end() && outcome.fix.status == fixing::FixStatus::fixed) {
      outcome.fix.notes.push_back(note->second);
    }
    plan.outcomes.push_back(std::move(outcome));
  }
  return plan;
}

} // namespace snipcheck::app
