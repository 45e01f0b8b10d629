#pragma once
// Lays out the scratch Cargo workspace (docs/building.md): bin listings go into one
// package per chapter, edition and set of crates (so a listing sees exactly
// the crates it declares), one bin target per listing; a package of its own
// for each library or proc-macro listing; one shared target folder. Listings
// given a `batch` share one target as modules (rustdoc's merged doctests); the
// batch's name is derived from its members' content, so a batch with other
// members is another target with another executable, never a stale one.
// Files are rewritten only when their content changes, so cargo's freshness
// checks keep working.

#include "book/listing.hpp"
#include "scratch/wrap.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::scratch {

// A crate a listing needs, as in a Cargo.toml [dependencies] entry.
struct Dependency
{
  std::string name;
  std::string version; // a version requirement; may be empty for a path or git crate
  std::vector<std::string> features;
  bool default_features = true;
  std::filesystem::path path; // a local crate (absolute), e.g. the book's own helpers
  std::string git;            // with at most one of branch, tag, rev
  std::string branch;
  std::string tag;
  std::string rev;
  std::string package;      // the crate's real name when `name` renames it
  std::string content_hash; // of a path crate's files, so that the cache sees its edits

  bool operator==(const Dependency&) const = default;
};

// One listing ready to be written: its compiled source and build settings.
struct Unit
{
  const book::Listing* listing = nullptr;
  ScratchSource source;
  CrateType crate_type = CrateType::bin;
  std::string edition = "2021";
  std::vector<Dependency> deps;
  // Non-empty: the merged target this listing is a module of (see batch_name).
  std::string batch;
  // rustdoc's test_harness: built with `--test` (a Cargo test target), run as the test binary.
  bool test_harness = false;
};

// Everything cargo resolves of a listing's crates (name, source, version,
// features, default-features), in a fixed order. Cargo unifies the features of
// a crate over every package of one build, so only listings with equal
// fingerprints may share a package, a batch or a cargo invocation.
std::string dependencies_fingerprint(const std::vector<Dependency>& deps);

// A batch's target name, derived from everything that is compiled into it.
std::string batch_name(const std::vector<const Unit*>& members);

// The name `#![crate_name = "..."]` gives the listing, or empty.
std::string declared_crate_name(const ScratchSource& source);

struct WorkspaceSettings
{
  std::filesystem::path root;               // <build-dir>/workspace
  std::filesystem::path registry_directory; // a local directory registry, or empty for crates.io
  // Whether each batch ends with the analysis marker (Workspace::analysis_markers);
  // off for `snipcheck lint`, whose lint flags could make its warning an error.
  bool mark_analysis = false;
};

// The warning a batch's analysis marker gives: a statement after `return`,
// in a function of the batch's own code, at warn level whatever the batch allows.
inline constexpr std::string_view analysis_marker_lint = "unreachable_code";

// The warning a batch's resolution marker gives (`;;`): rustc's early lints
// run once the whole crate is parsed, expanded and its names resolved, so it
// warns even when rustc stops before type checking.
inline constexpr std::string_view resolution_marker_lint = "redundant_semicolons";

// The warning a batch's borrow-check marker gives (a `mut` never needed):
// rustc's borrow checker warns there once it has checked every member's
// functions, which it may skip altogether after some type errors.
inline constexpr std::string_view borrow_check_marker_lint = "unused_mut";

// How cargo selects and builds a target: `--bin`, `--lib`, `--test`.
enum class TargetKind { bin, lib, test };

struct WrittenUnit
{
  const Unit* unit = nullptr;
  std::string package; // cargo package name
  std::string target;  // cargo target name
  TargetKind kind = TargetKind::bin;
  std::filesystem::path path; // absolute path of the source file
  std::string module;         // merged: the module holding it, also the program's argument
  int line_offset = 0;        // merged: lines of the file before the unit's first line

  bool merged() const { return !module.empty(); }
  // Whether line `line` of `path` belongs to this unit.
  bool holds_line(int line) const;
  // Merged: whether line `line` is in the unit's module: its own lines, or the
  // glue that wraps them (where an error about its `main` shows).
  bool module_holds_line(int line) const;
};

struct Workspace
{
  std::filesystem::path root;
  std::vector<std::string> packages;
  std::vector<WrittenUnit> units;
  bool manifests_changed = false; // a Cargo.toml was (re)written: cargo will resolve and write Cargo.lock
  // Batch source -> line of its analysis marker. rustc warns there while it
  // type-checks the batch; so the warning shows that every member was parsed,
  // expanded and type-checked, with no fatal error cutting the build short
  // (a build alone then reports a failing member's errors as the batch did).
  std::map<std::filesystem::path, int> analysis_markers;
  // Batch source -> line of its resolution marker, written with the analysis
  // marker: its warning shows that rustc got through name resolution.
  std::map<std::filesystem::path, int> resolution_markers;
  // Batch source -> line of its borrow-check marker, the last function before
  // the dispatching `main`: its warning shows every member was borrow-checked.
  std::map<std::filesystem::path, int> borrow_check_markers;

  const WrittenUnit* find_by_source(const std::string& src_path) const;
  // The unit a message at `line` of `src_path` belongs to (merged targets hold several).
  const WrittenUnit* find_by_location(const std::string& src_path, int line) const;
};

// Why `name` cannot name a dependency in Cargo.toml, or nothing when it can.
// cargo's rule (a letter or `_` first, then letters, digits, `-` and `_`),
// in ASCII and at most 64 characters, as crates.io has them.
std::optional<std::string> crate_name_problem(std::string_view name);

// A target name derived from a listing id: "ch02/2.3-1" -> "ch02_2_3_1".
std::string target_name(const std::string& listing_id);

// Whether a listing can share a merged target: a plain bin without anything
// that changes meaning or collides in a shared crate or binary: crate-level
// attributes (lint levels are fine), exported macros, `crate::` paths, symbol
// and section attributes, global allocators and panic handlers, `mod x;` files,
// what observes its own place (file!, line!, module_path!, type names, the
// program's arguments), `super` naming the module around it, and code whose
// lexing does not finish (which would stop rustc for every member).
bool can_merge(const ScratchSource& source);

// Whether code may name a path that edition 2015 starts at the crate root: a
// `use` declaration, or a path that begins with `::`. Every other path starts
// in the scope the code is in, a batch member's module as well as a crate root.
bool names_paths_from_the_crate_root(std::string_view code);

// Writes the workspace holding exactly `units` (its members are their
// packages); throws Fatal when the folder cannot be written and InputError
// when two listings of a package ask for incompatible crates.
Workspace write_workspace(const std::vector<Unit>& units, const WorkspaceSettings& settings);

} // namespace snipcheck::scratch
