#include "scratch/doctest_layout.hpp"
#include "scratch/rust_lexer.hpp"
#include "scratch/workspace.hpp"
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

// rustc_lexer's strip_shebang: `#!` then anything but `[` (past white space and plain comments).
TEST(Wrap, AShebangFirstIsCompiledAsWrittenAndNeverMerged)
{
  EXPECT_TRUE(starts_with_shebang("#!/usr/bin/env -S cargo +nightly -Zscript\nfn main() {}"));
  EXPECT_TRUE(starts_with_shebang("#!"));
  EXPECT_TRUE(starts_with_shebang("#! /// a doc comment is a token\n[x]"));
  EXPECT_FALSE(starts_with_shebang("#![allow(unused)]"));
  EXPECT_FALSE(starts_with_shebang("#! /* plain */ // comments\n [allow(dead_code)]"));
  EXPECT_FALSE(starts_with_shebang(" #!/bin/sh")); // only at the very start
  EXPECT_FALSE(starts_with_shebang("let x = 1;"));

  const auto script = wrap_listing(listing_of({"#!/usr/bin/env run-cargo-script", "println!(\"hi\");"}), {});
  EXPECT_EQ(script.text, "#!/usr/bin/env run-cargo-script\nprintln!(\"hi\");\n"); // no main added, as rustdoc
  EXPECT_FALSE(script.wrapped_in_main);
  EXPECT_EQ(script.origin_of(1).origin, Origin::listing);
  EXPECT_EQ(script.origin_of(2).line, 2);
  EXPECT_FALSE(can_merge(script));

  WrapOptions with_prelude;
  with_prelude.prelude = "use std::fmt;";
  const auto attribute = wrap_listing(listing_of({"#! [allow(dead_code)]", "let x = 1;"}), with_prelude);
  EXPECT_TRUE(attribute.wrapped_in_main); // an inner attribute: hoisted, the rest wrapped
  EXPECT_EQ(attribute.text.substr(0, attribute.text.find('\n')), "#![allow(unused)]");
  EXPECT_NE(attribute.text.find("use std::fmt;"), std::string::npos);
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
      listing_of({"// a real comment", "fn f() -> u32 { /* ... */ }", "fn g() -> u32 {", "    // ...", "}"}), options);
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

// The rules below are rustdoc's (src/librustdoc/doctest/make.rs), each checked with `rustdoc --test`
// on tests/corpus/markdown/wrapping.md.

TEST(Wrap, CommentsBeforeCrateAttributesDoNotStopHoisting)
{
  const auto source = wrap_listing(listing_of({"// In lib.rs", "", "#![feature(never_type)]", "let x = 1;"}), {});
  EXPECT_TRUE(source.wrapped_in_main);
  EXPECT_LT(scratch_line_of(source, "#![feature(never_type)]"), scratch_line_of(source, "fn main() {"));
  EXPECT_EQ(source.origin_of(scratch_line_of(source, "#![feature(never_type)]")).line, 3);
  EXPECT_GT(scratch_line_of(source, "let x = 1;"), scratch_line_of(source, "fn main() {"));
}

TEST(Wrap, NoStdListingsAreNeverWrapped)
{
  const auto source = wrap_listing(listing_of({"// In lib.rs", "#![no_std]", "extern crate std;", "let x = 1;"}), {});
  EXPECT_FALSE(source.wrapped_in_main);
  EXPECT_EQ(source.text, "#![allow(unused)]\n// In lib.rs\n#![no_std]\nextern crate std;\nlet x = 1;\n");
}

TEST(Wrap, CrateAttributesOverSeveralLinesAreHoistedWhole)
{
  const auto source = wrap_listing(listing_of({"#![allow(", "    dead_code", ")]", "let x = 1;"}), {});
  EXPECT_EQ(source.text, "#![allow(unused)]\n#![allow(\n    dead_code\n)]\nfn main() {\nlet x = 1;\n}\n");
}

TEST(Wrap, OnlyDocCommentsMakeAnEmptyMain)
{
  // rustdoc drops what follows the last statement, so dangling doc comments never reach rustc (E0585).
  EXPECT_EQ(wrap_listing(listing_of({"/// A function that", "/// does things.", "///"}), {}).text,
            "#![allow(unused)]\nfn main() {\n}\n");
  EXPECT_EQ(wrap_listing(listing_of({"/** Docs for", "nothing */"}), {}).text, "#![allow(unused)]\nfn main() {\n}\n");
  const auto after_main = wrap_listing(listing_of({"fn main() {}", "/// dangling", "#[derive(Debug)]"}), {});
  EXPECT_EQ(after_main.text, "#![allow(unused)]\nfn main() {}\n");
}

