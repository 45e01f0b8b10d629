// The CI reports on a hand-built run: JUnit XML (a suite per chapter, a case
// per listing and cell) and GitHub workflow commands at the book's lines.
#include "report/ci_reports.hpp"
#include "report_fixture.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace snipcheck::report {
namespace {

TEST(CiReports, JunitHasASuitePerChapterAndACasePerRustListing)
{
  const testing::ReportFixture fixture;
  EXPECT_EQ(junit_report(fixture.run), R"x(<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="snipcheck" tests="8" failures="4" errors="1" skipped="1" time="1.500">
  <testsuite name="ch01" tests="3" failures="1" errors="0" skipped="1" time="0.370">
    <testcase name="ch01/1.1-1 [stable 2021]" classname="ch01" file="book.md" line="4" time="0.120"/>
    <testcase name="ch01/1.1-2 [stable 2021]" classname="ch01" file="book.md" line="9" time="0.250">
      <failure type="fail" message="expected to compile, but it failed to compile with [E0308]">---- ch01/1.1-2 at book.md:8-10
  expected to compile, but it failed to compile with [E0308]
  expected: compile (from default)
  book.md:9:18: error[E0308]: mismatched types [listing line 2]
</failure>
    </testcase>
    <testcase name="ch01/1.1-3 [stable 2021]" classname="ch01" file="book.md" line="14" time="0.000">
      <skipped message="marked `ignore`"/>
    </testcase>
  </testsuite>
  <testsuite name="ch02" tests="4" failures="2" errors="1" skipped="0" time="0.600">
    <testcase name="ch02/2.1-1 [stable 2021]" classname="ch02" file="book.md" line="24" time="0.300"/>
    <testcase name="ch02/2.1-2 [stable 2021]" classname="ch02" file="book.md" line="29" time="0.200">
      <failure type="fail" message="claims does_not_compile (fence at book.md:28), but it compiles (as a program); remove `does_not_compile` from the fence (and `ignore`, so rustdoc checks it)">---- ch02/2.1-2 at book.md:29-29
  claims does_not_compile (fence at book.md:28), but it compiles (as a program); remove `does_not_compile` from the fence (and `ignore`, so rustdoc checks it)
  expected: compile-fail (from fence)
</failure>
    </testcase>
    <testcase name="ch02/2.1-3 [stable 2021]" classname="ch02" file="book.md" line="33" time="0.000">
      <error type="environment" message="not checked, the environment failed: cargo was killed by signal 9">---- ch02/2.1-3 at book.md:33-33
  not checked, the environment failed: cargo was killed by signal 9
  expected: compile (from default)
</error>
    </testcase>
    <testcase name="ch02/2.1-4 [stable 2021]" classname="ch02" file="book.md" line="37" time="0.100">
      <failure type="stale" message="stale: the listing changed since it was annotated (fingerprint 0123abcd recorded, 4567ef01 now); it now compiles, annotated as compile; review it, then `snipcheck bless` it">---- ch02/2.1-4 at book.md:37-37
  stale: the listing changed since it was annotated (fingerprint 0123abcd recorded, 4567ef01 now); it now compiles, annotated as compile; review it, then `snipcheck bless` it
  expected: compile (from expected/ch02.toml)
</failure>
    </testcase>
  </testsuite>
  <testsuite name="ch03" tests="1" failures="1" errors="0" skipped="0" time="0.150">
    <testcase name="ch03/3.1-1 [stable 2021]" classname="ch03" file="book.md" line="41" time="0.150">
      <failure type="fail" message="printed something else than the output block at book.md:44-44 shows">---- ch03/3.1-1 at book.md:41-41
  printed something else than the output block at book.md:44-44 shows
  expected: run (from fence)
  | --- expected
  | +++ actual
  | -hello
  | +hullo
</failure>
    </testcase>
  </testsuite>
</testsuites>
)x");
}

// GITHUB_WORKSPACE for one test: annotations name files from the repository root.
class GithubWorkspace
{
public:
  explicit GithubWorkspace(const std::filesystem::path& root) { ::setenv("GITHUB_WORKSPACE", root.c_str(), 1); }
  GithubWorkspace(const GithubWorkspace&) = delete;
  GithubWorkspace& operator=(const GithubWorkspace&) = delete;
  ~GithubWorkspace() { ::unsetenv("GITHUB_WORKSPACE"); }
};

TEST(CiReports, GithubAnnotatesEachFailureAtItsErrorOrItsListing)
{
  const testing::ReportFixture fixture;
  const GithubWorkspace workspace(std::filesystem::current_path()); // the fixture's book.md is relative to it
  EXPECT_EQ(
      github_annotations(fixture.run),
      R"x(::error file=book.md,line=9,col=18,title=snipcheck ch01/1.1-2 [stable 2021]::error[E0308]: mismatched types%0Aexpected to compile, but it failed to compile with [E0308]
::error file=book.md,line=29,endLine=29,title=snipcheck ch02/2.1-2 [stable 2021]::claims does_not_compile (fence at book.md:28), but it compiles (as a program); remove `does_not_compile` from the fence (and `ignore`, so rustdoc checks it)
::error file=book.md,line=33,endLine=33,title=snipcheck ch02/2.1-3 [stable 2021]::not checked, the environment failed: cargo was killed by signal 9
::error file=book.md,line=37,endLine=37,title=snipcheck ch02/2.1-4 [stable 2021]::stale: the listing changed since it was annotated (fingerprint 0123abcd recorded, 4567ef01 now); it now compiles, annotated as compile; review it, then `snipcheck bless` it
::error file=book.md,line=41,endLine=41,title=snipcheck ch03/3.1-1 [stable 2021]::printed something else than the output block at book.md:44-44 shows
)x");
}

// The repository root is GITHUB_WORKSPACE, else the git work tree holding the
// file, else the current folder; a file outside it is absolute, never `../`.
TEST(CiReports, GithubPathsAreFromTheRepositoryRoot)
{
  namespace fs = std::filesystem;
  const auto folder = fs::temp_directory_path() / ("snipcheck-github-paths-" + std::to_string(::getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder / "repository/.git");
  fs::create_directories(folder / "repository/docs");
  std::ofstream(folder / "repository/docs/book.md") << "";
  testing::ReportFixture fixture;
  for (auto& result : fixture.run.results) {
    for (auto& diagnostic : result.observed.diagnostics) {
      diagnostic.book_file = folder / "repository/docs/book.md";
    }
  }
  const auto first_file = [&] {
    const auto annotations = github_annotations(fixture.run);
    const auto at = annotations.find("file=") + 5;
    return annotations.substr(at, annotations.find(",line=") - at);
  };
  ::unsetenv("GITHUB_WORKSPACE");
  EXPECT_EQ(first_file(), "docs/book.md");
  {
    const GithubWorkspace workspace(folder / "repository/docs/");
    EXPECT_EQ(first_file(), "book.md");
  }
  {
    const GithubWorkspace workspace(folder / "elsewhere");
    EXPECT_EQ(first_file(), (folder / "repository/docs/book.md").string());
  }
  fs::remove_all(folder);
}

} // namespace
} // namespace snipcheck::report
