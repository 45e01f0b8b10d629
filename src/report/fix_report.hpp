#pragma once
// What `snipcheck fix` says (docs/fix.md): pure functions of its outcomes. A
// line per listing with something to say, the diff of each fixed block for
// `--dry-run` (fmt's, at the book's lines), and a summary.

#include "fix/fix.hpp"

#include <optional>
#include <string>
#include <vector>

namespace snipcheck::report {

enum class FixMode { dry_run, write };

// "fixed      ch01/1-2  src/ch01.md:6-9: remove `return`"; empty when there is nothing to say.
std::string fix_line(const fixing::FixOutcome& outcome, FixMode mode);

// A fixed listing's block as a unified diff of its file.
std::string fix_diff(const fixing::FixOutcome& outcome);

// "fix: 12 listings: 2 fixed, 1 not fixed, 8 nothing to fix, 1 left alone", and
// with --edition a second line: "edition 2024: 9 compatible, 2 migrated, 1 incompatible".
std::string fix_summary(const std::vector<fixing::FixOutcome>& outcomes, const std::optional<std::string>& edition,
                        FixMode mode);

} // namespace snipcheck::report
