#include "build/build_plan.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

namespace snipcheck::build {

std::vector<PlannedTarget> plan_targets(const std::vector<BuildItem>& items, std::size_t max_batch)
{
  std::vector<PlannedTarget> targets;
  // Open batches by (edition, crates); a full batch is closed and a new one opened.
  std::map<std::string, std::size_t> open;
  for (std::size_t k = 0; k < items.size(); ++k) {
    const auto& item = items[k];
    if (!item.mergeable || max_batch < 2) {
      targets.push_back({{k}, false});
      continue;
    }
    const auto group = item.unit.edition + "|" + scratch::dependencies_fingerprint(item.unit.deps);
    const auto found = open.find(group);
    if (found == open.end() || targets[found->second].members.size() >= max_batch) {
      open[group] = targets.size();
      targets.push_back({{k}, true});
    } else {
      targets[found->second].members.push_back(k);
    }
  }
  for (auto& target : targets) {
    target.batch = target.batch && target.members.size() > 1;
  }
  return targets;
}

std::vector<PlannedTarget> split_timed_out_batch(const PlannedTarget& batch)
{
  std::vector<PlannedTarget> parts;
  for (const auto member : batch.members) {
    parts.push_back({{member}, false});
  }
  return parts;
}

std::vector<PlannedTarget> split_failed_batch(const PlannedTarget& batch,
                                              const std::set<std::size_t>& members_with_errors)
{
  std::vector<PlannedTarget> parts;
  const auto add = [&](std::vector<std::size_t> members) {
    if (!members.empty()) {
      const bool several = members.size() > 1;
      parts.push_back({std::move(members), several});
    }
  };
  std::vector<std::size_t> rest;
  for (const auto member : batch.members) {
    if (members_with_errors.contains(member)) {
      add({member});
    } else {
      rest.push_back(member);
    }
  }
  if (!members_with_errors.empty() || rest.size() < 2) {
    add(std::move(rest));
    return parts;
  }
  // Quarters, not halves: each round is one cargo pass whose targets build in
  // parallel, so a culprit nothing points at is found in half the rounds.
  const std::size_t count = std::min<std::size_t>(4, rest.size());
  std::size_t begin = 0;
  for (std::size_t part = 0; part < count; ++part) {
    const std::size_t end = rest.size() * (part + 1) / count;
    add({rest.begin() + static_cast<std::ptrdiff_t>(begin), rest.begin() + static_cast<std::ptrdiff_t>(end)});
    begin = end;
  }
  return parts;
}

} // namespace snipcheck::build
