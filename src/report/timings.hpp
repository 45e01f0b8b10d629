#pragma once
// Where a run's time went (`check --timings`, and `timings` in the JSON
// report): a pure function of the phases the pipeline recorded
// (util/phase_timer.hpp). Wall time per phase; for the phases that start
// processes (cargo rounds, program runs), those processes' CPU time.

#include "util/phase_timer.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace snipcheck::report {

// The table printed by --timings, one phase a line, with the floor: the CPU
// time of the compilations divided by the cores.
std::string timings_table(const util::Timings& timings);

// The JSON report's `timings` object (docs/contract.md).
nlohmann::json timings_json(const util::Timings& timings);

} // namespace snipcheck::report
