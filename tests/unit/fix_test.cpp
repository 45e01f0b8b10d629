// `snipcheck fix`'s pure parts: rustc's machine-applicable suggestions read
// from cargo's messages, applied as rustfix applies them, and written back
// into the book's block (tests/data/cargo-clippy-suggestions.jsonl is clippy's
// real output on tests/data/fix/main.rs, edition 2021, rust_2024_compatibility on).
#include "book/markdown_reader.hpp"
#include "cargo/cargo.hpp"
#include "fix/fix.hpp"
#include "test_support.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

namespace snipcheck::fixing {
namespace {

namespace fs = std::filesystem;

std::vector<cargo::CompilerMessage> suggestion_messages()
{
  return cargo::parse_cargo_messages(
             text::read_file(testing::source_dir() / "tests" / "data" / "cargo-clippy-suggestions.jsonl"))
      .messages;
}

// The file as one listing, line for line, and the suggestions as its fixes.
book::Listing listing_of(const std::string& code)
{
  book::Listing listing;
  listing.id = "l";
  listing.files = {"main.rs"};
  int line = 0;
  for (auto& text : text::split_lines(code)) {
    listing.lines.push_back({std::move(text), ++line, 0, false});
  }
  return listing;
}

std::vector<check::CodeFix> as_fixes(const std::vector<cargo::CompilerMessage>& messages)
{
  std::vector<check::CodeFix> fixes;
  for (const auto& message : messages) {
    for (const auto& suggestion : message.suggestions) {
      check::CodeFix fix{suggestion.message, {}};
      for (const auto& edit : suggestion.edits) {
        fix.edits.push_back({edit.line_start, edit.column_start, edit.line_end, edit.column_end, edit.replacement});
      }
      fixes.push_back(std::move(fix));
    }
  }
  return fixes;
}

std::string code_of(const FixedCode& fixed)
{
  std::string code;
  for (const auto& line : fixed.lines) {
    code += (line.hidden ? "H:" : "") + line.text + "\n";
  }
  return code;
}

TEST(FixSuggestions, MachineApplicableSuggestionsAreReadWithEveryEditOfEach)
{
  const auto messages = suggestion_messages();
  std::map<std::string, std::vector<cargo::Suggestion>> by_code;
  for (const auto& message : messages) {
    if (!message.suggestions.empty()) {
      by_code[message.code] = message.suggestions;
    }
  }
  ASSERT_EQ(by_code.count("clippy::needless_return"), 1u);
  ASSERT_EQ(by_code["clippy::needless_return"].size(), 1u);
  EXPECT_EQ(by_code["clippy::needless_return"][0].edits.size(), 2u); // the line break and `return`, then `;`
  ASSERT_EQ(by_code.count("missing_unsafe_on_extern"), 1u);
  const auto& insertion = by_code["missing_unsafe_on_extern"][0].edits.at(0);
  EXPECT_EQ(insertion.replacement, "unsafe ");
  EXPECT_EQ(insertion.line_start, 2);
  EXPECT_EQ(insertion.column_start, insertion.column_end);
  EXPECT_EQ(by_code.count("keyword_idents_2024"), 1u);
}

TEST(FixApply, AppliesEverySuggestionAsRustfixWould)
{
  const auto listing = listing_of(text::read_file(testing::source_dir() / "tests" / "data" / "fix" / "main.rs"));
  const auto fixed = apply_fixes(listing, as_fixes(suggestion_messages()));
  EXPECT_TRUE(fixed.left_out.empty()) << fixed.left_out.front();
  EXPECT_EQ(fixed.applied.size(), 5u);
  EXPECT_EQ(code_of(fixed), "#![allow(unused)]\n"
                            "unsafe extern \"C\" {\n"
                            "    fn abs(x: i32) -> i32;\n"
                            "}\n"
                            "static mut COUNTER: u32 = 0;\n"
                            "fn main() {\n"
                            "    let mut x = 5;\n"
                            "    let v: Vec<i32> = vec![1, 2];\n"
                            // rustc's span for the `else` leaves the space before it, as rustfix does
                            "    if let Some(y) = v.first() { println!(\"{}\", y); } \n"
                            "    unsafe { COUNTER += 1; }\n"
                            "    let r#gen = 1;\n"
                            "    let r#gen = 2;\n"
                            "}\n");
  // Lines no fix touched are kept as they are, by index.
  EXPECT_EQ(fixed.lines.at(2).kept, 2);
  EXPECT_EQ(fixed.lines.at(1).kept, -1);
}

TEST(FixApply, OverlappingFixIsLeftOutAndTheSameFixTwiceAppliedOnce)
{
  const auto listing = listing_of("let x = foo(1);\n");
  const check::CodeFix first{"call bar", {{1, 9, 1, 12, "bar"}}};
  const check::CodeFix overlapping{"call baz(2)", {{1, 9, 1, 15, "baz(2)"}}};
  const auto fixed = apply_fixes(listing, {first, first, overlapping});
  EXPECT_EQ(code_of(fixed), "let x = bar(1);\n");
  ASSERT_EQ(fixed.left_out.size(), 1u);
  EXPECT_NE(fixed.left_out[0].find("overlaps"), std::string::npos);
}

TEST(FixApply, ColumnsCountCharactersNotBytes)
{
  const auto listing = listing_of("let s = \"é\"; let gen = 1;\n");
  // `gen` is at characters 18-21; in bytes it starts one later (é is two bytes).
  const auto fixed = apply_fixes(listing, {{"raw identifier", {{1, 18, 1, 21, "r#gen"}}}});
  EXPECT_EQ(code_of(fixed), "let s = \"é\"; let r#gen = 1;\n");
}

TEST(FixApply, HiddenLinesAreEditedOnlyByAFixInsideThem)
{
  const auto book = book::parse_markdown_file("```rust\n# let gen = 1;\nlet x = gen\n    + 1;\n```\n", "book.md");
  const auto& listing = book.listings.at(0);
  ASSERT_TRUE(listing.lines.at(0).hidden);
  const check::CodeFix inside_hidden{"raw identifier", {{1, 5, 1, 8, "r#gen"}}};
  const check::CodeFix across{"join", {{1, 13, 2, 1, ""}}};
  const auto fixed = apply_fixes(listing, {inside_hidden, across});
  EXPECT_EQ(code_of(fixed), "H:let r#gen = 1;\nlet x = gen\n    + 1;\n");
  ASSERT_EQ(fixed.left_out.size(), 1u);
  EXPECT_NE(fixed.left_out[0].find("hidden and shown"), std::string::npos);
}

TEST(FixApply, FixOutsideTheListingIsLeftOut)
{
  const auto listing = listing_of("let x = 1;\n");
  const auto fixed = apply_fixes(listing, {{"elsewhere", {{3, 1, 3, 2, ""}}}, {"past the end", {{1, 40, 1, 41, ""}}}});
  EXPECT_FALSE(fixed.changed());
  EXPECT_EQ(fixed.left_out.size(), 2u);
}

TEST(FixApply, LinesWithANumberGutterAreEditedInPlaceOrNotAtAll)
{
  const auto file = formatting::split_file("```\n\n 9 let gen = 1;\n10 let y = gen;\n```\n");
  book::Listing listing;
  listing.files = {"book.txt"};
  listing.lines = {{"", 2, 0, false}, {"let gen = 1;", 3, 0, false}, {"let y = gen;", 4, 0, false}};
  const auto in_place = apply_fixes(listing, {{"raw", {{2, 5, 2, 8, "r#gen"}}}, {"raw", {{3, 9, 3, 12, "r#gen"}}}});
  int first_line = 0;
  const auto block = fixed_lines_in_place(listing, in_place, file, first_line);
  ASSERT_EQ(block.refusal, "");
  EXPECT_EQ(first_line, 2);
  EXPECT_EQ(block.after, (std::vector<std::string>{"", " 9 let r#gen = 1;", "10 let y = r#gen;"}));
  // Joining two lines would renumber the gutter: refused.
  const auto joined = apply_fixes(listing, {{"join", {{2, 13, 3, 1, " "}}}});
  EXPECT_NE(fixed_lines_in_place(listing, joined, file, first_line).refusal, "");
}

class FixBook : public ::testing::Test
{
protected:
  fs::path folder = fs::temp_directory_path() / ("snipcheck-fix-test-" + std::to_string(::getpid()));
  void SetUp() override { fs::create_directories(folder); }
  void TearDown() override { fs::remove_all(folder); }
};

TEST_F(FixBook, OnlyTheEditedCodeLinesChangeInAQuotedCrlfBlock)
{
  const auto path = folder / "chapter.md";
  const std::string content = "Prose\twith a tab.\r\n\r\n"
                              "> ```rust\r\n"
                              "> # fn main() {\r\n"
                              "> let gen = 1;\r\n"
                              ">\r\n"
                              "> ##[derive(Debug)] struct S;\r\n"
                              "> # }\r\n"
                              "> ```\r\n"
                              "\r\nMore prose, no newline at the end";
  {
    std::ofstream(path, std::ios::binary) << content;
  }
  const auto book = book::parse_markdown_file(content, path);
  const auto& listing = book.listings.at(0);
  ASSERT_EQ(listing.lines.at(1).text, "let gen = 1;");
  FixSettings settings;
  settings.markdown = true;
  settings.write_roots = {fs::canonical(folder)};
  const auto results = plan_fixes({{&listing, {{"raw identifier", {{2, 5, 2, 8, "r#gen"}}}}, {}}}, settings);
  ASSERT_EQ(results.size(), 1u);
  ASSERT_EQ(results[0].status, FixStatus::fixed) << results[0].reason;
  ASSERT_TRUE(results[0].fixed_listing.has_value());
  EXPECT_EQ(results[0].fixed_listing->lines.at(1).text, "let r#gen = 1;");
  write_fixes(results);
  auto expected = content;
  expected.replace(expected.find("> let gen"), std::string("> let gen").size(), "> let r#gen");
  EXPECT_EQ(text::read_file(path), expected);
}

TEST_F(FixBook, ListingOutsideTheProjectIsNotFixed)
{
  const auto path = folder / "chapter.md";
  const std::string content = "```rust\nlet gen = 1;\n```\n";
  {
    std::ofstream(path) << content;
  }
  const auto book = book::parse_markdown_file(content, path);
  FixSettings settings;
  settings.markdown = true;
  settings.write_roots = {fs::canonical(folder) / "elsewhere"};
  const auto results =
      plan_fixes({{&book.listings.at(0), {{"raw identifier", {{1, 5, 1, 8, "r#gen"}}}}, {}}}, settings);
  EXPECT_EQ(results.at(0).status, FixStatus::not_fixed);
  EXPECT_EQ(text::read_file(path), content);
}

} // namespace
} // namespace snipcheck::fixing
