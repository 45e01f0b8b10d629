#pragma once
// Everything a run needs to know, merged from snipcheck.toml (found by walking
// up from the current folder, SPEC §9; docs/settings.md) and the command line,
// which wins.

#include "scratch/workspace.hpp"

#include "check/claims.hpp"
#include "lint/lint_config.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
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
  double compile_timeout_seconds = 180; // wall clock per listing's rustc (README, "Running listings safely")
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
  bool timings = false;              // --timings: print where the time went, phase by phase
  // The book's [dependencies], available to every listing (path crates absolute).
  std::vector<scratch::Dependency> dependencies;
  std::optional<ToolchainPin> toolchain_pin; // set when `toolchains` came from the book's pin
  std::vector<std::string> settings_notes;   // which book and snipcheck.toml were chosen, and why (-v)
  bool fmt_enabled = true;                   // [fmt] enabled = false: `snipcheck fmt` leaves every listing as written
  // `include-roots`: folders besides the book's project that includes may read from (absolute).
  std::vector<std::filesystem::path> include_roots;
  lint::LintConfig lint; // [lint]: levels and the level that fails `snipcheck lint` (docs/lint.md)
  // Set by `snipcheck lint` and `fix` only: the listings are built by
  // clippy-driver with these flags (lint::clippy_flags), and no program runs.
  std::optional<std::vector<std::string>> clippy_flags;
};

// The command line's settings as CLI11 read them, before any is checked.
struct CommandLine
{
  std::string book;
  std::string expected;
  std::string build_dir;
  std::string color = "auto"; // auto, always, never (CLI11 rejects anything else)
  std::vector<std::string> toolchains;
  std::vector<std::string> editions;
  std::vector<std::string> reports; // FORMAT=PATH
  std::string shard;                // K/N
  std::optional<int> jobs;          // given: 0 and -1 are errors, not defaults
  std::optional<double> timeout;
  std::string timeout_text; // --timeout as typed, for its message
  std::optional<double> compile_timeout;
  std::string compile_timeout_text; // --compile-timeout as typed
  bool quiet = false;
  bool verbose = false;
  bool no_cache = false;
  bool ignored = false;
  bool timings = false;
  std::optional<bool> merge;
  std::vector<std::string> selectors;
};

// What a command does with an --expected folder that does not exist.
enum class MissingExpected { rejected, created };

// snipcheck.toml (found from `start`), then the command line, which wins.
// Every setting is checked here, with the same rules as in snipcheck.toml.
// Throws InputError.
Options merge_command_line(const CommandLine& given, const std::filesystem::path& start,
                           MissingExpected missing_expected = MissingExpected::rejected);

// The rules for a setting's value, wherever it is given: each returns the
// problem, named as the user wrote it ("`jobs`" in snipcheck.toml, "--jobs 0"
// on the command line), or nothing when the value is good.
enum class GivenIn { config, command_line };
std::optional<std::string> jobs_problem(long long jobs, GivenIn given_in);
std::optional<std::string> timeout_problem(double seconds, GivenIn given_in, std::string_view as_typed = {});
std::optional<std::string> compile_timeout_problem(double seconds, GivenIn given_in, std::string_view as_typed = {});
std::optional<std::string> edition_problem(const std::string& edition);
// "K/N" with 1 <= K <= N; nothing when malformed.
std::optional<Shard> parse_shard(std::string_view text);
// "json=PATH", "junit=PATH", "github" or "github=PATH". Throws InputError.
ReportRequest parse_report_request(const std::string& text);

// Finds snipcheck.toml from `start` upwards and applies it to the defaults;
// relative paths in it are relative to its folder. Throws InputError.
Options load_defaults(const std::filesystem::path& start);
// `config` applied to the defaults; without one, expected/ and .snipcheck/ are in `base`.
Options load_config(const std::optional<std::filesystem::path>& config, const std::filesystem::path& base);
// The nearest snipcheck.toml in `folder` or above it.
std::optional<std::filesystem::path> find_config(std::filesystem::path folder);

// The book of a run and the snipcheck.toml that configures it (docs/settings.md,
// "Which book, which snipcheck.toml"): --book, else the nearest snipcheck.toml
// with `book` or the nearest book.toml walking up from `start`.
struct BookSettings
{
  std::filesystem::path book;                  // empty: the config's `book` (or none at all)
  std::optional<std::filesystem::path> config; // the snipcheck.toml to read
  std::filesystem::path base;                  // where expected/ and .snipcheck/ are without a config
  std::vector<std::string> notes;              // for -v
};
BookSettings find_book_settings(const std::string& given_book, const std::filesystem::path& start);

// The installed toolchain nearest to a missing `channel` ("nightly-2026-08-20"):
// same channel, closest date; read from $RUSTUP_HOME/toolchains.
std::optional<std::string> nearest_installed_toolchain(const std::string& channel);

// The toolchain the book pins: rust-toolchain or rust-toolchain.toml in the
// book's folder or above, as rustup finds it. Throws InputError when malformed.
std::optional<ToolchainPin> find_toolchain_pin(const std::filesystem::path& book);

// A listing's crates: the book's, with the listing's own `deps` added (a
// listing's entry for the same crate replaces the book's).
std::vector<scratch::Dependency> dependencies_for_listing(const Options& options,
                                                          const std::vector<scratch::Dependency>& listing_deps);

} // namespace snipcheck::app
