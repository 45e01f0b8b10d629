#pragma once
// `snipcheck lint` (docs/lint.md), a stage beside check/: what clippy and
// rustc said about each listing, placed at the book's lines, at the level the
// book's [lint] table and its expected/ entries give each lint. The listings
// are built by the build stage, with the toolchain's clippy-driver in rustc's
// place (build::BuildSettings::clippy_flags); this stage reads the results.

#include "check/bless_file.hpp"
#include "check/result.hpp"
#include "lint/lint_config.hpp"
#include "util/errors.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::lint {

// The lints and lint groups a toolchain's clippy-driver knows, as its
// `-W help` lists them (names with `_`, as diagnostics spell them).
struct KnownLints
{
  std::set<std::string> lints;
  std::map<std::string, std::set<std::string>> groups; // name -> its lints; `warnings` holds none: it holds all

  bool knows(const std::string& name) const { return lints.contains(name) || groups.contains(name); }
  std::vector<std::string> group_names() const;
};
KnownLints parse_lint_help(std::string_view help);

struct Finding
{
  check::Diagnostic diagnostic; // code: the lint; book_file and book_line: where the book shows it
  Level level = Level::warn;
  std::string allowed_by; // set when the listing's expected/ entry allows it: "expected/ch01.toml:4"
};

struct LintResult
{
  const check::ListingResult* result = nullptr;
  std::vector<Finding> findings;   // what is reported (allowed ones included, marked)
  std::string not_linted;          // why it has no findings to give, when it was not linted
  bool environment_failed = false; // not built because the environment failed (exit 3)
};

struct LintRun
{
  std::vector<LintResult> results;
  Level fail_on = Level::warn;
  std::vector<InputProblem> problems; // unknown lint names in [lint] or expected/
};

// The findings of every built listing of `run`: warnings (and lint errors)
// with a lint name on a line of the listing (never its wrapper, prelude or a
// batch's glue), each once. A listing expected not to compile, skipped, not
// Rust or that did not compile is not linted, and says why.
LintRun collect_findings(const check::CheckRun& run, const LintConfig& config, const KnownLints& known);

// A finding that counts: not allowed, at or above the failing level.
bool counts(const Finding& finding, Level fail_on);
// Whether the run fails (exit 1): a finding that counts.
bool fails(const LintRun& run);

// `bless --lints`: the entry update that allows today's findings of a listing
// (those its entry does not allow yet, beside those it does), or nothing when
// it has none. A new entry gets a `reason` to review.
std::optional<check::BlessUpdate> bless_update(const LintResult& result);

// How many findings each lint has (allowed ones apart), by lint name.
std::map<std::string, int> findings_per_lint(const LintRun& run, bool allowed = false);

} // namespace snipcheck::lint
