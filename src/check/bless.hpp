#pragma once
// What `snipcheck bless` records for each listing, and what it refuses to
// (docs/contract.md); the files are edited by bless_file (check/bless_file.hpp).

#include "book/listing.hpp"
#include "check/bless_file.hpp"
#include "check/compare.hpp"
#include "check/expectation.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace snipcheck::check {

// What bless records for one listing (docs/contract.md), or why it cannot. A listing
// that behaves as its expectation says gets no new entry; an existing entry
// only gets its fingerprint refreshed and its id rewritten when it moved.
// Otherwise the entry records what happens, with `expect` always written out
// so the entry is valid on its own.
struct BlessDecision
{
  std::optional<BlessUpdate> update; // none: nothing to record
  std::string refusal;               // non-empty: cannot be blessed, and why
};
BlessDecision decide_update(const book::Listing& listing, const Expectation& expectation, const Observed& observed);

// What a listing did in a cell, as an outcome to record; nullopt with `refusal` set when it cannot be recorded.
std::optional<CellRecord> record_of(const Observed& observed, std::string& refusal);

// Why a listing's result is not blessed; each weighs differently in bless's exit code.
enum class NotBlessed {
  recorded,       // blessed, or nothing to record
  environment,    // it could not be checked here (exit 3)
  bad_input,      // the book or its settings are wrong around it (exit 2)
  unavailable,    // it needs a crate this machine lacks: nothing it does is worth recording
  cannot_record,  // what it does cannot be written down (exit 1)
};

// What bless does with a listing's result in its primary cell: decide_update,
// unless the result is not the listing's to record.
struct PrimaryDecision
{
  BlessDecision decision; // `refusal` says why when `not_blessed` is not `recorded`
  NotBlessed not_blessed = NotBlessed::recorded;
};
PrimaryDecision decide_primary(const book::Listing& listing, const Expectation& expectation, const Observed& observed,
                               const Verdict& verdict);

// Whether a listing behaves as `expectation` says (pass, skip or not Rust).
bool behaves_as_expected(const Expectation& expectation, const Observed& observed, const std::string& fingerprint);

// A listing's result in a cell other than its primary one, where it does not
// behave as expected: what to write in the `edition-NNNN` or `toolchain-NAME`
// table of its entry, or why that cannot be written.
struct CellDecision
{
  std::string key; // "edition-2024", "toolchain-nightly"
  std::optional<CellRecord> record;
  std::string refusal; // non-empty: not blessed, and why
};
CellDecision decide_cell(const Cell& cell, const Observed& observed, const Cell& primary);

// The update that holds a listing's cell tables: written under its entry's id
// and fingerprint when it has one (`entry`), else a new entry.
BlessUpdate cell_entry_update(const book::Listing& listing, const Annotation* entry);
// Adds a recorded cell to it; a new entry's comment names the cell to review.
void add_cell(BlessUpdate& update, const CellDecision& cell, const Annotation* entry);

// The expected/ file a listing's entry is written in: its annotation's, else chNN.toml.
std::filesystem::path expected_file_name(const book::Listing& listing, const Expectation& expectation);
// The first line of a new chNN.toml.
std::string expected_file_header(const std::filesystem::path& name, const std::filesystem::path& book);

} // namespace snipcheck::check
