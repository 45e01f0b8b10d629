#pragma once
// `snipcheck bless` writes today's outcomes into expected/ (docs/contract.md). Edits are
// made on the file's text, line by line, so every hand-written field, comment,
// blank line and line ending the maintainer wrote stays exactly where it was.

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
  // `bless --lints`: the lints `snipcheck lint` does not report for it, and
  // the `reason` written with them when the entry has none.
  std::optional<std::set<std::string>> allow;
  std::string reason_if_missing;
};

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

} // namespace snipcheck::check
