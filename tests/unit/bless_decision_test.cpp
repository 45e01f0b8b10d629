// What bless records for a listing, and what it refuses to (check/bless.hpp).
#include "check/bless.hpp"
#include "check/expectation.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

namespace snipcheck::check {
namespace {

book::Listing rust_listing(const std::string& code)
{
  book::Listing listing;
  listing.id = "ch02/2.3-1";
  listing.files = {"book.md"};
  listing.lines.push_back({code, 12});
  return listing;
}

Observed failed_with(const std::string& code)
{
  Observed observed;
  observed.build = Observed::Build::failed;
  observed.diagnostics.push_back({"error", code, "msg", "book.md", 12, 1});
  return observed;
}

TEST(BlessDecision, AListingThatDoesWhatItsFenceSaysGetsNoEntry)
{
  auto listing = rust_listing("fn main() { let x: i32 = \"\"; }");
  listing.fence.compile_fail = true;
  const auto expectation = expectation_for(listing, nullptr, book::Format::markdown);
  EXPECT_FALSE(decide_update(listing, expectation, failed_with("E0308")).update);

  auto runs = rust_listing("fn main() {}");
  Observed ran;
  ran.build = Observed::Build::compiled;
  ran.run = RunOutput{{cargo::ExitStatus::Kind::exited, 0}, "hi\n", "", false};
  EXPECT_FALSE(decide_update(runs, expectation_for(runs, nullptr, book::Format::markdown), ran).update);
}

TEST(BlessDecision, ACompileFailEntryAlwaysSaysSo)
{
  auto listing = rust_listing("fn main() { let x: i32 = \"\"; }");
  listing.fence.compile_fail = true;
  listing.fence.error_codes = {"E0106"}; // the book names the wrong code
  const auto decision =
      decide_update(listing, expectation_for(listing, nullptr, book::Format::markdown), failed_with("E0308"));
  ASSERT_TRUE(decision.update);
  EXPECT_EQ(decision.update->expect, "compile-fail");
  EXPECT_EQ(*decision.update->errors, (std::set<std::string>{"E0308"}));
  const auto blessed = bless_file("", "expected/ch02.toml", {*decision.update});
  const auto entry = parse_expectation_file(blessed.content, "expected/ch02.toml").at("ch02/2.3-1");
  EXPECT_EQ(entry.expect, Outcome::compile_fail);
  EXPECT_EQ(compare(expectation_for(listing, &entry, book::Format::markdown), failed_with("E0308"),
                    listing.fingerprint())
                .index(),
            Verdict(verdict::Pass{}).index());
}

TEST(BlessDecision, APanicWhereTheBookSaysRunIsRecordedAsRunFail)
{
  const auto listing = rust_listing("fn main() { panic!() }");
  Observed panicked;
  panicked.build = Observed::Build::compiled;
  panicked.run = RunOutput{{cargo::ExitStatus::Kind::exited, 101}, "", "panicked", false};
  const auto decision = decide_update(listing, expectation_for(listing, nullptr, book::Format::markdown), panicked);
  ASSERT_TRUE(decision.update);
  EXPECT_EQ(decision.update->expect, "run-fail");
  EXPECT_FALSE(decision.update->stdout_text); // bless pins no output a maintainer did not ask for
}

TEST(BlessDecision, OutputThatIsNotUtf8IsNotPinned)
{
  const auto listing = rust_listing("fn main() {}");
  auto expectation = expectation_for(listing, nullptr, book::Format::markdown);
  expectation.stdout_text = "old\n"; // pinned by a maintainer
  Observed ran;
  ran.build = Observed::Build::compiled;
  ran.run = RunOutput{{cargo::ExitStatus::Kind::exited, 0}, "new \xFF\n", "", false};
  const auto decision = decide_update(listing, expectation, ran);
  EXPECT_FALSE(decision.update); // TOML cannot hold the bytes; U+FFFD would never match them
  EXPECT_NE(decision.refusal.find("not valid UTF-8"), std::string::npos) << decision.refusal;
  ran.run->stdout_text = "new\n";
  ASSERT_TRUE(decide_update(listing, expectation, ran).update);
}

TEST(BlessDecision, AMovedEntryIsRenamedAndKeepsAnOlderFingerprintThatStillMatches)
{
  const auto listing = rust_listing("fn main() {}");
  Annotation annotation;
  annotation.id = "ch02/2.2-1";
  annotation.file = "expected/ch02.toml";
  annotation.line = 3;
  annotation.fingerprint = text::fnv1a_hex("fn main() {}\n"); // the byte fingerprint of older versions
  Observed ran;
  ran.build = Observed::Build::compiled;
  ran.run = RunOutput{{cargo::ExitStatus::Kind::exited, 0}, "", "", false};
  const auto decision =
      decide_update(listing, expectation_for(listing, &annotation, book::Format::markdown), ran);
  ASSERT_TRUE(decision.update);
  EXPECT_EQ(decision.update->written_id, "ch02/2.2-1");
  EXPECT_EQ(decision.update->fingerprint, *annotation.fingerprint);
  EXPECT_FALSE(decision.update->expect);
}

Observed ran_with(int exit_code)
{
  Observed observed;
  observed.build = Observed::Build::compiled;
  observed.run = RunOutput{{cargo::ExitStatus::Kind::exited, exit_code}, "", "", false};
  return observed;
}

Observed timed_out()
{
  auto observed = ran_with(0);
  observed.run->status.kind = cargo::ExitStatus::Kind::timed_out;
  return observed;
}

TEST(BlessPrimary, AResultTheEnvironmentSpoiledIsNotBlessedAndSaysWhy)
{
  const auto listing = rust_listing("fn main() {}");
  const auto expectation = expectation_for(listing, nullptr, book::Format::markdown);
  const auto primary = decide_primary(listing, expectation, Observed{},
                                      verdict::EnvironmentFailure{"cargo was killed by signal 9"});
  EXPECT_EQ(primary.not_blessed, NotBlessed::environment);
  EXPECT_FALSE(primary.decision.update);
  EXPECT_NE(primary.decision.refusal.find("cargo was killed by signal 9"), std::string::npos)
      << primary.decision.refusal;
}

TEST(BlessPrimary, AListingNotBuiltForBadInputIsBadInputNotARefusal)
{
  const auto listing = rust_listing("fn main() {}");
  const auto expectation = expectation_for(listing, nullptr, book::Format::markdown);
  const auto primary = decide_primary(listing, expectation, Observed{},
                                      verdict::BadInput{"src/ch01.md:4: cannot include `missing.rs`"});
  EXPECT_EQ(primary.not_blessed, NotBlessed::bad_input);
  EXPECT_FALSE(primary.decision.update);
  EXPECT_EQ(primary.decision.refusal, "not checked, bad input: src/ch01.md:4: cannot include `missing.rs`");
}

TEST(BlessPrimary, AListingSkippedForAMissingCrateRecordsNothing)
{
  const auto listing = rust_listing("use tokio::time; fn main() {}");
  const auto expectation = expectation_for(listing, nullptr, book::Format::markdown);
  const auto primary =
      decide_primary(listing, expectation, failed_with("E0432"), verdict::Skipped{"needs crate `tokio`"});
  EXPECT_EQ(primary.not_blessed, NotBlessed::unavailable);
  EXPECT_FALSE(primary.decision.update);
  EXPECT_EQ(primary.decision.refusal, "needs crate `tokio`");
}

TEST(BlessPrimary, AProgramThatTimesOutCannotBeRecorded)
{
  const auto listing = rust_listing("fn main() { loop {} }");
  const auto expectation = expectation_for(listing, nullptr, book::Format::markdown);
  const auto primary = decide_primary(listing, expectation, timed_out(), verdict::TimedOut{});
  EXPECT_EQ(primary.not_blessed, NotBlessed::cannot_record);
  EXPECT_EQ(primary.decision.refusal,
            "its program timed out; raise --timeout, or mark it `skip` with a reason");
}

TEST(BlessPrimary, AFailureIsRecordedAsWhatItDoes)
{
  const auto listing = rust_listing("fn main() { panic!() }");
  const auto expectation = expectation_for(listing, nullptr, book::Format::markdown);
  const auto primary = decide_primary(listing, expectation, ran_with(101), verdict::RunFailed{});
  EXPECT_EQ(primary.not_blessed, NotBlessed::recorded);
  ASSERT_TRUE(primary.decision.update);
  EXPECT_EQ(primary.decision.update->expect, "run-fail");
}

TEST(BlessCell, AnotherEditionIsRecordedAsAnEditionTable)
{
  const auto cell = decide_cell({"stable", "2024"}, failed_with("E0133"), {"stable", "2021"});
  EXPECT_EQ(cell.key, "edition-2024");
  ASSERT_TRUE(cell.record);
  EXPECT_EQ(cell.record->expect, "compile-fail");
  EXPECT_EQ(*cell.record->errors, (std::set<std::string>{"E0133"}));
  EXPECT_TRUE(cell.refusal.empty());

  const auto nightly = decide_cell({"nightly", "2021"}, ran_with(0), {"stable", "2021"});
  EXPECT_EQ(nightly.key, "toolchain-nightly");
  ASSERT_TRUE(nightly.record);
  EXPECT_EQ(nightly.record->expect, "run");
}

TEST(BlessCell, ACellDifferingInBothToolchainAndEditionIsLeftToTheMaintainer)
{
  const auto cell = decide_cell({"nightly", "2024"}, failed_with("E0133"), {"stable", "2021"});
  EXPECT_FALSE(cell.record);
  EXPECT_EQ(cell.refusal, "in nightly 2024 it does otherwise than in stable 2021; write `edition-2024` and "
                          "`toolchain-nightly` tables by hand");
}

TEST(BlessCell, ATimeoutInACellIsNotRecorded)
{
  const auto cell = decide_cell({"stable", "2024"}, timed_out(), {"stable", "2021"});
  EXPECT_FALSE(cell.record);
  EXPECT_NE(cell.refusal.find("timed out"), std::string::npos);
}

TEST(BlessCell, ANewEntryNamesTheCellToReviewAndAnExistingOneKeepsItsIdAndFingerprint)
{
  const auto listing = rust_listing("fn main() {}");
  auto fresh = cell_entry_update(listing, nullptr);
  EXPECT_EQ(fresh.id, "ch02/2.3-1");
  EXPECT_FALSE(fresh.written_id);
  EXPECT_EQ(fresh.fingerprint, listing.fingerprint());
  add_cell(fresh, decide_cell({"stable", "2018"}, ran_with(0), {"stable", "2021"}), nullptr);
  add_cell(fresh, decide_cell({"stable", "2024"}, failed_with("E0133"), {"stable", "2021"}), nullptr);
  EXPECT_EQ(fresh.cells.size(), 2u);
  EXPECT_EQ(fresh.comment, "blessed: in edition-2024 it does compile-fail; say why (reason)");

  Annotation entry;
  entry.id = "ch02/2.2-1"; // the listing moved since
  entry.fingerprint = text::fnv1a_hex("fn main() {}\n");
  auto existing = cell_entry_update(listing, &entry);
  EXPECT_EQ(existing.written_id, "ch02/2.2-1");
  EXPECT_EQ(existing.fingerprint, *entry.fingerprint);
  add_cell(existing, decide_cell({"stable", "2024"}, failed_with("E0133"), {"stable", "2021"}), &entry);
  EXPECT_TRUE(existing.comment.empty()); // the maintainer's entry says why already
}

TEST(BlessFiles, AnEntryGoesWhereItsAnnotationIsElseInItsChaptersFile)
{
  auto listing = rust_listing("fn main() {}");
  listing.chapter = 2;
  auto expectation = expectation_for(listing, nullptr, book::Format::markdown);
  EXPECT_EQ(expected_file_name(listing, expectation), "ch02.toml");
  expectation.annotation_file = "/book/expected/borrowing.toml";
  EXPECT_EQ(expected_file_name(listing, expectation), "borrowing.toml");
  EXPECT_EQ(expected_file_header("ch02.toml", "/books/rust/book.md"),
            "# Expectations for chapter 02 of book.md.\n");
}

} // namespace
} // namespace snipcheck::check
