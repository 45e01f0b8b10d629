#pragma once
// `snipcheck fix`, a stage beside check and fmt (docs/fix.md): the
// machine-applicable suggestions of rustc and clippy (or, with `--edition`,
// of the edition's migration lints) applied to the listings, in the book.
// It takes the fixes a build found per listing (check::Diagnostic::fixes),
// works out each block's new lines, and writes them through fmt's splice,
// which changes only the lines of code blocks. Whether an edit is kept is
// decided by checking the fixed listing again (app/fix_listings).

#include "book/listing.hpp"
#include "check/compare.hpp"
#include "fix/apply.hpp"
#include "fmt/fmt.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace snipcheck::fixing {

// One listing, with the fixes its build offered, or why it is left alone.
struct FixListing
{
  const book::Listing* listing = nullptr;
  std::vector<check::CodeFix> fixes;
  std::optional<std::string> left_alone; // "its expectation is a failure: the error is the point"
};

enum class FixStatus {
  fixed,      // its block is (or, --dry-run, would be) rewritten
  unchanged,  // nothing to fix
  not_fixed,  // fixes were offered but are not written: `reason`
  left_alone, // not fixed by rule: `reason`
};

struct FixResult
{
  const book::Listing* listing = nullptr;
  FixStatus status = FixStatus::unchanged;
  std::string reason;
  std::vector<std::string> applied;  // the fixes' messages
  std::vector<std::string> left_out; // the fixes not applied, and why
  std::vector<std::string> notes;    // fixed: what to do next ("`snipcheck bless ID` records ...")
  // The block's edit (file, first line, lines before and after), as fmt writes it.
  formatting::FmtResult edit;
  // fixed: the listing as fixed, to be checked again before it is written.
  std::optional<book::Listing> fixed_listing;
};

// What `--edition` found of a listing that compiles in the book's edition.
enum class EditionState {
  not_asked,    // no --edition
  compatible,   // does what the book says in the new edition as it is
  migrated,     // does so once fixed
  incompatible, // does not, and no fix that is kept makes it
};

// A listing's fix, once the fixed listing was checked again.
struct FixOutcome
{
  FixResult fix;
  EditionState edition = EditionState::not_asked;
  std::string in_new_edition; // incompatible: what it does there
};

struct FixSettings
{
  bool markdown = false; // code lines may be hidden `# ` lines
  // Canonical folders of the book's project: a file outside them is never written.
  std::vector<std::filesystem::path> write_roots;
};

// Each listing's fixes applied, and its block's new lines; nothing is written.
std::vector<FixResult> plan_fixes(const std::vector<FixListing>& listings, const FixSettings& settings);

// A fixed listing that did not pass when checked again: left as it is, and why.
void reject_fix(FixResult& result, std::string why);

// Writes the fixed blocks (fmt's write_formatted: each file once, atomically).
std::vector<std::filesystem::path> write_fixes(const std::vector<FixResult>& results);

} // namespace snipcheck::fixing
