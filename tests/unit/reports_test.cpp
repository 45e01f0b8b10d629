#include "report/ci_reports.hpp"
#include "report/terminal.hpp"

#include <gtest/gtest.h>

namespace snipcheck::report {
namespace {

TEST(Reports, XmlEscaping)
{
  EXPECT_EQ(xml_escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  EXPECT_EQ(xml_escape(std::string("bell\x07")), "bell\\u{7}");
}

TEST(Reports, GithubEscaping)
{
  EXPECT_EQ(github_escape_data("50% done\nnext"), "50%25 done%0Anext");
  EXPECT_EQ(github_escape_property("a:b,c"), "a%3Ab%2Cc");
}

} // namespace
} // namespace snipcheck::report

namespace snipcheck::report {
namespace {

// Two results: a failing Rust listing and an output block.
struct SmallRun
{
  book::Listing rust;
  book::Listing output;
  check::CheckRun run;

  SmallRun()
  {
    rust.id = "ch01/1.1-1";
    rust.chapter = 1;
    rust.files = {"book.md"};
    rust.fence_line = 3;
    rust.lines = {{"fn main() { let x: u32 = \"a\"; }", 4}};
    output = rust;
    output.id = "ch01/1.1-2";
    output.is_rust = false;
    check::ListingResult failed;
    failed.listing = &rust;
    failed.toolchain = "stable";
    failed.edition = "2021";
    failed.observed.build = check::Observed::Build::failed;
    failed.observed.command = "cargo check --workspace --bin ch01_1_1_1";
    failed.verdict = check::verdict::UnexpectedFailure{check::Outcome::compile, {}};
    check::ListingResult text = failed;
    text.listing = &output;
    text.observed = {};
    text.expectation.outcome = check::Outcome::not_rust;
    text.verdict = check::verdict::NotRust{};
    run.results = {failed, text};
  }
};

TEST(Reports, JunitLeavesNonRustBlocksOut)
{
  const SmallRun small;
  const auto xml = junit_report(small.run);
  EXPECT_NE(xml.find("ch01/1.1-1"), std::string::npos);
  EXPECT_EQ(xml.find("ch01/1.1-2"), std::string::npos) << xml;
  EXPECT_NE(xml.find("tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\""), std::string::npos) << xml;
}

TEST(Reports, TheBuildCommandIsShownOnlyWhenVerbose)
{
  const SmallRun small;
  const auto& failed = small.run.results.front();
  EXPECT_EQ(failure_details(failed, Style{false, false}).find("built with"), std::string::npos);
  EXPECT_NE(failure_details(failed, Style{false, true}).find("built with: cargo check"), std::string::npos);
}

} // namespace
} // namespace snipcheck::report
