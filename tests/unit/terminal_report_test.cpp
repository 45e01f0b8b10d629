// The terminal report on a hand-built run: a line per result, the details of
// a failure, the summary line and the matrix of a run with two cells.
#include "report/terminal.hpp"
#include "report_fixture.hpp"

#include <gtest/gtest.h>

namespace snipcheck::report {
namespace {

TEST(TerminalReport, OneStatusLinePerResultWithItsNote)
{
  const testing::ReportFixture fixture;
  std::string lines;
  for (const auto& result : fixture.run.results) {
    lines += status_line(result, Style{}, false) + "\n";
  }
  EXPECT_EQ(lines, R"(PASS      ch01/1.1-1       run           book.md:4-4 (cached)
FAIL      ch01/1.1-2       compile       book.md:8-10 - expected to compile, but it failed to compile with [E0308]
SKIP      ch01/1.1-3       skip          book.md:14-14 (marked `ignore`)
NOT-RUST  ch01/1.1-4       not-rust      book.md:18-18
PASS      ch02/2.1-1       compile-fail  book.md:21-25 (erratum)
FAIL      ch02/2.1-2       compile-fail  book.md:29-29 - claims does_not_compile (fence at book.md:28), but it compiles (as a program); remove `does_not_compile` from the fence (and `ignore`, so rustdoc checks it)
ERROR     ch02/2.1-3       compile       book.md:33-33 - not checked, the environment failed: cargo was killed by signal 9
STALE     ch02/2.1-4       compile       book.md:37-37 - stale: the listing changed since it was annotated (fingerprint 0123abcd recorded, 4567ef01 now); it now compiles, annotated as compile; review it, then `snipcheck bless` it
FAIL      ch03/3.1-1       run           book.md:41-41 - printed something else than the output block at book.md:44-44 shows
)");
}

TEST(TerminalReport, TheCellIsShownInAMatrixAndColourOnlyWhenAsked)
{
  const testing::ReportFixture fixture;
  const auto& failed = fixture.result("ch01/1.1-2");
  EXPECT_EQ(status_line(failed, Style{}, true),
            "FAIL      ch01/1.1-2       compile       book.md:8-10 [stable 2021] - expected to compile, but it failed "
            "to compile with [E0308]");
  EXPECT_EQ(status_line(failed, Style{true, false}, false).substr(0, 27), "\x1b[1m\x1b[31mFAIL     \x1b[0m ch01");
  EXPECT_EQ(status_line(fixture.result("ch01/1.1-1"), Style{true, false}, false).substr(0, 19),
            "\x1b[32mPASS     \x1b[0m ");
}

TEST(TerminalReport, FailureDetailsPlaceTheErrorsAtTheBookLines)
{
  const testing::ReportFixture fixture;
  EXPECT_EQ(failure_details(fixture.result("ch01/1.1-2"), Style{false, true}), R"(---- ch01/1.1-2 at book.md:8-10
  expected to compile, but it failed to compile with [E0308]
  expected: compile (from default)
  book.md:9:18: error[E0308]: mismatched types [listing line 2]
  built with: cargo build --bin ch01_1_1_2
)");
  EXPECT_EQ(failure_details(fixture.result("ch03/3.1-1"), Style{}), R"(---- ch03/3.1-1 at book.md:41-41
  printed something else than the output block at book.md:44-44 shows
  expected: run (from fence)
  | --- expected
  | +++ actual
  | -hello
  | +hullo
)");
}

TEST(TerminalReport, SummaryLineCountsEveryStatus)
{
  testing::ReportFixture fixture;
  EXPECT_EQ(summary_line(fixture.run, Style{}),
            "FAILED: 9 listings: 2 pass, 3 fail, 1 stale, 1 skip, 1 not-rust, 1 error (1 cached); 1.5s");
  std::erase_if(fixture.run.results, [](const check::ListingResult& result) { return check::is_failure(result.status()); });
  EXPECT_EQ(summary_line(fixture.run, Style{}),
            "ok: 4 listings: 2 pass, 0 fail, 0 stale, 1 skip, 1 not-rust, 0 error (1 cached); 1.5s");
}

TEST(TerminalReport, MatrixOnlyForMoreThanOneCell)
{
  testing::ReportFixture fixture;
  EXPECT_EQ(matrix_table(fixture.run), "");
  fixture.add_second_edition();
  EXPECT_EQ(matrix_table(fixture.run), R"(listing          stable 2021    stable 2024   
ch01/1.1-1       pass           pass          
ch01/1.1-2       fail           pass          
ch01/1.1-3       skip           skip          
ch01/1.1-4       not-rust       not-rust      
ch02/2.1-1       pass           pass          
ch02/2.1-2       fail           fail          
ch02/2.1-3       error          error         
ch02/2.1-4       stale          stale         
ch03/3.1-1       fail           fail          
)");
}

} // namespace
} // namespace snipcheck::report
