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

std::string xml_escape(std::string_view text);
std::string github_escape_data(std::string_view text);
std::string github_escape_property(std::string_view text);

} // namespace snipcheck::report
