// The claims reports on a hand-built run: broken fence claims, the ignored
// inventory (text and JSON) and the output blocks as they should read.
#include "report/claims_report.hpp"
#include "report_fixture.hpp"

#include <gtest/gtest.h>

namespace snipcheck::report {
namespace {

TEST(ClaimsReport, BrokenClaimNamesTheFenceAndTheFix)
{
  const testing::ReportFixture fixture;
  EXPECT_EQ(broken_claims_report(fixture.run), R"x(
## Broken claims

Fences whose claim tokens say otherwise than the listing does.

### 1. ch02/2.1-2 (book.md:28)

- fence: ```rust,does_not_compile
- today: claims does_not_compile (fence at book.md:28), but it compiles (as a program); remove `does_not_compile` from the fence (and `ignore`, so rustdoc checks it)
- fix: remove `does_not_compile` (and `ignore`, so that rustdoc checks the listing)
)x");
}

TEST(ClaimsReport, IgnoredInventorySaysWhatEachIgnoredBlockDoesToday)
{
  const testing::ReportFixture fixture;
  EXPECT_EQ(ignored_inventory(fixture.run), "ch01/1.1-3       book.md:13 ignored: compiles (`ignore` is not needed)\n"
                                            "1 ignored block without a claim, 1 of them compiles\n");
  const auto json = ignored_json(fixture.run);
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["id"], "ch01/1.1-3");
  EXPECT_EQ(json[0]["today"], "compiles");
  EXPECT_EQ(json[0]["source"]["fence_line"], 13);
}

TEST(ClaimsReport, IgnoredJsonIsNullWithoutIgnored)
{
  testing::ReportFixture fixture;
  for (auto& result : fixture.run.results) {
    result.probe.reset();
  }
  EXPECT_TRUE(ignored_json(fixture.run).is_null());
  EXPECT_EQ(ignored_inventory(fixture.run), "0 ignored blocks without a claim, 0 of them compile\n");
}

TEST(ClaimsReport, OutputBlockFixShowsWhatTheProgramPrints)
{
  const testing::ReportFixture fixture;
  EXPECT_EQ(output_block_fixes(fixture.run), R"x(book.md:44-44: the output block of ch03/3.1-1 should read (snipcheck never edits the book):
  | ```text
  | hullo
  | ```
)x");
}

// Each listing once, from the first cell that checked it: a first listing that
// pins another edition does not hide the others.
TEST(ClaimsReport, EachListingCountsOnceWhateverEditionTheFirstOnePins)
{
  testing::ReportFixture fixture;
  fixture.add_second_edition();
  fixture.run.results.front().edition = "2018";
  EXPECT_NE(ignored_inventory(fixture.run).find("1 ignored block without a claim"), std::string::npos);
  EXPECT_NE(broken_claims_report(fixture.run).find("### 1. ch02/2.1-2"), std::string::npos);
  EXPECT_EQ(broken_claims_report(fixture.run).find("### 2."), std::string::npos);
  EXPECT_NE(output_block_fixes(fixture.run).find("ch03/3.1-1"), std::string::npos);
}

TEST(ClaimsReport, ClaimDetailForList)
{
  const testing::ReportFixture fixture;
  EXPECT_EQ(claim_detail(fixture.result("ch02/2.1-2").expectation), " claim does_not_compile");
  EXPECT_EQ(claim_detail(fixture.result("ch03/3.1-1").expectation), " output book.md:44-44");
  EXPECT_EQ(claim_detail(fixture.result("ch01/1.1-1").expectation), "");
}

} // namespace
} // namespace snipcheck::report
