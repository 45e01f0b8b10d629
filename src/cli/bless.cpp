// `snipcheck bless [SELECTOR...]`: record what happens now in expected/ (docs/contract.md).
// Only what differs from what the book itself says gets an entry; entries
// whose listings moved are renamed, entries whose listings are gone removed,
// and every change is printed. The files are read, edited and written under a
// lock on expected/, so two blesses at once both keep their changes.
#include "cli/commands.hpp"

#include "app/pipeline.hpp"
#include "check/result.hpp"
#include "check/bless.hpp"
#include "report/claims_report.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <unistd.h>

namespace snipcheck::cli {

namespace {

namespace fs = std::filesystem;

using Updates = std::map<fs::path, std::vector<check::BlessUpdate>>; // by file name in expected/

fs::path file_for(const app::ListingResult& result)
{
  const auto& entry_file = result.expectation.annotation_file;
  return entry_file.empty() ? fs::path(fmt::format("ch{:02}.toml", result.listing->chapter)) : entry_file.filename();
}

std::string header_for(const fs::path& name, const app::Options& options)
{
  return fmt::format("# Expectations for chapter {} of {}.\n", name.stem().string().substr(2),
                     options.book.filename().string());
}

// Edits the files of `folder` (named as under `shown` in messages) under its lock.
// Returns the changes made, one line each.
std::vector<std::string> apply(const fs::path& folder, const fs::path& shown, const Updates& updates,
                               const app::Options& options)
{
  if (updates.empty()) {
    return {};
  }
  const check::ExpectedFolderLock lock(folder);
  check::remove_abandoned_temporaries(folder);
  std::vector<std::string> changes;
  for (const auto& [name, file_updates] : updates) {
    const auto path = folder / name;
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    const auto content = exists ? text::read_file(path) : header_for(name, options);
    const auto blessed = check::bless_file(content, shown / name, file_updates);
    if (blessed.content != content) {
      text::write_file_atomically(path, blessed.content);
    }
    changes.insert(changes.end(), blessed.changes.begin(), blessed.changes.end());
  }
  return changes;
}

// Entries whose listing is gone from the book: removed, each printed with what it said.
Updates orphan_removals(const app::Options& options, const fs::path& folder)
{
  const auto book = book::read_book(options.book);
  const auto annotations = check::load_expectations(folder);
  const auto matched = check::match_annotations(annotations, book);
  Updates removals;
  for (const auto* orphan : matched.orphan_entries) {
    check::BlessUpdate removal;
    removal.id = orphan->id;
    removal.written_id = orphan->id;
    removal.remove_entry = true;
    removals[orphan->file.filename()].push_back(std::move(removal));
  }
  return removals;
}

// A copy of expected/ to bless into for --dry-run.
fs::path scratch_copy(const fs::path& expected)
{
  auto folder = fs::temp_directory_path() / fmt::format("snipcheck-bless-{}", ::getpid());
  fs::remove_all(folder);
  fs::create_directories(folder / "expected");
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(expected, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") {
      fs::copy_file(entry.path(), folder / "expected" / entry.path().filename());
    }
  }
  return folder;
}

// The entries of the files in `folder`, bound to today's listings.
check::Annotations current_annotations(const fs::path& folder, const book::Book& book)
{
  return check::match_annotations(check::load_expectations(folder), book).by_listing;
}

check::Expectation expectation_now(const app::ListingResult& result, const check::Annotations& annotations,
                                   book::Format format)
{
  return check::expectation_for(*result.listing, check::find_annotation(annotations, result.listing->id), format,
                                {result.toolchain, result.edition});
}

bool passes(const app::ListingResult& result, const check::Expectation& expectation)
{
  return !check::is_failure(check::status_of(check::compare(expectation, result.observed, result.listing->fingerprint())));
}

// Listings that, with their primary cell recorded, still behave otherwise in
// another cell of the matrix: what they do there, as `edition-NNNN` or
// `toolchain-NAME` tables of their entries.
Updates cell_updates(const app::CheckRun& run, const std::vector<const app::ListingResult*>& primary,
                     const fs::path& folder, std::vector<const app::ListingResult*>& blessed, int& refused)
{
  const auto annotations = current_annotations(folder, run.book);
  std::map<const book::Listing*, const app::ListingResult*> primary_of;
  for (const auto* result : primary) {
    primary_of[result->listing] = result;
  }
  Updates updates;
  std::map<std::string, std::pair<fs::path, std::size_t>> index_of; // listing id -> its update
  for (const auto& result : run.results) {
    const auto* first = primary_of.at(result.listing);
    if (first == &result || result.status() == check::Status::error ||
        passes(result, expectation_now(result, annotations, run.book.format))) {
      continue;
    }
    const auto& id = result.listing->id;
    const bool other_edition = result.edition != first->edition;
    const bool other_toolchain = result.toolchain != first->toolchain;
    std::string refusal = other_edition && other_toolchain
                              ? fmt::format("in {} {} it does otherwise than in {} {}; write `edition-{}` and "
                                            "`toolchain-{}` tables by hand",
                                            result.toolchain, result.edition, first->toolchain, first->edition,
                                            result.edition, result.toolchain)
                              : std::string();
    const auto record = refusal.empty() ? check::record_of(result.observed, refusal) : std::nullopt;
    if (!record) {
      ++refused;
      fmt::print(stderr, "not blessed: {} ({} {}): {}\n", id, result.toolchain, result.edition, refusal);
      continue;
    }
    const auto* entry = check::find_annotation(annotations, id);
    const auto file = entry != nullptr ? entry->file.filename() : file_for(*first);
    auto found = index_of.find(id);
    if (found == index_of.end()) {
      check::BlessUpdate update;
      update.id = id;
      if (entry != nullptr) {
        update.written_id = entry->id;
      }
      update.fingerprint = entry != nullptr && entry->fingerprint && result.listing->matches_fingerprint(*entry->fingerprint)
                               ? *entry->fingerprint
                               : result.listing->fingerprint();
      updates[file].push_back(std::move(update));
      found = index_of.emplace(id, std::pair(file, updates[file].size() - 1)).first;
    }
    const auto key = other_edition ? "edition-" + result.edition : "toolchain-" + result.toolchain;
    auto& update = updates[found->second.first][found->second.second];
    update.cells[key] = *record;
    if (entry == nullptr) {
      update.comment = fmt::format("blessed: in {} it does {}; say why (reason)", key, record->expect);
    }
    blessed.push_back(&result);
  }
  return updates;
}

// Whether each blessed listing now passes against the files as written.
std::vector<std::string> verify(const app::CheckRun& run, const std::vector<const app::ListingResult*>& blessed,
                                const fs::path& folder)
{
  const auto annotations = current_annotations(folder, run.book);
  std::vector<std::string> problems;
  for (const auto* result : blessed) {
    const auto& listing = *result->listing;
    const auto expectation = expectation_now(*result, annotations, run.book.format);
    const auto verdict = check::compare(expectation, result->observed, listing.fingerprint());
    if (check::is_failure(check::status_of(verdict))) {
      problems.push_back(fmt::format("{}: {}", listing.id, check::explain(verdict, expectation, result->observed)));
    }
  }
  return problems;
}

// The changes between two versions of a file, with three lines of context.
std::string file_diff(const fs::path& shown, const std::string& before, const std::string& after)
{
  auto lines = text::split_lines(check::unified_diff(before, after));
  lines.erase(lines.begin(), lines.begin() + std::min<std::size_t>(2, lines.size())); // its own header
  constexpr std::size_t context = 3;
  std::vector<bool> keep(lines.size(), false);
  for (std::size_t k = 0; k < lines.size(); ++k) {
    if (!lines[k].starts_with(' ')) {
      for (auto near = k > context ? k - context : 0; near < std::min(lines.size(), k + context + 1); ++near) {
        keep[near] = true;
      }
    }
  }
  auto diff = fmt::format("--- {}\n+++ {}\n", shown.string(), shown.string());
  bool skipped = true;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    if (!keep[k]) {
      skipped = true;
      continue;
    }
    if (skipped) {
      diff += "@@\n";
      skipped = false;
    }
    diff += lines[k] + "\n";
  }
  return diff;
}

} // namespace

