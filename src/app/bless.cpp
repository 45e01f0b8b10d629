#include "app/bless.hpp"

#include "app/lint_listings.hpp"

#include "check/bless.hpp"
#include "check/bless_lock.hpp"
#include "check/result.hpp"
#include "util/errors.hpp"
#include "util/paths.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <unistd.h>

namespace snipcheck::app {

namespace {

namespace fs = std::filesystem;

using Updates = std::map<fs::path, std::vector<check::BlessUpdate>>; // by file name in expected/

// A file of expected/ that is a symlink is written through (it stays a
// symlink) only when its target, dangling or not, lies inside expected/:
// bless never writes elsewhere. Throws InputError naming the file.
void check_stays_inside(const fs::path& expected, const fs::path& name)
{
  const auto file = expected / name;
  const auto target = text::write_target(file);
  std::error_code ec;
  const auto folder = fs::weakly_canonical(fs::absolute(expected, ec), ec);
  if (target != file && !util::is_within(target, folder)) {
    throw InputError(file, 0,
                     fmt::format("is a symlink to {}, outside {}; bless writes only inside the expected/ folder "
                                 "(make the file a regular file, or link inside that folder)",
                                 target.string(), folder.string()));
  }
}

// Edits the files of `folder` (named as under `shown` in messages, and
// confined to `shown`, the real expected/ of a dry run's copy) under its lock.
// Returns the changes made, one line each.
std::vector<std::string> apply(const fs::path& folder, const fs::path& shown, const Updates& updates,
                               const fs::path& book)
{
  if (updates.empty()) {
    return {};
  }
  const check::ExpectedFolderLock lock(folder);
  check::remove_abandoned_temporaries(folder);
  for (const auto& [name, file_updates] : updates) {
    check_stays_inside(shown, name); // every file before the first is written
  }
  std::vector<std::string> changes;
  for (const auto& [name, file_updates] : updates) {
    const auto path = folder / name;
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    const auto content = exists ? text::read_file(path) : check::expected_file_header(name, book);
    const auto blessed = check::bless_file(content, shown / name, file_updates);
    if (blessed.content != content) {
      text::write_file_atomically(path, blessed.content);
    }
    changes.insert(changes.end(), blessed.changes.begin(), blessed.changes.end());
  }
  return changes;
}

// Entries whose listing is gone from the book: removed, each printed with what it said.
Updates orphan_removals(const Options& options, const fs::path& folder)
{
  const auto book = book::read_book(options.book, book_read_settings(options));
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

// A copy of expected/ to bless into for --dry-run, removed when done.
class ScratchCopy
{
public:
  explicit ScratchCopy(const fs::path& expected)
    : m_folder(fs::temp_directory_path() / fmt::format("snipcheck-bless-{}", ::getpid()))
  {
    fs::remove_all(m_folder);
    fs::create_directories(m_folder / "expected");
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(expected, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".toml") {
        fs::copy_file(entry.path(), m_folder / "expected" / entry.path().filename());
      }
    }
  }
  ~ScratchCopy()
  {
    std::error_code ec;
    fs::remove_all(m_folder, ec);
  }
  ScratchCopy(const ScratchCopy&) = delete;
  ScratchCopy& operator=(const ScratchCopy&) = delete;

  fs::path expected() const { return m_folder / "expected"; }

private:
  fs::path m_folder;
};

// The entries of the files in `folder`, bound to today's listings.
check::Annotations current_annotations(const fs::path& folder, const book::Book& book)
{
  return check::match_annotations(check::load_expectations(folder), book).by_listing;
}

check::Expectation expectation_now(const ListingResult& result, const check::Annotations& annotations,
                                   book::Format format)
{
  return check::expectation_for(*result.listing, check::find_annotation(annotations, result.listing->id), format,
                                {result.toolchain, result.edition});
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

// The files of `blessed` that differ from those of `original`, as diffs.
std::string folder_diff(const fs::path& original, const fs::path& blessed)
{
  std::string diff;
  for (const auto& entry : fs::directory_iterator(blessed)) {
    const auto original_file = original / entry.path().filename();
    std::error_code ec;
    const auto before = fs::exists(original_file, ec) ? text::read_file(original_file) : std::string();
    const auto after = text::read_file(entry.path());
    if (before != after) {
      diff += file_diff(original_file, before, after);
    }
  }
  return diff;
}

// One bless run: the decisions of check/bless.hpp applied to a CheckRun.
class Blesser
{
public:
  Blesser(const Options& options, const fs::path& folder, const BlessNotes& notes, DryRun dry_run)
    : m_options(options)
    , m_folder(folder)
    , m_notes(notes)
    , m_dry_run(dry_run)
  {}

  void write(const Updates& updates);
  Updates primary_updates(const std::vector<const ListingResult*>& primary);
  Updates cell_updates(const std::vector<const ListingResult*>& primary);
  void verify();

  BlessOutcome outcome;

private:
  void refuse(const std::string& what) { m_notes.not_blessed(what); }

  const Options& m_options;
  fs::path m_folder; // where the files are edited: expected/, or its copy for a dry run
  const BlessNotes& m_notes;
  DryRun m_dry_run;
  std::vector<const ListingResult*> m_blessed; // results whose outcome was recorded
};

void Blesser::write(const Updates& updates)
{
  for (const auto& change : apply(m_folder, m_options.expected, updates, m_options.book)) {
    if (m_dry_run == DryRun::no) {
      m_notes.changed(change);
    }
    ++outcome.changes;
  }
}

Updates Blesser::primary_updates(const std::vector<const ListingResult*>& primary)
{
  Updates updates;
  for (const auto* result : primary) {
    auto [decision, not_blessed] =
        check::decide_primary(*result->listing, result->expectation, result->observed, result->verdict);
    switch (not_blessed) {
    case check::NotBlessed::recorded: break;
    case check::NotBlessed::environment: ++outcome.environment_errors; break;
    case check::NotBlessed::bad_input: ++outcome.bad_input; break;
    case check::NotBlessed::unavailable: break;
    case check::NotBlessed::cannot_record: ++outcome.refused; break;
    }
    if (not_blessed != check::NotBlessed::recorded) {
      refuse(fmt::format("{}: {}", result->listing->id, decision.refusal));
    } else if (decision.update) {
      updates[check::expected_file_name(*result->listing, result->expectation)].push_back(std::move(*decision.update));
      m_blessed.push_back(result);
    }
  }
  return updates;
}

// Listings that, with their primary cell recorded, still behave otherwise in
// another cell of the matrix: what they do there, as `edition-NNNN` or
// `toolchain-NAME` tables of their entries.
Updates Blesser::cell_updates(const std::vector<const ListingResult*>& primary)
{
  const auto& run = outcome.run;
  const auto annotations = current_annotations(m_folder, run.book);
  std::map<const book::Listing*, const ListingResult*> primary_of;
  for (const auto* result : primary) {
    primary_of[result->listing] = result;
  }
  Updates updates;
  std::map<std::string, std::pair<fs::path, std::size_t>> index_of; // listing id -> its update
  for (const auto& result : run.results) {
    const auto* first = primary_of.at(result.listing);
    if (first == &result || result.status() == check::Status::error ||
        std::holds_alternative<check::verdict::BadInput>(result.verdict) ||
        check::behaves_as_expected(expectation_now(result, annotations, run.book.format), result.observed,
                                   result.listing->fingerprint())) {
      continue;
    }
    const auto& id = result.listing->id;
    const auto cell = check::decide_cell({result.toolchain, result.edition}, result.observed,
                                         {first->toolchain, first->edition});
    if (!cell.record) {
      ++outcome.refused;
      refuse(fmt::format("{} ({} {}): {}", id, result.toolchain, result.edition, cell.refusal));
      continue;
    }
    const auto* entry = check::find_annotation(annotations, id);
    auto found = index_of.find(id);
    if (found == index_of.end()) {
      const auto file = entry != nullptr ? entry->file.filename()
                                         : check::expected_file_name(*first->listing, first->expectation);
      updates[file].push_back(check::cell_entry_update(*result.listing, entry));
      found = index_of.emplace(id, std::pair(file, updates[file].size() - 1)).first;
    }
    check::add_cell(updates[found->second.first][found->second.second], cell, entry);
    m_blessed.push_back(&result);
  }
  return updates;
}

// Whether each blessed listing now passes against the files as written.
void Blesser::verify()
{
  const auto& run = outcome.run;
  const auto annotations = current_annotations(m_folder, run.book);
  for (const auto* result : m_blessed) {
    const auto& listing = *result->listing;
    const auto expectation = expectation_now(*result, annotations, run.book.format);
    const auto verdict = check::compare(expectation, result->observed, listing.fingerprint());
    if (!check::behaves_as_expected(expectation, result->observed, listing.fingerprint())) {
      ++outcome.refused;
      refuse(fmt::format("{}: {}", listing.id, check::explain(verdict, expectation, result->observed)));
    }
  }
}

} // namespace

BlessOutcome bless(const Options& options, DryRun dry_run, const Log& log, const BlessNotes& notes, BlessWhat what)
{
  std::optional<ScratchCopy> scratch;
  auto effective = options;
  if (dry_run == DryRun::yes) {
    scratch.emplace(options.expected);
    effective.expected = scratch->expected();
  }
  Blesser blesser(options, effective.expected, notes, dry_run);
  if (const auto removals = orphan_removals(effective, effective.expected); !removals.empty()) {
    blesser.write(removals);
  }
  auto runner = cargo::make_process_runner();
  if (what == BlessWhat::lints) {
    auto linted = lint_book(effective, *runner, log);
    if (!linted.lint.problems.empty()) {
      throw InputError(linted.lint.problems);
    }
    Updates updates;
    const auto primary = check::primary_results(linted.run);
    for (const auto& result : linted.lint.results) {
      auto update = lint::bless_update(result);
      if (update && std::find(primary.begin(), primary.end(), result.result) != primary.end()) {
        updates[check::expected_file_name(*result.result->listing, result.result->expectation)].push_back(
            std::move(*update));
      }
    }
    blesser.write(updates);
    blesser.outcome.run = std::move(linted.run);
    if (scratch) {
      blesser.outcome.dry_run_diff = folder_diff(options.expected, effective.expected);
    }
    return std::move(blesser.outcome);
  }
  blesser.outcome.run = run_check(effective, *runner, log);
  const auto& run = blesser.outcome.run;
  const auto primary = check::primary_results(run);
  blesser.write(blesser.primary_updates(primary));
  if (run.results.size() > primary.size()) {
    blesser.write(blesser.cell_updates(primary));
  }
  blesser.verify();
  if (scratch) {
    blesser.outcome.dry_run_diff = folder_diff(options.expected, effective.expected);
  }
  return std::move(blesser.outcome);
}

} // namespace snipcheck::app
