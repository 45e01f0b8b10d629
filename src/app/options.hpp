#pragma once
// Everything a run needs to know, merged from snipcheck.toml (found by walking
// up from the current folder, SPEC §9; docs/settings.md) and the command line,
// which wins.

#include "scratch/workspace.hpp"

#include "check/claims.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace snipcheck::app {

enum class ColorChoice { automatic, always, never };

struct ReportRequest
{
  std::string format;         // json, junit, github
  std::filesystem::path path; // empty: standard output
};

struct Shard
{
  int index = 1; // 1-based K of K/N
  int count = 1;
};

// A toolchain the book pins in rust-toolchain(.toml), as rustup reads it.
struct ToolchainPin
{
  std::filesystem::path file;
  std::string channel; // "1.80.0", "nightly-2024-05-01"
};

struct Options
{
  std::filesystem::path book;
  std::filesystem::path expected;
  std::filesystem::path build_dir;
  std::filesystem::path registry_directory; // local directory registry; empty: crates.io
  std::vector<std::string> selectors;
  std::vector<std::string> toolchains; // empty entry: the default toolchain
  std::vector<std::string> editions;   // empty: the book's own
  int jobs = 0;                        // 0: cargo's default
  double timeout_seconds = 10;
  bool use_cache = true;
  bool merge = true; // build a chapter's listings in one merged target (falls back per listing)
  bool verbose = false;
  bool quiet = false;
  ColorChoice color = ColorChoice::automatic;
  std::vector<ReportRequest> reports;
  std::optional<Shard> shard;
  std::filesystem::path config_file; // the snipcheck.toml used, if any
  check::MarkdownSettings markdown;  // [markdown]: fence claims, output blocks (docs/claims.md)
  bool inventory = false;            // --ignored: also build ignored blocks, to say what they do today
  // The book's [dependencies], available to every listing (path crates absolute).
  std::vector<scratch::Dependency> dependencies;
  std::optional<ToolchainPin> toolchain_pin; // set when `toolchains` came from the book's pin
};

// Finds snipcheck.toml from `start` upwards and applies it to the defaults;
// relative paths in it are relative to its folder. Throws InputError.
Options load_defaults(const std::filesystem::path& start);

// The toolchain the book pins: rust-toolchain or rust-toolchain.toml in the
// book's folder or above, as rustup finds it. Throws InputError when malformed.
std::optional<ToolchainPin> find_toolchain_pin(const std::filesystem::path& book);

// A listing's crates: the book's, with the listing's own `deps` added (a
// listing's entry for the same crate replaces the book's).
std::vector<scratch::Dependency> dependencies_for_listing(const Options& options,
                                                          const std::vector<scratch::Dependency>& listing_deps);

} // namespace snipcheck::app
