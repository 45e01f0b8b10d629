#pragma once
// What `snipcheck lint` says (docs/lint.md): pure functions of a finished
// LintRun. A line per finding at the book's file and line with the lint's
// name, the findings per lint, a summary; the JSON (`snipcheck-lint/1`),
// JUnit and GitHub forms of the same findings.

#include "check/result.hpp"
#include "lint/lint.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace snipcheck::report {

// "src/ch01.md:12:5: warning[clippy::needless_return]: unneeded `return` statement (ch01/1.1-2 line 3)",
// with " (allowed by expected/ch01.toml:4)" when its entry allows it; `verbose` adds rustc's rendering.
std::string finding_line(const lint::Finding& finding, const check::ListingResult& result, bool verbose);

// "not linted ch01/1.1-3 src/ch01.md:18-20: does not compile (E0382)".
std::string not_linted_line(const lint::LintResult& result);

// "findings per lint:" and a line per lint with its count; empty without findings.
std::string findings_per_lint_table(const lint::LintRun& run);

// "lint: 12 listings linted, 3 findings in 2 listings (1 deny, 2 warn), 1 allowed, 1 not linted; fails at warn".
std::string lint_summary(const lint::LintRun& run);

nlohmann::json lint_json_report(const check::CheckRun& run, const lint::LintRun& lint);
std::string lint_junit_report(const check::CheckRun& run, const lint::LintRun& lint);
// `::warning` for a finding at warn, `::error` at deny; allowed findings are not annotated.
std::string lint_github_annotations(const lint::LintRun& lint);

} // namespace snipcheck::report
