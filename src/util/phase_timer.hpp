#pragma once
// Where a run's time goes (`check --timings`, the JSON report's `timings`):
// wall time per phase, with the CPU time of the processes each phase ran.
// The pipeline hands one timer to the stages through their settings; nothing
// here is global.

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace snipcheck::util {

struct PhaseTime
{
  std::string name; // read, plan, cache lookup, workspace, cargo, runs, compare, cache store, ...
  std::string cell; // "stable 2021"; empty for the run's own phases
  int round = 0;    // workspace, cargo and runs: the build round, from 1; else 0
  long count = 0;   // what it handled: listings, targets (cargo), programs (runs)
  std::chrono::microseconds wall{0};
  // CPU time (user + system) of the child processes that ended during the
  // phase: cargo and the compilers, or the programs with their sandboxes.
  std::chrono::microseconds children_cpu{0};
};

// A whole run's phases and CPU time, for the reports.
struct Timings
{
  std::vector<PhaseTime> phases;          // in the order they first ended
  std::chrono::microseconds wall{0};      // the whole run
  std::chrono::microseconds self_user{0}; // snipcheck's own threads
  std::chrono::microseconds self_system{0};
  std::chrono::microseconds children_cpu{0}; // every child process, all phases
  long self_max_rss_kb = 0;                  // snipcheck's own peak resident memory
  unsigned cores = 1;
};

// Thread-safe: the programs of a round end on several threads.
class PhaseTimer
{
public:
  using Clock = std::chrono::steady_clock;

  // Where a phase began, handed back to stop().
  struct Start
  {
    Clock::time_point wall;
    std::chrono::microseconds children_cpu{0};
  };

  static Start start();
  // Records the phase begun at `started`, handling `count` things.
  void stop(const Start& started, std::string name, long count = 0, std::string cell = {}, int round = 0);
  // A phase with the same name, cell and round as an earlier one adds to it.
  void add(PhaseTime phase);

  // The phases so far, and this process's CPU time until now.
  Timings timings(std::chrono::microseconds wall) const;

private:
  mutable std::mutex m_lock;
  std::vector<PhaseTime> m_phases;
};

// user + system CPU time of every child process this process has waited for.
std::chrono::microseconds children_cpu_time();

} // namespace snipcheck::util
