#pragma once
// Reports for CI systems, pure functions of one finished run:
// - JUnit XML: a testsuite per chapter, a testcase per listing and cell
//   (the de-facto schema of Jenkins/Ant; tests/data/junit.xsd validates it);
// - GitHub Actions workflow commands (`::error file=...,line=...::message`),
//   https://docs.github.com/actions/reference/workflow-commands-for-github-actions

#include "check/result.hpp"

#include <string>

namespace snipcheck::report {

std::string junit_report(const check::CheckRun& run);
std::string github_annotations(const check::CheckRun& run);

// Text for XML 1.0: lossy UTF-8, control characters but tab and newline as
// Rust escapes (report/escape.hpp), U+FFFE/U+FFFF as U+FFFD, markup as entities.
std::string xml_escape(std::string_view text);
// Workflow command data: lossy UTF-8, controls but tab and line breaks as Rust
// escapes, then GitHub's own escapes (`%25`, `%0D`, `%0A`), so the whole text
// stays on the command's line. A property also escapes `:` (`%3A`) and `,` (`%2C`).
std::string github_escape_data(std::string_view text);
std::string github_escape_property(std::string_view text);
// A file as GitHub names it in an annotation: from the repository root
// (GITHUB_WORKSPACE, else the git work tree around it), else absolute.
std::string github_path(const std::filesystem::path& file);

} // namespace snipcheck::report
