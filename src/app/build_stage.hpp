#pragma once
// The build stage of one cell (toolchain × edition): which listing goes into
// which cargo target, the cargo passes, and what each listing did.
//
// Listings that may share a binary are built in batches (one module each, a
// dispatching `main`), the rest one target each. Trust comes before speed:
//  - a batch's name is derived from its members' content, and a program is run
//    right after the pass that built it, so no run uses a stale binary;
//  - a batch in which rustc reports any error is split: the listings the
//    errors point at are built alone, the rest again as a batch, and a batch
//    with errors that point at no listing is bisected;
//  - a listing whose run inside a batch is not accepted (a signal, an exit
//    code it should not have) is built and run alone before it is reported.
// Everything is a full `cargo build`: errors that appear only when code is
// generated (deny-by-default lints, post-monomorphization errors) count.

#include "app/options.hpp"
#include "app/pipeline.hpp"
#include "cargo/cargo.hpp"
#include "check/compare.hpp"
#include "scratch/workspace.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace snipcheck::app {

// A crate cargo could not resolve (a typo in `deps`, a version the registry
// lacks): bad input for the listings asking for it, not a broken environment.
struct UnresolvedDependency
{
  std::string crate;
  std::string package;     // the scratch package cargo named
  std::string cargo_error; // cargo's own lines, each on a line of its own
};

// One listing of the cell to build (and run).
struct BuildItem
{
  scratch::Unit unit;       // `batch` is chosen here
  bool runs = false;        // a `run` or `run-fail` listing: executed once built
  bool mergeable = false;   // may share a batch with others
  check::Observed observed; // the result
  std::chrono::milliseconds duration{0}; // its share of the builds, and its runs
  // Set when cargo could not resolve a crate it asks for: it was not built.
  std::optional<UnresolvedDependency> unresolved_dependency;
};

// A cargo target planned for a round: a batch of several listings, or one alone.
struct PlannedTarget
{
  std::vector<std::size_t> members; // indexes into the items
  bool batch = false;

  bool operator==(const PlannedTarget&) const = default;
};

// Listings per batch: large enough that rustc's start-up is amortized, small
// enough that a big book keeps both cores busy.
constexpr std::size_t batch_size = 48;

// The first round: mergeable listings in batches of the same edition and
// crates, in book order; the others alone.
std::vector<PlannedTarget> plan_targets(const std::vector<BuildItem>& items, std::size_t max_batch = batch_size);

// A batch in which rustc reported errors: the members the errors point at are
// built alone, the others again as one batch; when no error points at a
// member (a link error, an error in the glue), the batch is bisected.
std::vector<PlannedTarget> split_failed_batch(const PlannedTarget& batch, const std::set<std::size_t>& members_with_errors);

struct CellSettings
{
  const ToolchainInfo* toolchain = nullptr;
  std::string edition;
};

// Whether what a listing did as part of a batch stands; if not, it is built
// and run alone, and that result is the one reported.
using AcceptBatchedRun = std::function<bool(const BuildItem&)>;
// Progress of the cell: a phase and how many items have their result.
using StageProgress = std::function<void(const std::string& phase, int finished)>;

// Builds (and runs) every item, filling in `observed`. Throws Fatal when the
// environment fails (cargo missing, crashing, or failing before compiling).
void build_cell(std::vector<BuildItem>& items, const CellSettings& cell, const Options& options,
                cargo::CommandRunner& runner, const Log& log, const StageProgress& progress,
                const AcceptBatchedRun& accept_batched_run);

} // namespace snipcheck::app
