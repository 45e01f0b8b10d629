#pragma once
// `snipcheck bless [SELECTOR...]`: record what happens now in expected/ (docs/contract.md).
// Only what differs from what the book itself says gets an entry; entries
// whose listings moved are renamed, entries whose listings are gone removed,
// and every change is reported. The files are read, edited and written under
// a lock on expected/, so two blesses at once both keep their changes. What
// each listing gets is decided in check/bless.hpp.

#include "app/pipeline.hpp"

#include <functional>
#include <string>

namespace snipcheck::app {

enum class DryRun { no, yes };
// What bless records: today's outcomes, or (`bless --lints`) today's lint
// findings as allowed in each listing's entry (docs/lint.md).
enum class BlessWhat { outcomes, lints };

// Told at once, as bless goes: a later failure must not hide what was written.
struct BlessNotes
{
  std::function<void(const std::string&)> changed;     // one change written to expected/
  std::function<void(const std::string&)> not_blessed; // "ID: why"
};

struct BlessOutcome
{
  CheckRun run;
  std::size_t changes = 0;
  std::string dry_run_diff; // DryRun::yes: the changes as a diff of expected/'s files
  int environment_errors = 0;
  int bad_input = 0; // listings not checked because the book or its settings are wrong (book problems aside)
  int refused = 0;   // listings whose outcome could not be recorded, or that still fail once recorded
};

// Runs the check and records its outcomes; with DryRun::yes in a copy of
// expected/, whose differences it returns as a diff. Throws InputError, Fatal.
BlessOutcome bless(const Options& options, DryRun dry_run, const Log& log, const BlessNotes& notes,
                   BlessWhat what = BlessWhat::outcomes);

} // namespace snipcheck::app
