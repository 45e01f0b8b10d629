#pragma once
// `snipcheck fix`: the check pipeline run twice around the fix stage
// (fix/fix.hpp). The first build, with clippy-driver and (for `--edition`)
// the edition's migration lints forced on, offers each listing its
// machine-applicable fixes; the fixed listings are then checked again (in the
// new edition for `--edition`), and an edit is kept only where the listing
// then does what the book says.

#include "app/plan.hpp"
#include "fix/fix.hpp"

#include <optional>
#include <string>
#include <vector>

namespace snipcheck::app {

struct FixPlan
{
  CheckRun first;                           // the build that offered the fixes; the outcomes point into its book
  std::optional<std::string> edition;       // --edition: the edition migrated to
  std::vector<fixing::FixOutcome> outcomes; // one per Rust listing built, in book order
  std::vector<InputProblem> problems;       // bad input in the book around the selected listings: exit 2
  // Listings that could not be checked because the environment failed (exit 3), said on stderr.
  std::vector<std::string> environment_errors;
};

// Every selected listing's fixes, checked, nothing written. Throws InputError,
// Fatal (no clippy for the toolchain, the environment failing).
FixPlan fix_book(const Options& options, cargo::CommandRunner& runner, const Log& log);

} // namespace snipcheck::app
