#include "scratch/wrap.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

namespace snipcheck::scratch {
namespace {

book::Listing listing_of(const std::vector<std::string>& lines, int first_book_line = 100)
{
  book::Listing listing;
  listing.id = "ch01/1.1-1";
  listing.files = {"book.txt"};
  for (std::size_t k = 0; k < lines.size(); ++k) {
    listing.lines.push_back({lines[k], first_book_line + static_cast<int>(k)});
  }
  return listing;
}

int scratch_line_of(const ScratchSource& source, const std::string& text)
{
  const auto lines = text::split_lines(source.text);
  for (std::size_t k = 0; k < lines.size(); ++k) {
    if (lines[k] == text) {
      return static_cast<int>(k) + 1;
    }
  }
  return 0;
}

TEST(Wrap, FragmentGoesInsideMainAndEveryLineMapsBack)
{
  const auto listing = listing_of({"let x = 1;", "let y = x + 1;"});
  const auto source = wrap_listing(listing, {});
  EXPECT_TRUE(source.wrapped_in_main);
  EXPECT_EQ(source.text, "#![allow(unused)]\nfn main() {\nlet x = 1;\nlet y = x + 1;\n}\n");
  EXPECT_EQ(source.origin_of(3).origin, Origin::listing);
  EXPECT_EQ(source.origin_of(3).line, 1);
  EXPECT_EQ(source.origin_of(4).line, 2);
  EXPECT_EQ(source.origin_of(2).origin, Origin::synthetic);
  EXPECT_EQ(source.origin_of(99).origin, Origin::synthetic);
}

TEST(Wrap, ListingWithMainIsNotWrapped)
{
  const auto source = wrap_listing(listing_of({"fn main() {", "    println!(\"hi\");", "}"}), {});
  EXPECT_FALSE(source.wrapped_in_main);
  EXPECT_EQ(source.origin_of(2).line, 1);
}

TEST(Wrap, MainInACommentOrStringDoesNotCount)
{
  EXPECT_FALSE(has_main_function({"// fn main() {}", "let s = \"fn main()\";"}));
  EXPECT_FALSE(has_main_function({"/* fn main() {", "} */"}));
  EXPECT_TRUE(has_main_function({"async fn main() {}"}));
}

TEST(Wrap, CrateAttributesAndExternCrateAreHoisted)
{
  const auto source = wrap_listing(listing_of({"#![feature(test)]", "extern crate core;", "let x = 1;"}), {});
  EXPECT_EQ(scratch_line_of(source, "#![feature(test)]"), 2);
  EXPECT_LT(scratch_line_of(source, "extern crate core;"), scratch_line_of(source, "fn main() {"));
  EXPECT_EQ(source.origin_of(scratch_line_of(source, "extern crate core;")).line, 2);
}

TEST(Wrap, PreludeGoesBeforeTheListingAndMapsToItself)
{
  WrapOptions options;
  options.prelude = "struct Counter;\nstruct Other;";
  const auto source = wrap_listing(listing_of({"let c = Counter;"}), options);
  const int prelude_line = scratch_line_of(source, "struct Other;");
  EXPECT_EQ(source.origin_of(prelude_line).origin, Origin::prelude);
  EXPECT_EQ(source.origin_of(prelude_line).line, 2);
  EXPECT_LT(prelude_line, scratch_line_of(source, "fn main() {"));
}

TEST(Wrap, EpilogueGoesInsideMainAfterTheListing)
{
  WrapOptions options;
  options.epilogue = "impl Draw for Circle {}";
  const auto source = wrap_listing(listing_of({"trait Draw {}", "struct Circle;"}), options);
  EXPECT_GT(scratch_line_of(source, "impl Draw for Circle {}"), scratch_line_of(source, "struct Circle;"));
  EXPECT_EQ(source.origin_of(scratch_line_of(source, "impl Draw for Circle {}")).origin, Origin::epilogue);
}

TEST(Wrap, ElideTodoReplacesMarkersOnly)
{
  WrapOptions options;
  options.elide = ElideMode::todo;
  const auto source = wrap_listing(
      listing_of({"fn f() -> u32 { /* ... */ }", "fn g() -> u32 {", "    // ...", "}", "// a real comment"}), options);
  EXPECT_NE(source.text.find("fn f() -> u32 { todo!() }"), std::string::npos);
  EXPECT_NE(source.text.find("\n    todo!()\n"), std::string::npos);
  EXPECT_NE(source.text.find("// a real comment"), std::string::npos);
}

TEST(Wrap, ElideBodiesFillsCommentOnlyFunctionBodies)
{
  WrapOptions options;
  options.elide = ElideMode::bodies;
  const auto source = wrap_listing(
      listing_of({"fn sql(input: u32)", "    -> u32", "{", "    // Parse SQL", "}", "struct S {", "    // field", "}"}),
      options);
  const int todo = scratch_line_of(source, "todo!()");
  ASSERT_GT(todo, 0);
  EXPECT_EQ(source.origin_of(todo).origin, Origin::synthetic);
  EXPECT_EQ(source.origin_of(todo - 1).line, 4);
  // A struct with only comments is left alone: one todo in all.
  EXPECT_EQ(source.text.find("todo!()", source.text.find("todo!()") + 1), std::string::npos);
}

TEST(Wrap, OkTailMakesMainReturnAResult)
{
  const auto source =
      wrap_listing(listing_of({"let n: i32 = \"5\".parse()?;", "Ok::<(), std::num::ParseIntError>(())"}), {});
  EXPECT_NE(source.text.find("fn main() { fn _inner() -> core::result::Result<(), impl core::fmt::Debug> {\n"),
            std::string::npos);
  EXPECT_TRUE(source.text.ends_with("\n} _inner().unwrap() }\n"));
}

TEST(Wrap, LibraryCratesAreNeverWrapped)
{
  WrapOptions options;
  options.crate_type = CrateType::proc_macro;
  const auto source = wrap_listing(listing_of({"pub fn f() {}"}), options);
  EXPECT_EQ(source.text, "#![allow(unused)]\npub fn f() {}\n");
}

TEST(Wrap, AsyncMainWrapsFragmentsUsingAwait)
{
  WrapOptions options;
  options.wrap = WrapMode::async_main;
  const auto source = wrap_listing(listing_of({"let x = f().await?;"}), options);
  EXPECT_NE(source.text.find("#[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {"),
            std::string::npos);
  EXPECT_NE(source.text.find("Ok(())\n}"), std::string::npos);
}

TEST(Wrap, MainDetectionFollowsWordBoundaries)
{
  EXPECT_TRUE(has_main_function({"fn  main  () {}"}));
  EXPECT_TRUE(has_main_function({"pub fn main() -> Result<(), ()> { Ok(()) }"}));
  EXPECT_FALSE(has_main_function({"fn mainly() {}"}));
  EXPECT_FALSE(has_main_function({"myfn main() {}"}));
  EXPECT_FALSE(has_main_function({"fnmain() {}"}));
}

TEST(Wrap, LongLinesDoNotExhaustTheStack)
{
  // std::regex recursed per character on these and crashed (found by testing a 1 MB line).
  WrapOptions options;
  options.elide = ElideMode::bodies;
  const std::string blanks(1'000'000, ' ');
  const std::string identifier(1'000'000, 'a');
  const auto source = wrap_listing(listing_of({"let s = 1; /*" + blanks + "... */", "fn " + identifier + "() {",
                                               "    // body", "}", "Ok::<(), " + identifier + ">(())"}),
                                   options);
  EXPECT_NE(source.text.find("let s = 1; todo!()"), std::string::npos);
  EXPECT_NE(source.text.find("fn _inner()"), std::string::npos);
  EXPECT_EQ(source.origin_of(static_cast<int>(source.origins.size())).origin, Origin::synthetic);
}

} // namespace
} // namespace snipcheck::scratch
