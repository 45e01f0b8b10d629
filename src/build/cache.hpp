#pragma once
// The result cache: what a listing did, keyed on everything that can change
// it (the compiled source with its scaffolding, crate type, edition,
// dependencies, the toolchain's `rustc -vV`, whether and how it ran, the
// registry's contents, and snipcheck's own binary). A re-run with nothing
// changed answers from here without launching cargo.

#include "check/compare.hpp"
#include "scratch/workspace.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <vector>
#include <string>

namespace snipcheck::build {

struct CacheContext
{
  std::string rustc_verbose_version; // `rustc -vV`, whole
  std::filesystem::path registry_directory;
  bool runs = false;                  // the listing is executed after building
  double timeout_seconds = 0;         // part of how it runs
  bool test_harness = false;          // built with --test and run as a test binary
  double compile_timeout_seconds = 0; // what compiled within it may not within a smaller one
  std::string registry_digest; // registry_digest(registry_directory), once per run
  std::string build_setup;     // cargo::build_setup_identity(): isolation, RUSTC_WRAPPER
  // `snipcheck lint`: built by clippy-driver with these flags (its findings are
  // part of the result); unset: rustc. A lint run never answers a check, nor
  // a check a lint run.
  std::optional<std::vector<std::string>> clippy_flags;
};

std::string cache_key(const scratch::Unit& unit, const CacheContext& context);

// What a directory registry offers, down to each crate's content: per crate
// folder its name and its `.cargo-checksum.json` (the hash of its content,
// and the file's size and modification time, which a Debian revision
// changes even where the checksum lists no files). "crates.io" for none.
std::string registry_digest(const std::filesystem::path& registry);

class ResultCache
{
public:
  explicit ResultCache(std::filesystem::path folder)
    : m_folder(std::move(folder))
  {}

  // An entry is served only if it records `key` and its content matches the
  // digest it records: a swapped or edited entry is a miss (and is replaced).
  std::optional<check::Observed> load(const std::string& key) const;
  // Stores only deterministic outcomes: never environment failures or timeouts.
  void store(const std::string& key, const check::Observed& observed) const;

private:
  std::filesystem::path m_folder;
};

// Observed <-> JSON, for the cache (and tests).
nlohmann::json observed_to_json(const check::Observed& observed);
check::Observed observed_from_json(const nlohmann::json& json);

} // namespace snipcheck::build
