#pragma once
// `snipcheck bless` writes today's outcomes into expected/ (docs/contract.md). Edits are
// made on the file's text, line by line, so every hand-written field, comment,
// blank line and line ending the maintainer wrote stays exactly where it was.

#include "book/listing.hpp"
#include "check/compare.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace snipcheck::check {

// What a listing does in one cell of a matrix where that differs from the entry's own fields.
struct CellRecord
{
  std::string expect;
  std::optional<std::set<std::string>> errors;
};

// What bless records for one listing; unset fields are left alone.
struct BlessUpdate
{
  std::string id;                        // the listing's id today
  std::optional<std::string> written_id; // the id its entry is written under, when it has one
  bool remove_entry = false;             // the entry's listing is gone from the book
  std::optional<std::string> expect;
  std::optional<std::set<std::string>> errors; // written for compile-fail
  bool remove_errors = false;                  // the listing no longer fails
  bool remove_error_lines = false;             // the claimed lines no longer hold the errors
  bool remove_erratum = false;                 // the listing no longer fails as its erratum says
  std::optional<std::string> stdout_text;
  std::string fingerprint;
  std::string comment;                       // for new entries: a line explaining what to review
  std::map<std::string, CellRecord> cells; // "edition-2024" = { expect = ..., errors = [...] }
};

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

struct BlessResult
{
  std::string content;
  std::vector<std::string> changes; // human-readable, one per changed field
};

// Applies updates to the text of one expectation file (may be empty: a new
// file). The result always parses as an expectation file; InputError when the
// input does not, or when an entry is written in a form bless cannot edit.
BlessResult bless_file(const std::string& content, const std::filesystem::path& path,
                       const std::vector<BlessUpdate>& updates);

// Holds an exclusive lock on the expected/ folder (flock on the folder itself,
// so nothing is left behind), for one read-modify-write of its files: two
// blesses at once then both keep their changes. Creates the folder. Throws Fatal.
class ExpectedFolderLock
{
public:
  explicit ExpectedFolderLock(const std::filesystem::path& folder);
  ~ExpectedFolderLock();
  ExpectedFolderLock(const ExpectedFolderLock&) = delete;
  ExpectedFolderLock& operator=(const ExpectedFolderLock&) = delete;

private:
  int m_fd = -1;
};

// Removes temporary files (chNN.toml.tmp.PID) that a bless killed between
// writing and renaming left in `folder`; only those of processes no longer alive.
void remove_abandoned_temporaries(const std::filesystem::path& folder);

} // namespace snipcheck::check
