// The errata report and the book's classes on a hand-built run.
#include "report/errata.hpp"
#include "report_fixture.hpp"

#include <gtest/gtest.h>

namespace snipcheck::report {
namespace {

TEST(ErrataReport, EachErratumWithTheCompilersWordsAndTheFix)
{
  const testing::ReportFixture fixture;
  EXPECT_EQ(errata_report(fixture.run), R"x(# Errata: book.md

Checked with rustc 1.95.0 (59807616e 2026-04-14).

## 1. Section 2.1, listing ch02/2.1-1 (book.md:21-25)

**What is wrong.** uses `s` after moving it

**The compiler says** (edition 2021):

- line 24 (listing line 4): error[E0382]: borrow of moved value: `s`

**Fix.** call `s.clone()`
)x");
}

TEST(ErrataReport, AnErratumThatNoLongerFailsAsRecordedNeedsReview)
{
  testing::ReportFixture fixture;
  auto& erratum = fixture.run.results[4];
  ASSERT_EQ(erratum.listing->id, "ch02/2.1-1");
  erratum.verdict = check::verdict::UnexpectedSuccess{std::set<std::string>{"E0382"}};
  erratum.observed.build = check::Observed::Build::compiled;
  erratum.observed.diagnostics.clear();
  const auto report = errata_report(fixture.run);
  EXPECT_NE(report.find("**Today:** expected to fail with [E0382], but it compiled\n"), std::string::npos) << report;
  EXPECT_NE(report.find("*Note: the listing no longer fails as recorded (fail); the entry needs review.*"),
            std::string::npos)
      << report;
}

TEST(ErrataReport, NoErrata)
{
  testing::ReportFixture fixture;
  fixture.run.results.erase(fixture.run.results.begin() + 4);
  EXPECT_EQ(errata_report(fixture.run),
            "# Errata: book.md\n\nChecked with rustc 1.95.0 (59807616e 2026-04-14).\n\nNo errata recorded.\n");
}

TEST(ErrataReport, ClassesCountTheFirstCellOnly)
{
  testing::ReportFixture fixture;
  const auto classes = classify(fixture.run);
  EXPECT_EQ(classes.as_printed, 1);
  EXPECT_EQ(classes.errata, 1);
  EXPECT_EQ(classes.skipped, 1);
  EXPECT_EQ(classes.not_passing, 5);
  EXPECT_EQ(classes.fail_as_intended, 0);
  EXPECT_EQ(classes.with_scaffolding, 0);
  EXPECT_EQ(classes_line(classes),
            "book: 1 as printed, 0 with scaffolding, 0 fail as intended, 1 errata, 1 skipped, 5 not passing");
  fixture.add_second_edition(); // the failing listing passes in 2024: not counted
  EXPECT_EQ(classify(fixture.run).not_passing, 5);
}

TEST(ErrataReport, ClassesTellScaffoldingAndIntendedFailuresApart)
{
  testing::ReportFixture fixture;
  auto& passing = fixture.run.results[0];
  passing.expectation.wrap.prelude = "use std::fmt;";
  auto& failing = fixture.run.results[1];
  failing.verdict = check::verdict::Pass{};
  failing.expectation.outcome = check::Outcome::compile_fail;
  const auto classes = classify(fixture.run);
  EXPECT_EQ(classes.as_printed, 0);
  EXPECT_EQ(classes.with_scaffolding, 1);
  EXPECT_EQ(classes.fail_as_intended, 1);
  EXPECT_EQ(classes_line(classes),
            "book: 0 as printed, 1 with scaffolding, 1 fail as intended, 1 errata, 1 skipped, 4 not passing");
}

} // namespace
} // namespace snipcheck::report