TEST(Wrap, InnerDocCommentsAreCrateAttributes)
{
  const auto source = wrap_listing(listing_of({"//! Crate documentation", "let x = 1;"}), {});
  EXPECT_LT(scratch_line_of(source, "//! Crate documentation"), scratch_line_of(source, "fn main() {"));
}

TEST(Wrap, AStatementBesideMainWrapsEverything)
{
  // `struct A {..};` is an item and an empty statement `;`: rustdoc wraps, and that `main` never runs.
  EXPECT_TRUE(wrap_listing(listing_of({"struct A { x: u8 };", "fn main() {", "    std::process::exit(7);", "}"}), {})
                  .wrapped_in_main);
  EXPECT_TRUE(wrap_listing(listing_of({"fn main() {}", "let x = 5;"}), {}).wrapped_in_main);
  EXPECT_TRUE(wrap_listing(listing_of({"fn main() {}", "if true {", "}"}), {}).wrapped_in_main);
  EXPECT_TRUE(wrap_listing(listing_of({"fn main() {}", "vec![1, 2].len();"}), {}).wrapped_in_main);
  EXPECT_TRUE(
      wrap_listing(listing_of({"fn main() {}", "'outer: loop {", "    break 'outer;", "}"}), {}).wrapped_in_main);
  // A macro call is taken for an item, unless it is the last expression, without its semicolon.
  EXPECT_FALSE(wrap_listing(listing_of({"fn main() {}", "println!(\"hi\");"}), {}).wrapped_in_main);
  EXPECT_FALSE(wrap_listing(listing_of({"fn main() {}", "nothing! { let x = 1; }"}), {}).wrapped_in_main);
  EXPECT_TRUE(wrap_listing(listing_of({"fn main() {}", "assert!(true)"}), {}).wrapped_in_main);
  // Items with bodies and semicolons of their own are items.
  EXPECT_FALSE(
      wrap_listing(listing_of({"struct P(u8);", "const N: S = S { a: [0; 3] };", "impl P {", "}", "fn main() {}"}), {})
          .wrapped_in_main);
}

TEST(Wrap, OnlyATopLevelMainCounts)
{
  EXPECT_FALSE(has_main_function({"mod m {", "    pub fn main() {}", "}"}));
  EXPECT_FALSE(has_main_function({"fn outer() {", "    fn main() {}", "}"}));
  EXPECT_FALSE(has_main_function({"struct S;", "impl S {", "    fn main() {}", "}"}));
  EXPECT_FALSE(has_main_function({"macro_rules! make_main {", "    () => { fn main() {} };", "}", "make_main!();"}));
  EXPECT_TRUE(has_main_function({"items! {", "    fn main() {}", "}"}));
  EXPECT_TRUE(has_main_function({"#[cfg(any())]", "pub(crate) extern \"C\" fn main() {}"}));
}

TEST(Wrap, MainInLiteralsAndNestedCommentsDoesNotCount)
{
  EXPECT_FALSE(has_main_function({"let s = r#\"a \" fn main() {} \"#;"}));
  EXPECT_FALSE(has_main_function({"let q = '\"'; let s = \" fn main() {} \";"}));
  EXPECT_FALSE(has_main_function({"/* outer /* inner */ fn main() {} */", "let x = 1;"}));
  EXPECT_FALSE(has_main_function({"let c = b'\\''; let l: &'static str = \"fn main() {}\";"}));
}

TEST(Wrap, ExternCratesAreHoistedFromAnywhere)
{
  const auto source = wrap_listing(listing_of({"let x = 1;", "#[macro_use]", "extern crate core;", "let y = x;"}), {});
  EXPECT_EQ(source.text,
            "#![allow(unused)]\n#[macro_use]\nextern crate core;\nfn main() {\nlet x = 1;\nlet y = x;\n}\n");
  EXPECT_EQ(source.origin_of(2).line, 2);
  EXPECT_EQ(source.origin_of(3).line, 3);
  EXPECT_EQ(source.origin_of(6).line, 4);
}

TEST(Wrap, ALineHoldingTwoPartsIsSplitAndBothMapBack)
{
  const auto source = wrap_listing(listing_of({"#![allow(dead_code)] let x = 1; extern crate core; let y = x;"}), {});
  EXPECT_EQ(source.text,
            "#![allow(unused)]\n#![allow(dead_code)]\n extern crate core;\nfn main() {\n let x = 1; let y = x;\n}\n");
  EXPECT_EQ(source.origin_of(2).line, 1);
  EXPECT_EQ(source.origin_of(3).line, 1);
  EXPECT_EQ(source.origin_of(5).line, 1);
}

