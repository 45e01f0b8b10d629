#include "report/timings.hpp"

#include <fmt/format.h>

#include <string_view>

namespace snipcheck::report {

namespace {

double ms(std::chrono::microseconds t)
{
  return static_cast<double>(t.count()) / 1000.0;
}

double seconds(std::chrono::microseconds t)
{
  return static_cast<double>(t.count()) / 1e6;
}

// What a phase's count counts.
std::string_view unit_of(std::string_view phase)
{
  if (phase == "cargo") {
    return "targets";
  }
  if (phase == "runs") {
    return "programs";
  }
  if (phase == "cache store" || phase == "cache lookup") {
    return "entries";
  }
  return "listings";
}

// The compilers' CPU time: every cargo round's.
std::chrono::microseconds compile_cpu(const util::Timings& timings)
{
  std::chrono::microseconds total{0};
  for (const auto& phase : timings.phases) {
    if (phase.name == "cargo") {
      total += phase.children_cpu;
    }
  }
  return total;
}

} // namespace

std::string timings_table(const util::Timings& timings)
{
  std::string table = "timings (wall seconds; cpu: of the processes the phase ran)\n";
  for (const auto& phase : timings.phases) {
    const auto where = phase.round > 0 ? fmt::format("{} round {}", phase.cell, phase.round) : phase.cell;
    auto line = fmt::format("  {:<20} {:<22} {:9.3f}", phase.name, where, seconds(phase.wall));
    if (phase.count > 0) {
      line += fmt::format("  {:>6} {:<9}", phase.count, unit_of(phase.name));
    }
    if (phase.children_cpu.count() > 0) {
      line += fmt::format("  cpu {:.3f}", seconds(phase.children_cpu));
    }
    table += line + "\n";
  }
  table += fmt::format("  total {:.3f} s wall; snipcheck itself user {:.3f} s, system {:.3f} s, peak RSS {} MB; "
                       "the processes it ran {:.3f} s cpu\n",
                       seconds(timings.wall), seconds(timings.self_user), seconds(timings.self_system),
                       timings.self_max_rss_kb / 1024, seconds(timings.children_cpu));
  const auto compiling = compile_cpu(timings);
  table += fmt::format("  floor: the compilations' cpu {:.3f} s / {} cores = {:.3f} s\n", seconds(compiling),
                       timings.cores, seconds(compiling) / timings.cores);
  return table;
}

nlohmann::json timings_json(const util::Timings& timings)
{
  nlohmann::json phases = nlohmann::json::array();
  for (const auto& phase : timings.phases) {
    nlohmann::json entry{{"phase", phase.name}, {"wall_ms", ms(phase.wall)}, {"count", phase.count}};
    if (!phase.cell.empty()) {
      entry["cell"] = phase.cell;
    }
    if (phase.round > 0) {
      entry["round"] = phase.round;
    }
    if (phase.children_cpu.count() > 0) {
      entry["children_cpu_ms"] = ms(phase.children_cpu);
    }
    phases.push_back(std::move(entry));
  }
  const auto compiling = compile_cpu(timings);
  return {{"wall_ms", ms(timings.wall)},
          {"cores", timings.cores},
          {"self_user_ms", ms(timings.self_user)},
          {"self_system_ms", ms(timings.self_system)},
          {"self_max_rss_kb", timings.self_max_rss_kb},
          {"children_cpu_ms", ms(timings.children_cpu)},
          {"compile_cpu_ms", ms(compiling)},
          {"floor_ms", ms(compiling) / timings.cores},
          {"phases", std::move(phases)}};
}

} // namespace snipcheck::report
