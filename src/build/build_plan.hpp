#pragma once
// The build stage's plan: which listing goes into which cargo target. Listings
// that may share a binary are built in batches of the same edition and crates;
// a batch in which rustc reports errors is split up (see build_stage.hpp).

#include "check/compare.hpp"
#include "scratch/workspace.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace snipcheck::build {

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
  scratch::Unit unit;                    // `batch` is chosen here
  bool runs = false;                     // a `run` or `run-fail` listing: executed once built
  bool mergeable = false;                // may share a batch with others
  // compile_fail: batched only with listings that are too, since every batch of them fails.
  bool expected_to_fail = false;
  check::Observed observed;              // the result
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

// A batch in which rustc reported errors: the members whose failure the
// batch settled are done (failures_settled_in_batch), the other members the
// errors point at are built alone (those in `retried_together`: again as one
// batch), the rest again as one batch; when no error points at a member (a
// link error, an error in the glue), the batch is bisected.
std::vector<PlannedTarget> split_failed_batch(const PlannedTarget& batch,
                                              const std::set<std::size_t>& members_with_errors,
                                              const std::set<std::size_t>& settled = {},
                                              const std::set<std::size_t>& retried_together = {});

// A batch whose rustc hit the compile-time limit: every member alone, all in
// the next pass. The limit is per target, so those built alone in parallel
// find every culprit in one more pass (two limits in all, where bisecting into
// quarters would take four for a batch of 48), and each other member gets
// its own verdict.
std::vector<PlannedTarget> split_timed_out_batch(const PlannedTarget& batch);

} // namespace snipcheck::build
