#pragma once
// The build stage of one cell (toolchain × edition): which listing goes into
// which cargo target, the cargo passes, and what each listing did.
//
// Listings that may share a binary are built in batches (one module each, a
// dispatching `main`), the rest one target each. Trust comes before speed:
//  - a batch's name is derived from its members' content, and a program is run
//    right after the pass that built it, so no run uses a stale binary;
//  - a batch in which rustc reports any error is split: the failures it
//    settles stand (rustc analysed every member, so it reported for each what
//    a build alone reports: failures_settled_in_batch), the other listings the
//    errors point at are built alone, the rest again as a batch, and a batch
//    with errors that point at no listing is bisected;
//  - a listing whose run inside a batch is not accepted (a signal, an exit
//    code it should not have) is built and run alone before it is reported;
//    one that hit the time limit is not (its process ran its code only).
// Everything is a full `cargo build`: errors that appear only when code is
// generated (deny-by-default lints, post-monomorphization errors) count.

#include "build/build_plan.hpp"
#include "run/run_programs.hpp"
#include "cargo/process.hpp"
#include "check/result.hpp"
#include "util/log.hpp"
#include "util/phase_timer.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace snipcheck::build {

struct CellSettings
{
  const check::ToolchainInfo* toolchain = nullptr;
  std::string edition;
};

enum class MergeListings { no, yes };

// What the build stage reads of the run's settings, the same for every cell.
struct BuildSettings
{
  std::filesystem::path build_dir;          // workspaces and target folders go below it
  std::filesystem::path registry_directory; // a local directory registry (cargo runs offline); empty: crates.io
  int jobs = 0;                             // cargo's --jobs; 0: cargo's default
  MergeListings merge = MergeListings::yes; // no: every listing is a target of its own
  run::RunSettings run;                          // for the programs it built
  double compile_timeout_seconds = 180;     // wall clock per target's rustc; 0: none
  // registry_digest() of the local registry: cargo never rebuilds a registry
  // crate whose content changed at the same version, so a target folder
  // built from another digest is emptied first.
  std::string registry_digest;
  // Where the cell's rounds record their time (workspace, cargo, runs); null: nowhere.
  util::PhaseTimer* timer = nullptr;
  // Set for `snipcheck lint`: the listings are compiled by the toolchain's
  // clippy-driver with these lint-level flags, in workspaces of their own
  // (`lint-HASH-workspace`, one per set of flags), so cargo never replays a
  // plain build's messages for a lint run, nor one set of flags' for another. The build is the same full build.
  std::optional<std::vector<std::string>> clippy_flags;
  // Whether what a listing's build gave inside a batch must be confirmed by
  // building it alone (the lints that see a batch's layout, lint_config.hpp);
  // if so, that result is the one reported. Empty: a batch's results stand.
  std::function<bool(const check::Observed&)> confirm_alone;
};

// Whether what a listing did as part of a batch stands; if not, it is built
// and run alone, and that result is the one reported.
using AcceptBatchedRun = std::function<bool(const BuildItem&)>;
// Progress of the cell: a phase and how many items have their result.
using StageProgress = std::function<void(const std::string& phase, int finished)>;
// Called once per item as soon as its `observed` is final (not for an item
// whose crate cargo could not resolve), one call at a time, so that a run
// killed half-way keeps what it finished (the pipeline caches it here).
using ItemFinished = std::function<void(const BuildItem&)>;

// Builds (and runs) every item, filling in `observed`. Throws Fatal when the
// environment fails (cargo missing, crashing, or failing before compiling).
void build_cell(std::vector<BuildItem>& items, const CellSettings& cell, const BuildSettings& settings,
                cargo::CommandRunner& runner, const util::Log& log, const StageProgress& progress,
                const AcceptBatchedRun& accept_batched_run, const ItemFinished& on_finished = {});

} // namespace snipcheck::build
