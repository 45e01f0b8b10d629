#include "book/text_reader.hpp"
#include "check/expectation.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace snipcheck::check {
namespace {

std::vector<InputProblem> problems_of(const std::string& toml)
{
  try {
    parse_expectation_file(toml, "expected/ch02.toml");
  } catch (const InputError& error) {
    return error.problems();
  }
  return {};
}

book::Listing listing_of(const std::vector<std::string>& lines)
{
  book::Listing listing;
  listing.id = "ch02/2.3-1";
  listing.files = {"book.txt"};
  for (std::size_t k = 0; k < lines.size(); ++k) {
    listing.lines.push_back({lines[k], 10 + static_cast<int>(k)});
  }
  return listing;
}

TEST(ExpectationFile, ParsesEveryField)
{
  const auto annotations = parse_expectation_file(R"(
["ch02/2.3-1"]
expect = "compile-fail"
errors = ["E0106", "E0428"]
error-lines = [2, 7]
reason = "meant to fail"
erratum = "wrong"
fix = "right"
prelude = "struct A;"
epilogue = "impl T for A {}"
elide = "todo"
wrap = "none"
crate-type = "lib"
edition = "2024"
deps = { tokio = { version = "1", features = ["full"] }, anyhow = "1" }
fingerprint = "0123456789abcdef"
)",
                                                  "expected/ch02.toml");
  const auto& entry = annotations.at("ch02/2.3-1");
  EXPECT_EQ(entry.line, 2);
  EXPECT_EQ(entry.expect, Outcome::compile_fail);
  EXPECT_EQ(*entry.errors, (std::set<std::string>{"E0106", "E0428"}));
  EXPECT_EQ(entry.error_lines, (std::vector<int>{2, 7}));
  EXPECT_EQ(entry.elide, scratch::ElideMode::todo);
  EXPECT_EQ(entry.wrap, scratch::WrapMode::none);
  EXPECT_EQ(entry.crate_type, scratch::CrateType::lib);
  EXPECT_EQ(entry.edition, "2024");
  ASSERT_EQ(entry.deps.size(), 2u);
  EXPECT_EQ(entry.deps[1].name, "tokio");
  EXPECT_EQ(entry.deps[1].features, (std::vector<std::string>{"full"}));
  EXPECT_EQ(entry.deps[0].version, "1");
  EXPECT_EQ(entry.fingerprint, "0123456789abcdef");
}

TEST(ExpectationFile, MalformedTomlNamesTheLine)
{
  const auto problems = problems_of("[\"ch02/2.3-1\"]\nexpect = \"compile\"\nerrors = [\"E0106\"\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].file, "expected/ch02.toml");
  EXPECT_GE(problems[0].line, 3);
  EXPECT_NE(problems[0].message.find("malformed TOML"), std::string::npos);
}

TEST(ExpectationFile, UnknownFieldAndOutcomeAreAllReportedWithLines)
{
  const auto problems = problems_of("[\"ch02/2.3-1\"]\nexpect = \"compiles\"\nexpcted = 1\n");
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].line, 2);
  EXPECT_NE(problems[0].message.find("unknown outcome `compiles`"), std::string::npos);
  EXPECT_EQ(problems[1].line, 3);
  EXPECT_NE(problems[1].message.find("unknown field `expcted`"), std::string::npos);
}

TEST(ExpectationFile, SkipNeedsAReasonAndAnErratumNeedsAFix)
{
  EXPECT_EQ(problems_of("[\"a\"]\nexpect = \"skip\"\n").size(), 1u);
  EXPECT_EQ(problems_of("[\"a\"]\nexpect = \"compile-fail\"\nerratum = \"x\"\n").size(), 1u);
  EXPECT_EQ(problems_of("[\"a\"]\nexpect = \"compile\"\nerrors = [\"E0106\"]\n").size(), 1u);
  EXPECT_TRUE(problems_of("[\"a\"]\nexpect = \"skip\"\nreason = \"needs sqlx\"\n").empty());
}

TEST(InlineMarkers, ErrorCommentAfterCodeClaimsItsLine)
{
  const auto markers = find_inline_markers(
      listing_of({"// Case 1", "fn longest() -> &str { // Error!", "// x(); // Error! commented out",
                  "let y: u8 = 300; //~ ERROR E0080", "//~^ ERROR E0308"}),
      book::Format::plain_text);
  ASSERT_EQ(markers.size(), 3u);
  EXPECT_EQ(markers[0].listing_line, 2);
  EXPECT_FALSE(markers[0].code);
  EXPECT_EQ(markers[1].listing_line, 4);
  EXPECT_EQ(markers[1].code, "E0080");
  EXPECT_EQ(markers[2].listing_line, 4);
  EXPECT_EQ(markers[2].code, "E0308");
}

