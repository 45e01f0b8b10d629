#pragma once
// What `snipcheck lint` is told (docs/lint.md): the `[lint]` table of
// snipcheck.toml (allow, warn and deny lists, and the level that fails the
// run), the flags clippy-driver gets from it, and which listings a lint run
// keeps out of merged batches. The stage itself is lint/lint.hpp.

#include "check/compare.hpp"
#include "scratch/wrap.hpp"
#include "util/errors.hpp"

#include <toml++/toml.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::lint {

enum class Level { allow, warn, deny };
std::string_view level_name(Level level); // allow, warn, deny

// A lint or lint group named in [lint], where it was written.
struct LevelEntry
{
  std::string name; // as rustc spells it: `clippy::needless_return`, `unused_variables`, `warnings`
  Level level = Level::warn;
  int line = 0; // in LintConfig::file
};

struct LintConfig
{
  std::filesystem::path file; // the snipcheck.toml holding [lint]; empty: none
  std::vector<LevelEntry> entries;
  Level fail_on = Level::warn; // a finding at this level or above fails the run (exit 1)
};

// A lint name as rustc reports it: `clippy::needless-return` -> `clippy::needless_return`.
std::string normalize_lint_name(std::string_view name);

// Reads `[lint] allow = [...], warn = [...], deny = [...], fail-on = "warn" | "deny"`;
// every problem (a wrong type, a name in two lists, an unknown field) is
// collected with its file and line.
LintConfig read_lint_table(const toml::node& node, const std::filesystem::path& file,
                           std::vector<InputProblem>& problems);

// clippy-driver's flags: `-W clippy::all` first, so clippy's deny-by-default
// lints warn and the build fails or passes exactly as rustc's does (a lint at
// `deny` is told apart by snipcheck, not by failing the build), and `-A
// unexpected_cfgs` (the scratch package's features are scaffolding); then the named
// groups and then the named lints (a lint named itself wins over its group),
// each `-A` or `-W`.
std::vector<std::string> clippy_flags(const LintConfig& config, const std::vector<std::string>& group_names);

// Whether a listing may share a merged batch in a lint run. A batch puts the
// listing in a module, followed by the batch's glue, and its `main` is not the
// program's: lints that see either would differ from the listing built alone.
// Kept alone: a `#[cfg(test)]` module (clippy::items_after_test_module sees the
// glue after it) and a call of `main` (clippy::main_recursion fires only where
// `main` is the program's entry).
bool can_merge_for_lint(const scratch::ScratchSource& source);

// Whether a listing's result inside a batch holds a lint that fires there for
// the batch's sake, so it is built alone and that result is reported
// (build::BuildSettings::confirm_alone): clippy::missing_const_for_fn,
// clippy::exit, clippy::missing_panics_doc, clippy::missing_errors_doc and
// clippy::must_use_candidate spare the program's own `main` (a `pub fn main`
// is exported in a batch), which a batch's member's `main` is not;
// clippy::items_after_test_module sees the batch's glue after a test module
// `#[cfg(test)]` did not show.
bool confirm_alone(const check::Observed& observed);

} // namespace snipcheck::lint