int bless_command(const app::Options& options, const Output&, DryRun dry_run)
{
  std::optional<fs::path> scratch;
  auto effective = options;
  if (dry_run == DryRun::yes) {
    scratch = scratch_copy(options.expected);
    effective.expected = *scratch / "expected";
  }
  const auto cleanup = [&] {
    if (scratch) {
      std::error_code ec;
      fs::remove_all(*scratch, ec);
    }
  };
  try {
    std::vector<std::string> changes;
    const auto record = [&](const std::vector<std::string>& made) {
      for (const auto& change : made) {
        if (dry_run == DryRun::no) {
          fmt::print("{}\n", change); // at once: a later failure must not hide what was written
        }
        changes.push_back(change);
      }
    };
    if (const auto removals = orphan_removals(effective, effective.expected); !removals.empty()) {
      record(apply(effective.expected, options.expected, removals, options));
    }

    auto runner = cargo::make_process_runner();
    const auto run = app::run_check(effective, *runner, verbose_log(options));
    Updates updates;
    std::vector<const app::ListingResult*> blessed;
    int environment_errors = 0;
    int refused = 0;
    const auto primary = check::primary_results(run);
    for (const auto* result : primary) {
      if (result->status() == check::Status::error) {
        ++environment_errors;
        fmt::print(stderr, "not blessed: {}: {}\n", result->listing->id,
                   check::explain(result->verdict, result->expectation, result->observed));
        continue;
      }
      if (result->status() == check::Status::skip && result->expectation.outcome != check::Outcome::skip) {
        // A listing that needs an unavailable crate shows nothing to record: its E0432 is not what it does.
        fmt::print(stderr, "not blessed: {}: {}\n", result->listing->id, check::skip_reason(result->verdict));
        continue;
      }
      auto decision = check::decide_update(*result->listing, result->expectation, result->observed);
      if (!decision.refusal.empty()) {
        ++refused;
        fmt::print(stderr, "not blessed: {}: {}\n", result->listing->id, decision.refusal);
        continue;
      }
      if (decision.update) {
        updates[file_for(*result)].push_back(std::move(*decision.update));
        blessed.push_back(result);
      }
    }
    record(apply(effective.expected, options.expected, updates, options));
    if (run.results.size() > primary.size()) {
      const auto cells = cell_updates(run, primary, effective.expected, blessed, refused);
      record(apply(effective.expected, options.expected, cells, options));
    }
    for (const auto& problem : verify(run, blessed, effective.expected)) {
      ++refused;
      fmt::print(stderr, "not blessed: {}\n", problem);
    }

    if (dry_run == DryRun::yes) {
      for (const auto& entry : fs::directory_iterator(effective.expected)) {
        const auto original = options.expected / entry.path().filename();
        std::error_code ec;
        const auto before = fs::exists(original, ec) ? text::read_file(original) : std::string();
        const auto after = text::read_file(entry.path());
        if (before != after) {
          fmt::print("{}", file_diff(original, before, after));
        }
      }
    }
    fmt::print("bless: {} change{}{}\n", changes.size(), changes.size() == 1 ? "" : "s",
               dry_run == DryRun::yes ? " (dry run: nothing written)" : "");
    fmt::print("{}", report::output_block_fixes(run)); // the book itself is never edited
    cleanup();
    if (environment_errors > 0) {
      return exit_environment;
    }
    return refused > 0 ? exit_listing_failed : exit_ok;
  } catch (...) {
    cleanup();
    throw;
  }
}

} // namespace snipcheck::cli
