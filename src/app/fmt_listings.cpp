#include "app/fmt_listings.hpp"

#include "cargo/cargo.hpp"

#include <fmt/format.h>

#include <map>

namespace snipcheck::app {

namespace {

namespace fs = std::filesystem;

// Why a listing is left as written by choice, if it is.
std::optional<std::string> opted_out(const Options& options, const check::Expectation& expectation)
{
  if (!options.fmt_enabled) {
    return fmt::format("[fmt] enabled = false in {}", options.config_file.string());
  }
  if (!expectation.fmt) {
    return fmt::format("fmt = false in {}", expectation.from);
  }
  return std::nullopt;
}

} // namespace

FmtPlan format_book(const Options& options, cargo::CommandRunner& runner)
{
  FmtPlan result{plan_run(options), {}, {}};
  const auto& plan = result.plan;
  result.problems = plan.loaded.book.problems;
  formatting::FmtSettings settings;
  settings.rustfmt.rustfmt =
      cargo::resolve_rustfmt(runner, options.toolchains.empty() ? std::string() : options.toolchains.front());
  settings.rustfmt.work_dir = fs::absolute(options.build_dir / "fmt"); // as rustfmt names its files
  settings.markdown = plan.loaded.format == book::Format::markdown;
  settings.write_roots = book::include_roots_for(book_read_settings(options), options.book);
  std::map<fs::path, fs::path> configs; // by folder: rustfmt.toml found walking up, or none
  std::vector<formatting::FmtListing> listings;
  for (const auto* listing : plan.selected) {
    result.problems.insert(result.problems.end(), listing->problems.begin(), listing->problems.end());
    const auto expectation = plan.loaded.expectation(*listing);
    if (!listing->is_rust || expectation.outcome == check::Outcome::not_rust) {
      continue;
    }
    formatting::FmtListing item;
    item.listing = listing;
    item.edition = expectation.edition.value_or(plan.editions.front());
    item.wrap = expectation.wrap;
    item.keep = expectation.required.empty() ? formatting::KeepLines::no : formatting::KeepLines::yes;
    item.opted_out = opted_out(options, expectation);
    if (expectation.recorded_fingerprint && !expectation.stale) {
      item.recorded_fingerprint = expectation.recorded_fingerprint;
    }
    const auto folder = fs::absolute(listing->files.front()).parent_path();
    if (auto found = configs.find(folder); found != configs.end()) {
      item.config = found->second;
    } else {
      item.config = configs[folder] = formatting::find_rustfmt_config(folder).value_or(fs::path());
    }
    listings.push_back(std::move(item));
  }
  result.run = formatting::format_listings(listings, settings, runner);
  return result;
}

} // namespace snipcheck::app
