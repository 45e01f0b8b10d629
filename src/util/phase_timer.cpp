#include "util/phase_timer.hpp"

#include <algorithm>
#include <sys/resource.h>
#include <thread>

namespace snipcheck::util {

namespace {

std::chrono::microseconds micros(const timeval& t)
{
  return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
}

} // namespace

std::chrono::microseconds children_cpu_time()
{
  rusage usage{};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  return micros(usage.ru_utime) + micros(usage.ru_stime);
}

PhaseTimer::Start PhaseTimer::start()
{
  return {Clock::now(), children_cpu_time()};
}

void PhaseTimer::stop(const Start& started, std::string name, long count, std::string cell, int round)
{
  add({std::move(name), std::move(cell), round, count,
       std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started.wall),
       children_cpu_time() - started.children_cpu});
}

void PhaseTimer::add(PhaseTime phase)
{
  const std::lock_guard lock(m_lock);
  for (auto& known : m_phases) {
    if (known.name == phase.name && known.cell == phase.cell && known.round == phase.round) {
      known.wall += phase.wall;
      known.children_cpu += phase.children_cpu;
      known.count += phase.count;
      return;
    }
  }
  m_phases.push_back(std::move(phase));
}

Timings PhaseTimer::timings(std::chrono::microseconds wall) const
{
  Timings timings;
  {
    const std::lock_guard lock(m_lock);
    timings.phases = m_phases;
  }
  timings.wall = wall;
  rusage self{};
  ::getrusage(RUSAGE_SELF, &self);
  timings.self_user = micros(self.ru_utime);
  timings.self_system = micros(self.ru_stime);
  timings.self_max_rss_kb = self.ru_maxrss;
  timings.children_cpu = children_cpu_time();
  timings.cores = std::max(1u, std::thread::hardware_concurrency());
  return timings;
}

} // namespace snipcheck::util
