#pragma once
// One cargo pass of the build stage: `cargo build --keep-going` over a round's
// targets, and what each listing did in it, placed at the book's lines.
// A cargo that cannot start, crashes, or fails before compiling anything is
// the environment's failure (Fatal); a crate it cannot resolve is the book's.

#include "build/build_plan.hpp"
#include "cargo/cargo.hpp"
#include "check/compare.hpp"
#include "scratch/workspace.hpp"
#include "util/log.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::build {

struct CargoPass
{
  std::string command; // as shown with -v
  // The same command without its target selection: a listing's own command
  // (observed.command) is this and its own target, so that what each result
  // keeps stays the same size however many targets the pass built.
  std::string command_without_targets;
  cargo::CommandResult result;
  cargo::BuildMessages messages;
  // Indexes into messages.messages by the target's src_path, so that placing
  // each listing's messages reads only its own (never all, once per listing).
  std::map<std::string, std::vector<std::size_t>> messages_by_source;

  // The compiler messages of the target whose source is `src_path`.
  std::vector<const cargo::CompilerMessage*> messages_of(const std::string& src_path) const;
};

// Runs cargo over `targets` (cargo arguments, see select_targets), with
// `--jobs` when `jobs` > 0. Throws Fatal for the environment's failures and
// UnresolvedDependency when cargo cannot resolve a crate.
CargoPass run_cargo_pass(std::vector<std::string> targets, const cargo::CargoSettings& settings, int jobs,
                         cargo::CommandRunner& runner, const util::Log& log,
                         const std::function<void(std::string_view)>& on_line);

// cargo arguments selecting every target of the workspace.
std::vector<std::string> select_targets(const scratch::Workspace& workspace);

// An error of rustc's own, not its summary ("aborting due to ...").
bool is_error(const cargo::CompilerMessage& message);

// The members of one batch that failed (`members`: its written units, one
// source file) whose failure the batch settles, so that none is built again
// alone. A member is settled when
//  - the batch's analysis marker warned (scratch::Workspace::analysis_markers):
//    every member was parsed, expanded and type-checked, no fatal error cut
//    rustc short;
//  - every error of the batch lies in a member's module (none in the
//    dispatching `main`, none without a place);
//  - the member has an error of its own that is not a lint's: alone, too,
//    rustc stops after its analysis, before late lints and code generation,
//    and has reported for it exactly what the batch reported in its lines;
//  - none of its errors is in the glue around its lines (a `main` it lacks,
//    or whose type is wrong), nor could come from its place in the batch: a
//    post-monomorphization error (E0080, from a code generation the batch
//    may have cut short) or, in edition 2015, where `use` paths start at the
//    crate root, a path that did not resolve.
//
// When rustc stopped before type checking, only a trait that did not resolve
// settles: if the resolution marker warned (every name was resolved), no
// error is one rustc raises as fatal on the spot (an overflow), and this
// rustc was seen to stop there (`unresolved_trait_stops`, asked only then:
// cargo::unresolved_trait_stops_before_type_checking), then a member with an
// E0405 of its own stops alone where the batch stopped, and is settled.
struct BatchSettlement
{
  std::set<const scratch::WrittenUnit*> settled;
  std::string none_because; // when it settles none at all: why (for -v)
  // rustc stopped before type checking at a member's unresolved trait: the
  // batch's other failures may well type-check together once it is gone, but
  // for those whose trait path did not resolve either (E0404, E0405).
  std::set<const scratch::WrittenUnit*> retried_together;
};
BatchSettlement failures_settled_in_batch(const std::vector<const scratch::WrittenUnit*>& members,
                                          const CargoPass& pass, const scratch::Workspace& workspace,
                                          const std::function<bool()>& unresolved_trait_stops);

// What happened to one listing in a cargo pass.
check::Observed observe(const scratch::WrittenUnit& written, const CargoPass& pass,
                        const scratch::Workspace& workspace);

} // namespace snipcheck::build
