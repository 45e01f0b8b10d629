// Fence claims, test mode, output blocks and the ignored inventory, without cargo.
#include "book/markdown_reader.hpp"
#include "check/claims.hpp"
#include "check/inventory.hpp"
#include "check/output_block.hpp"
#include "check/test_mode.hpp"

#include "util/text.hpp"

#include <gtest/gtest.h>

namespace snipcheck::check {
namespace {

MarkdownSettings book_settings()
{
  MarkdownSettings settings;
  settings.claims = {{"does_not_compile", Outcome::compile_fail},
                     {"panics", Outcome::run_fail},
                     {"not_desired_behavior", Outcome::run}};
  settings.output_blocks = {"text", "console"};
  return settings;
}

book::Book markdown(const std::string& text)
{
  return book::parse_markdown_file(text, "book.md");
}

TEST(Claims, AnIgnoredBlockWithAClaimIsCheckedForIt)
{
  const auto book = markdown("# One\n\n```rust,ignore,does_not_compile\nlet x: i32 = \"a\";\n```\n");
  const auto& listing = book.listings.front();
  auto expectation = expectation_for(listing, nullptr, book::Format::markdown);
  EXPECT_EQ(expectation.outcome, Outcome::skip);
  apply_claim(expectation, listing, nullptr, {}, book_settings());
  EXPECT_EQ(expectation.outcome, Outcome::compile_fail);
  EXPECT_EQ(expectation.from, "fence");
  ASSERT_TRUE(expectation.claim);
  EXPECT_EQ(expectation.claim->token, "does_not_compile");
  EXPECT_EQ(expectation.claim->fence, "book.md:3");
}

TEST(Claims, WithoutSettingsNothingChanges)
{
  const auto book = markdown("# One\n\n```rust,ignore,does_not_compile\nlet x = 1;\n```\n");
  auto expectation = expectation_for(book.listings.front(), nullptr, book::Format::markdown);
  apply_claim(expectation, book.listings.front(), nullptr, {}, MarkdownSettings{});
  EXPECT_EQ(expectation.outcome, Outcome::skip);
  EXPECT_FALSE(expectation.claim);
}

TEST(Claims, AnExpectedEntryWithAnOutcomeWins)
{
  const auto book = markdown("# One\n\n```rust,ignore,panics\nlet x = 1;\n```\n");
  Annotation annotation;
  annotation.file = "expected/ch01.toml";
  annotation.expect = Outcome::compile;
  auto expectation = expectation_for(book.listings.front(), &annotation, book::Format::markdown);
  apply_claim(expectation, book.listings.front(), &annotation, {}, book_settings());
  EXPECT_EQ(expectation.outcome, Outcome::compile);
  EXPECT_FALSE(expectation.claim);
}

TEST(Claims, AClaimBeforeIgnoreMakesTheBlockRust)
{
  auto book = markdown("# One\n\n```does_not_compile,ignore\n# fn hidden() {}\nlet x: i32 = \"a\";\n```\n");
  ASSERT_FALSE(book.listings.front().is_rust); // rustdoc's reading
  read_claimed_blocks_as_rust(book, book_settings());
  EXPECT_TRUE(book.listings.front().is_rust);
  EXPECT_TRUE(book.listings.front().lines.front().hidden);
  EXPECT_TRUE(book.listings.front().fence.ignore);
}

TEST(Claims, TheTokenForWhatHappened)
{
  Observed failed;
  failed.build = Observed::Build::failed;
  EXPECT_EQ(token_for(failed, book_settings()), "does_not_compile");
  Observed panicked;
  panicked.build = Observed::Build::compiled;
  panicked.run = RunOutput{{cargo::ExitStatus::Kind::exited, 101, 0}, "", "", false};
  EXPECT_EQ(token_for(panicked, book_settings()), "panics");
  Observed ran;
  ran.build = Observed::Build::compiled;
  ran.run = RunOutput{{cargo::ExitStatus::Kind::exited, 0, 0}, "", "", false};
  EXPECT_EQ(token_for(ran, book_settings()), "");
}

TEST(Claims, ABrokenClaimSaysWhatToDo)
{
  Expectation expectation;
  expectation.outcome = Outcome::compile_fail;
  expectation.claim = FenceClaim{"does_not_compile", "src/ch12.md:40", book_settings().claims};
  Observed compiled;
  compiled.build = Observed::Build::compiled;
  compiled.forms = {"program", "test crate"};
  EXPECT_EQ(explain(verdict::UnexpectedSuccess{}, expectation, compiled),
            "claims does_not_compile (fence at src/ch12.md:40), but it compiles (as a program and as a test "
            "crate); remove `does_not_compile` from the fence (and `ignore`, so rustdoc checks it)");
}

TEST(TestMode, ALibraryIsRecognised)
{
  const auto library = markdown("# One\n\n```rust\npub fn add(a: i32) -> i32 {\n    a\n}\n\n#[cfg(test)]\nmod tests "
                                "{\n    #[test]\n    fn t() {}\n}\n```\n");
  EXPECT_TRUE(looks_like_library(library.listings.front()));
  const auto statements = markdown("# One\n\n```rust\npub fn add(a: i32) -> i32 {\n    a\n}\nlet x = add(1);\n```\n");
  EXPECT_FALSE(looks_like_library(statements.listings.front()));
  const auto program = markdown("# One\n\n```rust\npub fn add() {}\nfn main() {}\n```\n");
  EXPECT_FALSE(looks_like_library(program.listings.front()));
  const auto private_items = markdown("# One\n\n```rust\nfn helper() {}\nstruct S;\n```\n");
  EXPECT_FALSE(looks_like_library(private_items.listings.front()));
}

TEST(TestMode, ALibraryIsBuiltAsOneAndAsATestCrate)
{
  const auto book = markdown("# One\n\n```rust\npub fn add(a: i32) -> i32 {\n    a\n}\n```\n");
  Expectation expectation;
  expectation.outcome = Outcome::run_fail;
  expectation.test_mode = true;
  const auto forms = build_forms(book.listings.front(), expectation);
  ASSERT_EQ(forms.size(), 2U);
  EXPECT_EQ(forms[0].name, "library");
  EXPECT_EQ(forms[0].wrap.crate_type, scratch::CrateType::lib);
  EXPECT_FALSE(forms[0].runs);
  EXPECT_EQ(forms[1].name, "test crate");
  EXPECT_TRUE(forms[1].test_harness);
  EXPECT_EQ(forms[1].wrap.wrap, scratch::WrapMode::none);
  EXPECT_TRUE(forms[1].runs);
  expectation.test_mode = false;
  EXPECT_EQ(build_forms(book.listings.front(), expectation).size(), 1U);
}

// Issue 19 item 9: a rustdoc_include of a library file whose `impl ... where`
// opens its body on a line of its own (rustfmt's style), with `use super::*;`
// in its tests; and private items with a top-level #[test].
TEST(TestMode, ATestCrateIsTheFileAsCargoTestCompilesIt)
{
  Expectation expectation;
  expectation.outcome = Outcome::run_fail;
  expectation.test_mode = true;
  const auto tracker = markdown("# One\n\n```rust\n"
                                "pub trait Messenger {\n    fn send(&self);\n}\n"
                                "pub struct Tracker<T: Messenger> {\n    messenger: T,\n}\n"
                                "impl<T> Tracker<T>\nwhere\n    T: Messenger,\n{\n    pub fn go(&self) {}\n}\n"
                                "#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn t() {}\n}\n```\n");
  EXPECT_TRUE(looks_like_library(tracker.listings.front()));
  const auto forms = build_forms(tracker.listings.front(), expectation);
  ASSERT_EQ(forms.size(), 2U);
  EXPECT_EQ(forms[0].name, "library");
  EXPECT_EQ(forms[1].wrap.wrap, scratch::WrapMode::none);
  // Only items, none public: the program is wrapped as rustdoc wraps it, the test crate is not.
  const auto private_items = markdown("# One\n\n```rust\nfn add(a: i32) -> i32 {\n    a\n}\n#[test]\nfn adds() {\n    "
                                      "assert_eq!(add(1), 2);\n}\n```\n");
  const auto private_forms = build_forms(private_items.listings.front(), expectation);
  ASSERT_EQ(private_forms.size(), 2U);
  EXPECT_EQ(private_forms[0].name, "program");
  EXPECT_EQ(private_forms[1].wrap.wrap, scratch::WrapMode::none);
  // Statements are code for `main`: the test crate wraps them, as rustdoc would.
  const auto statements = markdown("# One\n\n```rust\nlet x = 1;\n#[test]\nfn t() {}\n```\n");
  EXPECT_EQ(build_forms(statements.listings.front(), expectation)[1].wrap.wrap, scratch::WrapMode::main);
  // A block on its own line after a complete item is a statement, not an item's body.
  const auto block = markdown("# One\n\n```rust\nfn f() {}\n{\n    f();\n}\n```\n");
  EXPECT_EQ(build_forms(block.listings.front(), expectation)[1].wrap.wrap, scratch::WrapMode::main);
}

TEST(TestMode, TheFirstFailingFormDecides)
{
  const std::vector<BuildForm> forms{{"library", {}, false, false}, {"test crate", {}, true, true}};
  Observed library;
  library.build = Observed::Build::compiled;
  Observed tests;
  tests.build = Observed::Build::compiled;
  tests.run = RunOutput{{cargo::ExitStatus::Kind::exited, 101, 0},
                        "running 2 tests\ntest tests::a ... ok\ntest tests::b ... FAILED\n",
                        "",
                        false};
  const auto combined = combine_forms(forms, {library, tests});
  EXPECT_EQ(combined.form, "test crate");
  EXPECT_EQ(combined.failing_tests, std::vector<std::string>{"tests::b"});
  EXPECT_EQ(combined.forms, (std::vector<std::string>{"library", "test crate"}));
  Observed broken;
  broken.build = Observed::Build::failed;
  EXPECT_EQ(combine_forms(forms, {broken, tests}).form, "library");
}

TEST(OutputBlocks, TrycmdMatching)
{
  EXPECT_TRUE(output_matches("a\nb\n", "a\nb\n"));
  EXPECT_FALSE(output_matches("a\nb\n", "a\nc\n"));
  EXPECT_TRUE(output_matches("secret: [..]\n", "secret: 42\n"));
  EXPECT_TRUE(output_matches("[..] is [..]!\n", "x is 5!\n"));
  EXPECT_FALSE(output_matches("secret: [..]!\n", "secret: 42\n"));
  EXPECT_TRUE(output_matches("start\n...\nend\n", "start\n1\n2\nend\n"));
  EXPECT_TRUE(output_matches("start\n...\nend\n", "start\nend\n"));
  EXPECT_FALSE(output_matches("start\n...\nend\n", "start\n1\n"));
  EXPECT_TRUE(output_matches("\nx  \n\n", "x\n"));
  EXPECT_TRUE(output_matches("thread 'main' panicked at src/main.rs:4:6:\n",
                             "thread 'main' panicked at src/bin/ch01_1.rs:9:6:\n"));
  EXPECT_TRUE(output_matches("thread 'main' panicked at src/main.rs:4:6:\n",
                             "thread 'main' (81234) panicked at src/bin/ch01_1.rs:9:6:\n"));
}

TEST(OutputBlocks, ABlockRightAfterARunnableListingIsItsOutput)
{
  const std::string text = "# One\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n\n```text\nhi\n```\n\n"
                           "```rust\nfn main() {}\n```\n\nprose\n\n```text\nnot output\n```\n";
  const auto path = std::filesystem::temp_directory_path() / "snipcheck-output-blocks.md";
  text::write_file_atomically(path, text);
  const auto book = book::read_book(path);
  const auto blocks = find_output_blocks(book, book_settings());
  ASSERT_EQ(blocks.size(), 1U);
  const auto& block = blocks.begin()->second;
  EXPECT_EQ(blocks.begin()->first, book.listings[0].id);
  EXPECT_EQ(block.expected, "hi\n");
  EXPECT_EQ(block.first_line, 8);
  std::filesystem::remove(path);
}

TEST(OutputBlocks, ATranscriptKeepsOnlyTheProgramsOutput)
{
  const auto book = markdown("# One\n\n```console\n$ cargo run\n   Compiling x v0.1.0 (/p)\n    Finished `dev` "
                             "profile in 0.2s\n     Running `target/debug/x`\nhello\n```\n");
  const auto block = make_output_block(book.listings.front());
  EXPECT_TRUE(block.transcript);
  EXPECT_EQ(block.expected, "hello\n");
  Observed observed;
  observed.build = Observed::Build::compiled;
  observed.run = RunOutput{{cargo::ExitStatus::Kind::exited, 0, 0}, "bye\n", "", false};
  Expectation expectation;
  expectation.output_block = block;
  const auto verdict = check_output_block(verdict::Pass{}, expectation, observed);
  ASSERT_TRUE(std::holds_alternative<verdict::OutputMismatch>(verdict));
  EXPECT_EQ(std::get<verdict::OutputMismatch>(verdict).where, "book.md:4-8");
  EXPECT_NE(corrected_output_block(block, observed).find("     Running `target/debug/x`\nbye\n```"), std::string::npos);
}

TEST(Inventory, WhatAnIgnoredBlockDoesToday)
{
  Observed needs_crate;
  needs_crate.build = Observed::Build::failed;
  Diagnostic unresolved;
  unresolved.level = "error";
  unresolved.code = "E0432";
  unresolved.message = "unresolved import `rand`";
  needs_crate.diagnostics.push_back(unresolved);
  EXPECT_EQ(describe_ignored(needs_crate).state, "needs-crate");
  Diagnostic other;
  other.level = "error";
  other.code = "E0308";
  other.message = "mismatched types";
  needs_crate.diagnostics.push_back(other);
  const auto fails = describe_ignored(needs_crate);
  EXPECT_EQ(fails.state, "fails");
  EXPECT_EQ(fails.summary, "fails with [E0308, E0432]");
}

} // namespace
} // namespace snipcheck::check
