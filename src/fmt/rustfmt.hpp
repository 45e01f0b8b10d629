#pragma once
// rustfmt over many sources in few processes (`snipcheck fmt`): each source is
// a file of its own in a work folder, and one rustfmt formats a batch of them
// in place, per edition and rustfmt.toml. A process per listing would cost a
// second per ten listings on a busy machine (docs/fmt.md, "Speed").

#include "cargo/process.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace snipcheck::formatting {

struct RustfmtSettings
{
  std::filesystem::path rustfmt;              // the executable: the toolchain's own
  std::filesystem::path work_dir;             // emptied, then one folder per source
  std::chrono::milliseconds timeout{120'000}; // per process
};

struct RustfmtJob
{
  std::string source;
  std::string edition;          // "2021"
  std::filesystem::path config; // a rustfmt.toml; empty: rustfmt's defaults
};

struct RustfmtAnswer
{
  std::optional<std::string> formatted;
  std::string error; // why not: rustfmt's message, "error: expected `;`"
  int line = 0;      // where in the source, when it says
};

// One answer per job, in order. Throws Fatal when rustfmt cannot be started,
// or fails for every file (its message says why: a broken rustfmt.toml).
std::vector<RustfmtAnswer> run_rustfmt(cargo::CommandRunner& runner, const RustfmtSettings& settings,
                                       const std::vector<RustfmtJob>& jobs);

} // namespace snipcheck::formatting
