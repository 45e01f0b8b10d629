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
    const auto group = item.unit.edition + "|" + scratch::dependencies_fingerprint(item.unit.deps) +
                       (item.expected_to_fail ? "|fails" : "");
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

namespace {

// Quarters, not halves: each round is one cargo pass whose targets build in
// parallel, so a culprit nothing points at is found in half the rounds.
void add_quarters(const std::vector<std::size_t>& members, std::vector<PlannedTarget>& parts)
{
  const std::size_t count = std::min<std::size_t>(4, members.size());
  std::size_t begin = 0;
  for (std::size_t part = 0; part < count; ++part) {
    const std::size_t end = members.size() * (part + 1) / count;
    std::vector<std::size_t> quarter{members.begin() + static_cast<std::ptrdiff_t>(begin),
                                     members.begin() + static_cast<std::ptrdiff_t>(end)};
    const bool several = quarter.size() > 1;
    parts.push_back({std::move(quarter), several});
    begin = end;
  }
}

} // namespace

std::vector<PlannedTarget> split_failed_batch(const PlannedTarget& batch,
                                              const std::set<std::size_t>& members_with_errors,
                                              const std::set<std::size_t>& settled,
                                              const std::set<std::size_t>& retried_together)
{
  std::vector<PlannedTarget> parts;
  std::vector<std::size_t> with_errors;
  std::vector<std::size_t> rest;
  for (const auto member : batch.members) {
    if (settled.contains(member)) {
      continue; // its result is final
    }
    (members_with_errors.contains(member) ? with_errors : rest).push_back(member);
  }
  // Alone, even when rustc stopped before type-checking the batch: batching
  // them again to find the one that stopped it cost more rounds than it saved
  // on api-guidelines, where many do (`Box<Missing + Send>` stops rustc).
  // But once the members whose unresolved trait stopped it are settled, the
  // others are likely to type-check together (`retried_together`).
  std::vector<std::size_t> together;
  for (const auto member : with_errors) {
    if (retried_together.contains(member)) {
      together.push_back(member);
    } else {
      parts.push_back({{member}, false});
    }
  }
  if (!together.empty()) {
    const bool several = together.size() > 1;
    parts.push_back({std::move(together), several});
  }
  if (!members_with_errors.empty() || rest.size() < 2) {
    if (!rest.empty()) {
      const bool several = rest.size() > 1;
      parts.push_back({std::move(rest), several});
    }
    return parts;
  }
  add_quarters(rest, parts); // errors that point at no member: bisect
  return parts;
}

} // namespace snipcheck::build
