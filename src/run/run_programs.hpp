#pragma once
// Running a book's programs safely (the `run` and `run-fail` listings): each
// with a cleared environment, rlimits, an output cap and a time limit; where
// the machine allows, in namespaces of its own (a read-only view of the system
// with a private /tmp, no network, its own process table, so nothing it starts
// outlives it) and, as root, under an unprivileged uid of its slot; several at once.

#include "cargo/process.hpp"
#include "util/log.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace snipcheck::run {

// How the programs run: the only settings this stage reads.
struct RunSettings
{
  double timeout_seconds = 10; // per program, wall clock; its CPU time is bounded a second above
  int jobs = 0;                // programs at once; 0: one per core
};

struct ProgramRun
{
  std::filesystem::path executable; // as cargo built it
  std::string argument;             // merged programs: the module of the listing to run
  std::string label;                // the listing's id, for notes
};

// Called as each program ends, with its index in the list; it may take the result's output.
using ProgramEnded = std::function<void(std::size_t index, cargo::CommandResult& result)>;

// Runs every program, up to `settings.jobs` at once (default: one per core), and returns
// their results in the same order (as `on_end` left them). `on_start` and `on_end` are
// called one at a time (never two at once), as each program starts and ends.
std::vector<cargo::CommandResult> run_programs(const std::vector<ProgramRun>& programs, const RunSettings& settings,
                                               cargo::CommandRunner& runner, const util::Log& log,
                                               const std::function<void(const std::string& label)>& on_start,
                                               const ProgramEnded& on_end = {});

} // namespace snipcheck::run
