// Annotations follow their listings (docs/contract.md): token fingerprints, matching by
// fingerprint when blocks move, explicit ids, orphans; and the primary cell.
#include "check/result.hpp"
#include "book/listing.hpp"
#include "book/markdown_reader.hpp"
#include "check/expectation.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>
#include <fmt/format.h>
#include <unistd.h>

namespace snipcheck::check {
namespace {

book::Listing listing_with(const std::string& code, const std::string& id = "ch02/2.3-1")
{
  book::Listing listing;
  listing.id = id;
  listing.chapter = 2;
  listing.section = "2.3";
  listing.ordinal = 1;
  listing.files = {"book.md"};
  int line = 10;
  for (const auto& text : text::split_lines(code)) {
    listing.lines.push_back({text, line++});
  }
  return listing;
}

TEST(Fingerprint, WhitespaceAndCommentEditsKeepIt)
{
  const auto original = listing_with("fn main() {\n    let x = a+b; // sum\n    println!(\"{x}\");\n}\n");
  const auto reflowed = listing_with("fn main()\n{\n  let x = a + b;\n\n  /* a /* nested */ note */\n"
                                     "  println!(\"{x}\"); // print it\n}\n");
  EXPECT_EQ(original.fingerprint(), reflowed.fingerprint());
  EXPECT_TRUE(reflowed.matches_fingerprint(original.fingerprint()));
}

TEST(Fingerprint, OneCharacterOfCodeOrOfALiteralChangesIt)
{
  const auto original = listing_with("fn main() { let x = a + b; println!(\"a  b\"); }\n");
  EXPECT_NE(original.fingerprint(), listing_with("fn main() { let x = a - b; println!(\"a  b\"); }\n").fingerprint());
  EXPECT_NE(original.fingerprint(), listing_with("fn main() { let x = a + b; println!(\"a b\"); }\n").fingerprint());
  EXPECT_NE(original.fingerprint(), listing_with("fn main() { let xy = a + b; println!(\"a  b\"); }\n").fingerprint());
  EXPECT_NE(listing_with("let ab = 1;").fingerprint(), listing_with("let a b = 1;").fingerprint());
}

TEST(Fingerprint, LiteralsThatLookLikeCommentsOrQuotesAreCode)
{
  // `//` inside a string is not a comment; '"' does not open a string; a lifetime is not a char.
  const auto with_url = listing_with("let u = \"http://x\"; let q = '\"'; fn f<'a>(s: &'a str) {}\n");
  EXPECT_NE(with_url.fingerprint(), listing_with("let u = \"http:\"; let q = '\"'; fn f<'a>(s: &'a str) {}\n").fingerprint());
  EXPECT_NE(listing_with("let r = r#\"a // b\"#;").fingerprint(), listing_with("let r = r#\"a \"#;").fingerprint());
  const auto tokens = book::fingerprint_tokens("let q = '\"'; // \"\nlet s = \"x\";", true);
  EXPECT_EQ(tokens, (std::vector<std::string>{"let", "q", "=", "'\"'", ";", "let", "s", "=", "\"x\"", ";"}));
}

TEST(Fingerprint, TheOlderByteFingerprintStillMatches)
{
  const auto listing = listing_with("fn main() {}\n");
  // What versions before token fingerprints recorded: FNV-1a of the trimmed visible text.
  EXPECT_TRUE(listing.matches_fingerprint(text::fnv1a_hex("fn main() {}\n")));
  EXPECT_FALSE(listing.matches_fingerprint("0000000000000000"));
}

// A Markdown chapter read from text, as the reader sees it.
book::Book markdown_book(const std::string& markdown)
{
  const auto path = std::filesystem::temp_directory_path() / fmt::format("snipcheck-match-{}.md", ::getpid());
  text::write_file_atomically(path, markdown);
  auto book = book::read_markdown_file(path);
  std::filesystem::remove(path);
  return book;
}

Annotation entry(const std::string& id, const book::Listing& written_for, int line)
{
  Annotation annotation;
  annotation.id = id;
  annotation.file = "expected/ch01.toml";
  annotation.line = line;
  annotation.reason = "written for " + written_for.visible_text();
  annotation.fingerprint = written_for.fingerprint();
  return annotation;
}

const std::string chapter = "# 1. One\n\n## 1.1 First\n\n```rust\nfn a() {}\n```\n\n```rust\nfn b() {}\n```\n\n"
                            "```rust,id=named\nfn n() {}\n```\n";

TEST(MatchAnnotations, EntriesFollowTheirListingsWhenABlockIsInsertedAbove)
{
  const auto before = markdown_book(chapter);
  ASSERT_EQ(before.listings.size(), 3u);
  ASSERT_EQ(before.listings[0].id, "ch01/1.1-1");
  Annotations annotations;
  annotations["ch01/1.1-1"] = entry("ch01/1.1-1", before.listings[0], 1);
  annotations["ch01/1.1-2"] = entry("ch01/1.1-2", before.listings[1], 5);
  annotations["named"] = entry("named", before.listings[2], 9);

  const auto after = markdown_book("# 1. One\n\n## 1.1 First\n\n```rust\nfn inserted() {}\n```\n\n" +
                                   chapter.substr(chapter.find("```rust\nfn a")));
  ASSERT_EQ(after.listings.size(), 4u);
  const auto matched = match_annotations(annotations, after);
  EXPECT_TRUE(matched.orphans.empty());
  EXPECT_FALSE(matched.by_listing.contains("ch01/1.1-1")); // the inserted block has no entry
  ASSERT_TRUE(matched.by_listing.contains("ch01/1.1-2"));
  EXPECT_EQ(matched.by_listing.at("ch01/1.1-2").id, "ch01/1.1-1"); // written under its old id
  EXPECT_EQ(matched.by_listing.at("ch01/1.1-3").id, "ch01/1.1-2");
  EXPECT_EQ(matched.by_listing.at("named").id, "named");

  // The expectation says where the entry came from, and it is not stale.
  const auto expectation =
      expectation_for(after.listings[1], &matched.by_listing.at("ch01/1.1-2"), book::Format::markdown);
  EXPECT_FALSE(expectation.stale);
  EXPECT_EQ(expectation.moved_from, "ch01/1.1-1");
  EXPECT_NE(moved_note(after.listings[1], expectation)->find("written as [\"ch01/1.1-1\"] (expected/ch01.toml:1)"),
            std::string::npos);
}

TEST(MatchAnnotations, AnEditedListingKeepsItsEntryAndIsStale)
{
  const auto before = markdown_book(chapter);
  Annotations annotations;
  annotations["ch01/1.1-2"] = entry("ch01/1.1-2", before.listings[1], 5);
  auto edited = chapter;
  edited.replace(edited.find("fn b() {}"), 9, "fn b() { 1 }");
  const auto after = markdown_book(edited);
  const auto matched = match_annotations(annotations, after);
  ASSERT_TRUE(matched.by_listing.contains("ch01/1.1-2"));
  EXPECT_TRUE(expectation_for(after.listings[1], &matched.by_listing.at("ch01/1.1-2"), book::Format::markdown).stale);
}

TEST(MatchAnnotations, AnExplicitIdNamesItsListingWhateverItsCode)
{
  const auto before = markdown_book(chapter);
  Annotations annotations;
  annotations["named"] = entry("named", before.listings[0], 9); // written for other code
  const auto matched = match_annotations(annotations, before);
  EXPECT_EQ(matched.by_listing.at("named").id, "named");
  EXPECT_FALSE(matched.by_listing.contains("ch01/1.1-1"));
}

TEST(MatchAnnotations, AnEntryWhoseListingVanishedIsReportedAtItsLine)
{
  const auto before = markdown_book(chapter);
  Annotations annotations;
  annotations["ch01/1.1-2"] = entry("ch01/1.1-2", before.listings[1], 5);
  auto removed = chapter;
  removed.erase(removed.find("```rust\nfn b"), std::string("```rust\nfn b() {}\n```\n\n").size());
  const auto after = markdown_book(removed);
  const auto matched = match_annotations(annotations, after);
  ASSERT_EQ(matched.orphans.size(), 1u);
  EXPECT_EQ(matched.orphans[0].line, 5);
  EXPECT_NE(matched.orphans[0].message.find("no listing has that id"), std::string::npos);
  EXPECT_NE(matched.orphans[0].message.find("no listing of chapter 1 has the code"), std::string::npos);
  ASSERT_EQ(matched.orphan_entries.size(), 1u);
  EXPECT_EQ(matched.orphan_entries[0]->id, "ch01/1.1-2");
}

TEST(PrimaryCell, AListingPinnedToAnotherEditionIsStillFound)
{
  check::CheckRun run;
  run.book.listings = {listing_with("fn a() {}", "ch02/2.3-1"), listing_with("fn b() {}", "ch02/2.3-2")};
  for (const auto* toolchain : {"stable", "nightly"}) {
    for (std::size_t k = 0; k < 2; ++k) {
      check::ListingResult result;
      result.listing = &run.book.listings[k];
      result.toolchain = toolchain;
      result.edition = k == 1 ? "2018" : "2021"; // the second listing pins 2018
      run.results.push_back(std::move(result));
    }
  }
  const auto primary = check::primary_results(run);
  ASSERT_EQ(primary.size(), 2u);
  EXPECT_EQ(primary[0], &run.results[0]);
  EXPECT_EQ(primary[1], &run.results[1]);
}

} // namespace
} // namespace snipcheck::check
