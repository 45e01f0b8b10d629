#pragma once
// What a run will build, decided before anything is built: `check` builds
// the plan, `extract` writes it out as a workspace.

#include "app/pipeline.hpp"
#include "scratch/workspace.hpp"

#include <optional>
#include <string>
#include <vector>

namespace snipcheck::app {

struct Plan
{
  LoadedBook loaded;                          // the book, its annotations and settings
  std::vector<const book::Listing*> selected; // in book order; they point into loaded.book
  std::vector<std::string> editions;          // the matrix's: --edition, else the book's own
};

// Loads the book, selects the listings and names the editions. Throws InputError.
Plan plan_run(const Options& options);

// Checks the listings of a plan made already, as run_check does: `fix` checks
// the listings it changed in memory before it writes them.
CheckRun run_check(const Options& options, Plan plan, cargo::CommandRunner& runner, const Log& log);

// Whether a listing with this expectation is built at all: a skipped or
// non-Rust block is not.
bool is_built(const check::Expectation& expectation);

// The scratch unit for a listing built with `wrap` in `edition`, with the
// book's crates and its own.
scratch::Unit unit_for(const Options& options, const book::Listing& listing, const check::Expectation& expectation,
                       const scratch::WrapOptions& wrap, const std::string& edition);

// `list --ignored`: what each selected `ignore`d block without a claim does
// today, built (never judged); nothing when there is none.
std::optional<CheckRun> probe_ignored(const Options& options, const Plan& plan, cargo::CommandRunner& runner,
                                      const Log& log);

// `snipcheck extract`: the plan's workspace written to `out_dir` (the first
// edition of the matrix), never built.
scratch::Workspace extract_workspace(const Options& options, const std::filesystem::path& out_dir);

} // namespace snipcheck::app