TEST(Wrap, TheResultMainFollowsTheTextOfTheTail)
{
  const auto result_main = "fn main() { fn _inner() -> core::result::Result<(), impl core::fmt::Debug> {";
  // With its semicolon, the tail is a plain statement.
  EXPECT_EQ(scratch_line_of(wrap_listing(listing_of({"Ok::<(), std::fmt::Error>(());"}), {}), result_main), 0);
  // A comment after the tail is dropped before the test.
  const auto commented = wrap_listing(
      listing_of({"let n: i32 = \"5\".parse()?;", "Ok::<(), std::num::ParseIntError>(()) // all good", ""}), {});
  EXPECT_GT(scratch_line_of(commented, result_main), 0);
  EXPECT_GT(scratch_line_of(commented, "Ok::<(), std::num::ParseIntError>(())"), 0);
  // Any tail ending in `(())` counts.
  EXPECT_GT(scratch_line_of(wrap_listing(listing_of({"drop(())"}), {}), result_main), 0);
}

TEST(Wrap, EmptyAndCommentOnlyListingsMakeAnEmptyMain)
{
  EXPECT_EQ(wrap_listing(listing_of({}), {}).text, "#![allow(unused)]\nfn main() {\n}\n");
  EXPECT_EQ(wrap_listing(listing_of({"// nothing", ""}), {}).text, "#![allow(unused)]\nfn main() {\n}\n");
}

TEST(Wrap, CodeThatDoesNotLexIsWrappedWhole)
{
  const auto source = wrap_listing(listing_of({"let s = \"open;", "fn main() {}"}), {});
  EXPECT_TRUE(source.wrapped_in_main);
  EXPECT_EQ(source.origin_of(scratch_line_of(source, "fn main() {}")).line, 2);
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

// The scanners under the wrapping decision, each on its own.
TEST(DoctestLayout, SortsTheBodyIntoCrateAttributesCratesAndStatements)
{
  const std::string code = "//! Crate docs\n#![allow(dead_code)]\nextern crate core;\nuse std::fmt;\nfn main() {}";
  const auto layout = doctest_layout(code);
  ASSERT_TRUE(layout);
  EXPECT_EQ(code.substr(0, layout->crate_attributes_end), "//! Crate docs\n#![allow(dead_code)]");
  ASSERT_EQ(layout->statements.size(), 3u);
  EXPECT_EQ(layout->statements[0].kind, StatementKind::extern_crate);
  EXPECT_EQ(layout->statements[1].kind, StatementKind::item);
  EXPECT_EQ(layout->statements[2].kind, StatementKind::main_function);
  EXPECT_EQ(code.substr(layout->statements[2].begin, layout->statements[2].end - layout->statements[2].begin),
            "fn main() {}");
  EXPECT_TRUE(layout->has_main);
  EXPECT_FALSE(layout->no_std);
}

TEST(DoctestLayout, AStatementThatIsNotAnItemMeansNoMain)
{
  const auto layout = doctest_layout("fn main() {}\nlet x = 1;\nprintln!(\"{x}\");");
  ASSERT_TRUE(layout);
  EXPECT_TRUE(layout->has_top_level_main);
  EXPECT_FALSE(layout->has_main);
  ASSERT_EQ(layout->statements.size(), 3u);
  EXPECT_EQ(layout->statements[1].kind, StatementKind::not_an_item);
  EXPECT_EQ(layout->statements[2].kind, StatementKind::macro_call);
}

TEST(RustLexer, KnowsCommentsLiteralsAndDelimiters)
{
  const std::string code = "let s = r#\"fn main() { \"#; /* a /* nested */ comment */ 'a: loop {}";
  const auto tokens = lex_rust(code);
  ASSERT_TRUE(tokens);
  std::vector<std::string> texts;
  for (const auto& token : *tokens) {
    texts.push_back(code.substr(token.begin, token.end - token.begin));
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"let", "s", "=", "r#\"fn main() { \"#", ";", "'a", ":", "loop", "{", "}"}));
  EXPECT_EQ((*tokens)[3].kind, TokenKind::literal);
  EXPECT_EQ((*tokens)[5].kind, TokenKind::lifetime);
  EXPECT_EQ((*tokens)[8].partner, 9u);
  for (const auto* unbalanced : {"fn f() {", "\"open", "/* open", "}"}) {
    EXPECT_FALSE(lex_rust(unbalanced)) << unbalanced;
  }
}

} // namespace
} // namespace snipcheck::scratch
