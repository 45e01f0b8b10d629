#pragma once
// The inventory of `ignore`d blocks (docs/claims.md, `list --ignored`): what
// each block without a claim does today, so maintainers can drop `ignore`
// where nothing needs it. Informational: it never fails a run.

#include "check/compare.hpp"

#include <set>
#include <string>

namespace snipcheck::check {

struct IgnoredToday
{
  std::string state;            // "compiles", "fails", "needs-crate", "needs-library", "not-built"
  std::set<std::string> errors; // fails: the error codes
  std::set<std::string> crates; // needs-crate: the crates it cannot find
  std::string summary;          // one line: "fails with [E0382]"
};

IgnoredToday describe_ignored(const Observed& observed);

} // namespace snipcheck::check
