#pragma once
// `snipcheck bless` writes today's outcomes into expected/ (SPEC §6). Edits are
// made on the file's text, line by line, so every hand-written field, comment
// and blank line the maintainer wrote stays exactly where it was.

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace snipcheck::check {

// What bless records for one listing; unset fields are left alone.
struct BlessUpdate
{
  std::string id;
  std::optional<std::string> expect;
  std::optional<std::set<std::string>> errors; // written for compile-fail
  bool remove_errors = false;                  // the listing no longer fails
  std::optional<std::string> stdout_text;
  std::string fingerprint;
  std::string comment; // for new entries: a line explaining what to review
};

struct BlessResult
{
  std::string content;
  std::vector<std::string> changes; // human-readable, one per changed field
};

// Applies updates to the text of one expectation file (may be empty: a new file).
BlessResult bless_file(const std::string& content, const std::filesystem::path& path,
                       const std::vector<BlessUpdate>& updates);

} // namespace snipcheck::check