// In Markdown, rustdoc reads only the fence: `// ERROR:` and `// Error!` are
// prose there (the edition guide's describe another edition than the book's),
// while compiletest's `//~ ERROR` stays an explicit claim in every format.
TEST(InlineMarkers, MarkdownReadsOnlyCompiletestMarkers)
{
  const auto listing = listing_of(
      {"let x: i32 = \"a\"; // ERROR: mismatched types", "let y = 1; // Error!", "let z: u8 = 300; //~ ERROR E0080"});
  const auto markdown = find_inline_markers(listing, book::Format::markdown);
  ASSERT_EQ(markdown.size(), 1u);
  EXPECT_EQ(markdown[0].listing_line, 3);
  EXPECT_EQ(markdown[0].code, "E0080");
  EXPECT_EQ(find_inline_markers(listing, book::Format::plain_text).size(), 3u);
  EXPECT_EQ(find_inline_markers(listing, book::Format::latex).size(), 3u);

  const auto expectation =
      expectation_for(listing_of({"let y = 1; // ERROR: not in this edition"}), nullptr, book::Format::markdown);
  EXPECT_EQ(expectation.outcome, Outcome::run);
  EXPECT_EQ(expectation.from, "fence");
  EXPECT_TRUE(expectation.required.empty());
}

TEST(DeclaredNames, ModulesAndItemsOfTheListingAndModulesOfTheBook)
{
  const auto listing = listing_of({"mod garden;", "pub mod front_of_house {", "  pub(crate) fn seat_at_table() {}", "}",
                                   "struct Point;", "static mut COUNTER: u32 = 0;", "macro_rules! square { () => {} }",
                                   "use std::io as stdio;", "extern crate panic_halt;", "// mod in_a_comment;"});
  EXPECT_EQ(listing.declarations().at("garden"), "mod");
  EXPECT_EQ(listing.declarations().at("seat_at_table"), "fn");
  const auto names = expectation_for(listing, nullptr, book::Format::markdown, {}, {"seeds"}).declared_names;
  for (const auto* name :
       {"garden", "front_of_house", "seat_at_table", "Point", "COUNTER", "square", "stdio", "seeds"}) {
    EXPECT_TRUE(names.contains(name)) << name;
  }
  EXPECT_FALSE(names.contains("panic_halt")); // `extern crate` names a crate, not a local item
  EXPECT_FALSE(names.contains("in_a_comment"));
  EXPECT_FALSE(names.contains("std"));
}

TEST(Expectation, DefaultsFollowTheFormat)
{
  const auto plain = listing_of({"fn f() {}"});
  EXPECT_EQ(expectation_for(plain, nullptr, book::Format::plain_text).outcome, Outcome::compile);
  EXPECT_EQ(expectation_for(plain, nullptr, book::Format::plain_text).from, "default");
  EXPECT_EQ(expectation_for(plain, nullptr, book::Format::markdown).outcome, Outcome::run);
  auto marked = listing_of({"fn f() -> &str {} // Error!"});
  const auto inline_expectation = expectation_for(marked, nullptr, book::Format::plain_text);
  EXPECT_EQ(inline_expectation.outcome, Outcome::compile_fail);
  EXPECT_EQ(inline_expectation.from, "inline");
}

TEST(Expectation, AnnotationWinsAndStalenessIsDetected)
{
  const auto listing = listing_of({"fn f() -> &str {} // Error!"});
  Annotation annotation;
  annotation.file = "expected/ch02.toml";
  annotation.expect = Outcome::compile_fail;
  annotation.errors = std::set<std::string>{"E0106"};
  annotation.fingerprint = listing.fingerprint();
  auto expectation = expectation_for(listing, &annotation, book::Format::plain_text);
  EXPECT_EQ(expectation.from, "expected/ch02.toml");
  EXPECT_FALSE(expectation.stale);
  EXPECT_EQ(expectation.required.size(), 1u); // the inline marker still must hold
  annotation.fingerprint = "0000000000000000";
  EXPECT_TRUE(expectation_for(listing, &annotation, book::Format::plain_text).stale);
}

TEST(Expectation, BundledAnnotationsMatchTheBook)
{
  const auto book = book::read_text_book(testing::bundled_book());
  const auto annotations = load_expectations(testing::source_dir() / "expected");
  EXPECT_TRUE(orphan_annotations(annotations, book).empty());
  int rust = 0;
  for (const auto& listing : book.listings) {
    if (!listing.is_rust) {
      continue;
    }
    ++rust;
    ASSERT_TRUE(annotations.contains(listing.id)) << listing.id << " has no entry in expected/";
    const auto expectation = expectation_for(listing, &annotations.at(listing.id), book.format);
    EXPECT_FALSE(expectation.stale) << listing.id;
    if (expectation.outcome != Outcome::compile) {
      EXPECT_TRUE(expectation.reason || expectation.erratum || expectation.outcome == Outcome::run) << listing.id;
    }
  }
  EXPECT_EQ(rust, 35);
  EXPECT_EQ(*annotations.at("ch02/2.3-1").errors, (std::set<std::string>{"E0106", "E0428"}));
}

TEST(Expectation, OrphanIdsAreReported)
{
  book::Book book;
  book.path = "book.txt";
  book.listings.push_back(listing_of({"fn f() {}"}));
  Annotations annotations;
  annotations["ch02/2.3-9"] = Annotation{"ch02/2.3-9", "expected/ch02.toml", 12};
  const auto problems = orphan_annotations(annotations, book);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 12);
}

} // namespace
} // namespace snipcheck::check
