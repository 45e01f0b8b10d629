#pragma once
// The verdict: what was expected against what happened. A Verdict is a closed
// sum type (after ninja's BuildResult); each failing alternative carries what
// a maintainer needs to see why.

#include "cargo/process.hpp"
#include "check/expectation.hpp"

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace snipcheck::check {

// An edit of a listing's code (`snipcheck fix`): from a place to another
// (listing lines 1-based; columns 1-based, in characters; the end exclusive).
struct CodeEdit
{
  int first_line = 0;
  int first_column = 0;
  int last_line = 0;
  int last_column = 0;
  std::string replacement;

  bool operator==(const CodeEdit&) const = default;
};

// A machine-applicable suggestion placed in the listing: every edit or none.
struct CodeFix
{
  std::string message;
  std::vector<CodeEdit> edits;

  bool operator==(const CodeFix&) const = default;
};

// A compiler message placed at the book's line.
struct Diagnostic
{
  std::string level; // error, warning
  std::string code;  // E0106, a lint name, or empty
  std::string message;
  std::filesystem::path book_file;
  int book_line = 0;                    // 0: not in the listing (prelude, std, a dependency)
  int listing_line = 0;                 // 1-based line within the listing
  std::vector<int> other_listing_lines; // further primary spans of the same message
  int prelude_line = 0;                 // set when the message points into the scaffolding prelude
  int column = 0;
  std::string rendered; // rustc's own rendering, scratch paths and all
  // Its machine-applicable suggestions whose edits all fall on the listing's
  // own lines, as compiled unchanged (never on the wrapping).
  std::vector<CodeFix> fixes;
};

struct RunOutput
{
  cargo::ExitStatus status;
  std::string stdout_text;
  std::string stderr_text;
  bool truncated = false;
};

struct Observed
{
  // timed_out: rustc hit the compile-time limit (--compile-timeout) and was killed.
  enum class Build { compiled, failed, not_built, timed_out };
  Build build = Build::not_built;
  std::vector<Diagnostic> diagnostics;
  std::optional<RunOutput> run;
  std::string command;             // the cargo command that built it
  std::string environment_problem; // for not_built: what went wrong around the listing
  bool cached = false;
  // Test mode (docs/claims.md): the forms it was built in ("program",
  // "library", "test crate"), the one this result comes from, failing tests.
  std::vector<std::string> forms;
  std::string form;
  std::vector<std::string> failing_tests;

  std::set<std::string> error_codes() const; // uncoded errors count as "error"
  std::string outcome_name() const;          // compile, compile-fail, run, run-fail, not-built, compile-timeout
};

namespace verdict {
struct Pass
{
};
struct Skipped
{
  std::string reason;
};
struct NotRust
{
};
struct Stale
{
  std::string recorded; // fingerprints
  std::string current;
  Observed::Build now = Observed::Build::not_built; // what the changed listing does
  std::set<std::string> errors;                     // its errors, when it fails
  Outcome annotated = Outcome::compile;             // what its entry says
};
struct UnexpectedSuccess // expected to fail to compile, but compiled
{
  std::optional<std::set<std::string>> expected_errors; // unset: any error
};
struct UnexpectedFailure // expected to compile (or run), but did not compile
{
  Outcome expected = Outcome::compile;
  std::set<std::string> errors; // what it failed with
};
struct ErrorMismatch // failed, but not as expected
{
  std::set<std::string> missing;       // expected codes that did not occur
  std::set<std::string> unexpected;    // codes that occurred unannotated
  std::vector<InlineMarker> unmatched; // claimed error lines without an error there
  std::set<std::string> errors;        // every error it failed with
};
struct RunFailed
{
  cargo::ExitStatus status;
}; // expected a clean run
struct UnexpectedRunSuccess
{
}; // expected a panic / non-zero exit
struct TimedOut
{
  bool while_compiling = false; // rustc hit the compile-time limit; else the program its run's
};
struct OutputMismatch
{
  std::string diff;
  std::string where; // an output block's book lines, "src/ch01.md:20-23"; empty: expected/ stdout
};
struct EnvironmentFailure
{
  std::string message;
}; // never the listing's fault
struct BadInput
{
  std::string message; // "src/ch04.md:23: anchor `x` not found ...": the book or its settings are wrong here
};                     // not built; status "fail", and the run exits 2
} // namespace verdict

using Verdict =
    std::variant<verdict::Pass, verdict::Skipped, verdict::NotRust, verdict::Stale, verdict::UnexpectedSuccess,
                 verdict::UnexpectedFailure, verdict::ErrorMismatch, verdict::RunFailed, verdict::UnexpectedRunSuccess,
                 verdict::TimedOut, verdict::OutputMismatch, verdict::EnvironmentFailure, verdict::BadInput>;

// One line saying why, for anything but a pass, from the verdict's own evidence.
std::string explain(const Verdict& verdict);
// The same, unless the listing's fence claims an outcome: then what the claim
// says against what the listing did (docs/claims.md).
std::string explain(const Verdict& verdict, const Expectation& expectation, const Observed& observed);

Verdict compare(const Expectation& expectation, const Observed& observed, const std::string& current_fingerprint);

// The reason of a skip verdict (the annotation's, or what made it uncheckable); empty otherwise.
std::string skip_reason(const Verdict& verdict);

// A unified diff of two texts, line by line (for stdout mismatches).
std::string unified_diff(const std::string& expected, const std::string& actual);

} // namespace snipcheck::check
