#include "book/markdown_reader.hpp"
#include "book/mdbook_include.hpp"
#include "book/mdbook_reader.hpp"
#include "book/mdbook_summary.hpp"
#include "book/rustdoc_rules.hpp"
#include "test_support.hpp"
#include "util/errors.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <unistd.h>

namespace snipcheck::book {
namespace {

namespace fs = std::filesystem;

// ---- LangString: the table of docs/rustdoc-rules.md and rustdoc 1.95 probes

struct LangCase
{
  const char* info;
  bool is_rust;
  bool ignore = false;
  bool no_run = false;
  bool compile_fail = false;
  bool should_panic = false;
};

class LangStringTable : public ::testing::TestWithParam<LangCase>
{
};

TEST_P(LangStringTable, MatchesRustdoc)
{
  const auto& c = GetParam();
  const auto lang = parse_lang_string(c.info, "x86_64-unknown-linux-gnu");
  EXPECT_EQ(lang.is_rust, c.is_rust) << c.info;
  if (c.is_rust) {
    EXPECT_EQ(lang.attributes.ignore, c.ignore) << c.info;
    EXPECT_EQ(lang.attributes.no_run, c.no_run) << c.info;
    EXPECT_EQ(lang.attributes.compile_fail, c.compile_fail) << c.info;
    EXPECT_EQ(lang.attributes.should_panic, c.should_panic) << c.info;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rustdoc, LangStringTable,
    ::testing::Values(
        LangCase{"", true}, LangCase{"rust", true}, LangCase{"rust,editable", true}, LangCase{"editable,rust", true},
        LangCase{"rust,ignore,editable", true, true}, LangCase{"ignore,editable", true, true},
        LangCase{"rust,editable,ignore", false}, LangCase{"editable,ignore", false}, LangCase{"text", false},
        LangCase{"console", false}, LangCase{"Rust", false}, LangCase{"rs", false}, LangCase{"rust2021", false},
        LangCase{"rust2021,rust", true}, LangCase{"custom", false}, LangCase{"rust,custom", false},
        LangCase{"custom,rust", false}, LangCase{".rust", false}, LangCase{"rust,.foo", false},
        LangCase{"rust }", false}, LangCase{"rust {", false}, LangCase{"rust,\xC3\xA9", false},
        LangCase{"{#id}", false}, LangCase{"{.python}", true}, LangCase{"text{.a}", true},
        LangCase{"{.a},ignore", true, true}, LangCase{"x,{.a},ignore", false}, LangCase{"rust {x=y}", true},
        LangCase{"rust {x=\"y z\"}", true}, LangCase{"rust;", false}, LangCase{"rust,c++", true},
        LangCase{"rust,\"x\"", true}, LangCase{"rust,(a comment)", true}, LangCase{"E0106", false},
        LangCase{"E0106,compile_fail", false}, LangCase{"compile_fail,E0106", true, false, true, true},
        LangCase{"compile_fail,x", true, false, true, true}, LangCase{"x,compile_fail", false},
        LangCase{"x,rust,compile_fail", true, false, true, true},
        LangCase{"should_panic,x", true, false, false, false, true}, LangCase{"x,should_panic", false},
        LangCase{"no_run,x", true, false, true}, LangCase{"x,no_run", false}, LangCase{"test_harness", true},
        LangCase{"x,test_harness", false}, LangCase{"standalone_crate", true}, LangCase{"x,standalone_crate", false},
        LangCase{"edition2021", true}, LangCase{"x,edition2021", false}, LangCase{"rust ignore", true, true},
        LangCase{"rust\tignore", true, true}, LangCase{" rust ", true}, LangCase{"ignore,rust", true, true},
        LangCase{"ignore-x86_64", true, true}, LangCase{"ignore-foo", true, false},
        LangCase{"ignore,ignore-foo", true, false}, LangCase{"ignore-foo,ignore", true, false},
        LangCase{"x,ignore-x86", false}, LangCase{"rust,ignore-", true, true}));

TEST(LangString, ReadsEditionsCodesAndHarness)
{
  auto lang = parse_lang_string("rust,edition2018");
  EXPECT_EQ(lang.attributes.edition, "2018");
  EXPECT_FALSE(parse_lang_string("rust,editionfoo").attributes.edition);
  EXPECT_TRUE(parse_lang_string("rust,editionfoo").is_rust);
  lang = parse_lang_string("compile_fail,E0106,E0499");
  EXPECT_EQ(lang.attributes.error_codes, (std::vector<std::string>{"E0106", "E0499"}));
  EXPECT_TRUE(lang.attributes.no_run); // compile_fail implies no_run
  EXPECT_TRUE(parse_lang_string("test_harness").attributes.test_harness);
  EXPECT_TRUE(parse_lang_string("standalone_crate").standalone_crate);
  EXPECT_EQ(parse_lang_string("rust,editable,foo").unknown, (std::vector<std::string>{"editable", "foo"}));
}

TEST(LangString, TakesSnipchecksIdInBothSpellings)
{
  auto lang = parse_lang_string("rust,id=longest");
  EXPECT_TRUE(lang.is_rust); // snipcheck's own token; rustdoc rejects `=` (README: differences)
  EXPECT_EQ(lang.id, "longest");
  lang = parse_lang_string("rust {id=ch02-longest}");
  EXPECT_TRUE(lang.is_rust);
  EXPECT_EQ(lang.id, "ch02-longest");
  lang = parse_lang_string("rust,compile_fail,id=x");
  EXPECT_TRUE(lang.attributes.compile_fail);
}

// ---- hidden lines

TEST(HiddenLines, FollowRustdoc)
{
  EXPECT_TRUE(map_code_line("# let x = 1;").hidden);
  EXPECT_EQ(map_code_line("# let x = 1;").text, "let x = 1;");
  EXPECT_TRUE(map_code_line("    # let y = 2;").hidden);
  EXPECT_EQ(map_code_line("    # let y = 2;").text, "let y = 2;");
  EXPECT_TRUE(map_code_line("#").hidden);
  EXPECT_EQ(map_code_line("#").text, "");
  EXPECT_TRUE(map_code_line("  #  ").hidden);
  EXPECT_FALSE(map_code_line("##[derive(Debug)]").hidden);
  EXPECT_EQ(map_code_line("##[derive(Debug)]").text, "#[derive(Debug)]");
  EXPECT_EQ(map_code_line("  ## x").text, "  # x");
  EXPECT_FALSE(map_code_line("#[derive(Debug)]").hidden);
  EXPECT_FALSE(map_code_line("#![allow(unused)]").hidden);
  EXPECT_FALSE(map_code_line("#let x = 1;").hidden);
  EXPECT_FALSE(map_code_line("let x = 1; # not hidden").hidden);
}

// ---- code blocks in a Markdown file

std::vector<std::string> texts(const Listing& listing)
{
  std::vector<std::string> result;
  for (const auto& line : listing.lines) {
    result.push_back(line.text);
  }
  return result;
}

std::vector<int> source_lines(const Listing& listing)
{
  std::vector<int> result;
  for (const auto& line : listing.lines) {
    result.push_back(line.source_line);
  }
  return result;
}

TEST(MarkdownFile, FindsFencedIndentedAndNestedBlocksAtTheirLines)
{
  const auto book = parse_markdown_file("# Title\n"           // 1
                                        "\n"                  // 2
                                        "    let a = 1;\n"    // 3 indented
                                        "    let b = a;\n"    // 4
                                        "\n"                  // 5
                                        "- item\n"            // 6
                                        "\n"                  // 7
                                        "  ```rust\n"         // 8
                                        "  let c = 2;\n"      // 9
                                        "\n"                  // 10
                                        "    let d = 3;\n"    // 11
                                        "  ```\n"             // 12
                                        "\n"                  // 13
                                        "> ```should_panic\n" // 14
                                        "> panic!();\n"       // 15
                                        "> ```\n"             // 16
                                        "\n"                  // 17
                                        "~~~text\n"           // 18
                                        "output\n"            // 19
                                        "~~~\n"               // 20
                                        "```\n"               // 21
                                        "```\n",              // 22
                                        "book.md");
  EXPECT_EQ(book.format, Format::markdown);
  ASSERT_EQ(book.listings.size(), 5u);
  const auto& indented = book.listings[0];
  EXPECT_EQ(indented.fence_line, 3); // rustdoc names an indented block by its first line
  EXPECT_EQ(texts(indented), (std::vector<std::string>{"let a = 1;", "let b = a;"}));
  EXPECT_EQ(source_lines(indented), (std::vector<int>{3, 4}));
  const auto& listed = book.listings[1];
  EXPECT_EQ(listed.fence_line, 8);
  EXPECT_EQ(texts(listed), (std::vector<std::string>{"let c = 2;", "", "  let d = 3;"}));
  EXPECT_EQ(source_lines(listed), (std::vector<int>{9, 10, 11}));
  EXPECT_EQ(listed.info, "rust");
  const auto& quoted = book.listings[2];
  EXPECT_EQ(quoted.fence_line, 14);
  EXPECT_TRUE(quoted.fence.should_panic);
  EXPECT_EQ(texts(quoted), (std::vector<std::string>{"panic!();"}));
  EXPECT_EQ(source_lines(quoted), (std::vector<int>{15}));
  EXPECT_FALSE(book.listings[3].is_rust);
  EXPECT_EQ(book.listings[3].fence_line, 18);
  EXPECT_TRUE(book.listings[4].is_rust);
  EXPECT_EQ(book.listings[4].fence_line, 21);
  EXPECT_TRUE(book.listings[4].lines.empty());
}

TEST(MarkdownFile, MarksHiddenLinesInRustBlocksOnly)
{
  const auto book = parse_markdown_file("```rust\n# fn main() {\nlet x = 1;\n##[derive(Debug)]\n# }\n```\n"
                                        "```text\n# a heading in output\n```\n",
                                        "book.md");
  ASSERT_EQ(book.listings.size(), 2u);
  const auto& rust = book.listings[0];
  EXPECT_EQ(texts(rust), (std::vector<std::string>{"fn main() {", "let x = 1;", "#[derive(Debug)]", "}"}));
  EXPECT_TRUE(rust.lines[0].hidden);
  EXPECT_FALSE(rust.lines[1].hidden);
  EXPECT_FALSE(rust.lines[2].hidden);
  EXPECT_TRUE(rust.lines[3].hidden);
  EXPECT_EQ(rust.visible_text(), "let x = 1;\n#[derive(Debug)]\n");
  EXPECT_EQ(rust.first_line(), 3);
  EXPECT_EQ(book.listings[1].lines[0].text, "# a heading in output");
  EXPECT_FALSE(book.listings[1].lines[0].hidden);
}

TEST(MarkdownFile, NumbersChaptersAndSectionsFromHeadings)
{
  const auto book = parse_markdown_file("```rust\nlet before_any_heading = 0;\n```\n"
                                        "# Introduction\n```rust\n```\n"
                                        "## First\n```rust\n```\n```rust\n```\n"
                                        "### Deeper\n```rust\n```\n"
                                        "## Second\n```rust\n```\n"
                                        "# Chapter 5: Lifetimes\n"
                                        "## 5.3 Elision\n```rust\n```\n"
                                        "### Next\n```rust\n```\n"
                                        "## 4.1 Another chapter's number\n```rust\n```\n"
                                        "# 7. Traits\n```rust,id=traits-intro\n```\n"
                                        "# Unnumbered\n```rust\n```\n",
                                        "book.md");
  std::vector<std::string> ids;
  for (const auto& listing : book.listings) {
    ids.push_back(listing.id);
  }
  EXPECT_EQ(ids,
            (std::vector<std::string>{"ch00/0-1", "ch01/1-1", "ch01/1.1-1", "ch01/1.1-2", "ch01/1.1.1-1", "ch01/1.2-1",
                                      "ch05/5.3-1", "ch05/5.3.1-1", "ch05/5.4-1", "traits-intro", "ch08/8-1"}));
  EXPECT_EQ(book.listings[9].chapter, 7);
  EXPECT_EQ(book.listings[9].section, "7");
}

TEST(MarkdownFile, AnUnclosedFenceIsItsListingsProblemAndDuplicateIdsAreRejected)
{
  // As CommonMark reads it: the block runs to the end of the document, and the listings before it stand.
  const auto book = parse_markdown_file("# T\n\n```rust\nfn a() {}\n```\n\n```rust\nlet x = 1;\n\nprose\n", "book.md");
  ASSERT_EQ(book.listings.size(), 2u);
  EXPECT_TRUE(book.listings[0].problems.empty());
  ASSERT_EQ(book.listings[1].problems.size(), 1u);
  EXPECT_EQ(book.listings[1].problems.front().line, 7);
  EXPECT_NE(book.listings[1].problems.front().message.find("never closed"), std::string::npos);
  EXPECT_EQ(book.listings[1].last_line(), 10);
  EXPECT_TRUE(book.problems.empty());
  try {
    parse_markdown_file("```rust,id=a\n```\n\n```rust {id=a}\n```\n", "book.md");
    FAIL() << "a duplicate id was accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(error.problems().front().line, 4);
  }
}

TEST(MarkdownFile, RejectsBinaryAndInvalidUtf8)
{
  EXPECT_THROW(parse_markdown_file(std::string("a\0b", 3), "book.md"), InputError);
  EXPECT_THROW(parse_markdown_file("```\n\xff\n```\n", "book.md"), InputError);
}

// ---- mdBook links

class Includes : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_dir = fs::temp_directory_path() / ("snipcheck-include-" + std::to_string(::getpid()));
    fs::create_directories(m_dir / "code");
    write("code/x.rs",
          "fn main() {\n    // ANCHOR: body\n    let a = 1;\n    // ANCHOR_END: body\n    println!(\"{a}\");\n}\n");
    write("code/inner.md", "before\n{{#include x.rs:3}}\nafter\n");
  }
  void TearDown() override { fs::remove_all(m_dir); }

  void write(const std::string& name, const std::string& text) const { std::ofstream(m_dir / name) << text; }

  ExpandedText expand(const std::string& chapter) const
  {
    write("chapter.md", chapter);
    return expand_mdbook_links(chapter, m_dir / "chapter.md");
  }

  static std::vector<std::string> texts(const ExpandedText& expanded)
  {
    std::vector<std::string> result;
    for (const auto& line : expanded.lines) {
      result.push_back(line.text);
    }
    return result;
  }

  fs::path m_dir;
};

TEST_F(Includes, TakesAnchorsAndRangesAsMdbookDoes)
{
  EXPECT_EQ(texts(expand("{{#include code/x.rs:body}}\n")), (std::vector<std::string>{"    let a = 1;"}));
  EXPECT_EQ(texts(expand("{{#include code/x.rs:3}}\n")), (std::vector<std::string>{"    let a = 1;"}));
  EXPECT_EQ(texts(expand("{{#include code/x.rs:5:6}}\n")), (std::vector<std::string>{"    println!(\"{a}\");", "}"}));
  EXPECT_EQ(texts(expand("{{#include code/x.rs::1}}\n")), (std::vector<std::string>{"fn main() {"}));
  EXPECT_EQ(texts(expand("{{#include code/x.rs:5:}}\n")), (std::vector<std::string>{"    println!(\"{a}\");", "}"}));
  // The whole file, anchor marker lines removed.
  EXPECT_EQ(texts(expand("{{ #include   code/x.rs }}\n")),
            (std::vector<std::string>{"fn main() {", "    let a = 1;", "    println!(\"{a}\");", "}"}));
  EXPECT_EQ(texts(expand("\\{{#include code/x.rs}}\n")), (std::vector<std::string>{"{{#include code/x.rs}}"}));
  EXPECT_EQ(texts(expand("{{#unknown code/x.rs}}\n")), (std::vector<std::string>{"{{#unknown code/x.rs}}"}));
}

TEST_F(Includes, RustdocIncludeHidesTheRestAtTheRealLines)
{
  const auto expanded = expand("```rust\n{{#rustdoc_include code/x.rs:body}}\n```\n");
  EXPECT_EQ(texts(expanded), (std::vector<std::string>{"```rust", "# fn main() {", "    let a = 1;",
                                                       "#     println!(\"{a}\");", "# }", "```"}));
  ASSERT_EQ(expanded.files.size(), 2u);
  EXPECT_EQ(expanded.files[1].filename(), "x.rs");
  EXPECT_EQ(expanded.lines[0].file_index, 0);
  EXPECT_EQ(expanded.lines[1].file_index, 1);
  EXPECT_EQ(expanded.lines[1].line, 1);
  EXPECT_EQ(expanded.lines[2].line, 3);
  EXPECT_EQ(expanded.lines[3].line, 5);
  EXPECT_EQ(expanded.lines[5].file_index, 0);
  EXPECT_EQ(expanded.lines[5].line, 3);
  EXPECT_EQ(texts(expand("{{#rustdoc_include code/x.rs:3:3}}\n")).at(1), "    let a = 1;");
}

TEST_F(Includes, NestRelativeToTheIncludingFile)
{
  const auto expanded = expand("{{#include code/inner.md}}\n");
  EXPECT_EQ(texts(expanded), (std::vector<std::string>{"before", "    let a = 1;", "after"}));
  EXPECT_EQ(expanded.files[expanded.lines[1].file_index].filename(), "x.rs");
  EXPECT_EQ(expanded.files[expanded.lines[2].file_index].filename(), "inner.md");
  EXPECT_EQ(expanded.lines[2].line, 3);
}

TEST_F(Includes, MissingFileAnchorOrCycleIsAProblemAtTheLinkAndExpandsToNothing)
{
  for (const auto* chapter :
       {"text\n{{#include code/missing.rs}}\nafter\n", "text\n{{#include code/x.rs:nowhere}}\nafter\n",
        "text\n{{#rustdoc_include code/x.rs:nowhere}}\nafter\n", "text\n{{#include chapter.md}}\nafter\n"}) {
    const auto expanded = expand(chapter);
    ASSERT_FALSE(expanded.problems.empty()) << chapter;
    EXPECT_EQ(expanded.problems.front().line, 2) << chapter;
    EXPECT_EQ(expanded.problems.front().file.filename(), "chapter.md") << chapter;
    // The rest of the chapter is still there, as mdBook leaves it.
    EXPECT_EQ(texts(expanded).back(), "after") << chapter;
  }
}

TEST_F(Includes, MissingAnchorIsTheResultOfTheListingHoldingItAndTheBookIsStillRead)
{
  fs::create_directories(m_dir / "book/src");
  write("book/book.toml", "[book]\ntitle = \"t\"\n");
  write("book/src/SUMMARY.md", "- [One](one.md)\n");
  write("book/src/x.rs", "// ANCHOR: here\nfn main() {}\n// ANCHOR_END: here\n");
  write("book/src/one.md", "# One\n\n```rust\n{{#include x.rs:here}}\n```\n\n```rust\n{{#include x.rs:gone}}\n```\n\n"
                           "Prose {{#include nothing.md}} here.\n\n```rust\nfn main() {}\n```\n");
  const auto book = read_mdbook(m_dir / "book");
  ASSERT_EQ(book.listings.size(), 3u);
  EXPECT_TRUE(book.listings[0].problems.empty());
  ASSERT_EQ(book.listings[1].problems.size(), 1u);
  EXPECT_EQ(book.listings[1].problems[0].line, 8);
  EXPECT_EQ(book.listings[1].problems[0].file.filename(), "one.md");
  EXPECT_NE(book.listings[1].problems[0].message.find("anchor `gone` not found"), std::string::npos);
  EXPECT_TRUE(book.listings[2].problems.empty());
  ASSERT_EQ(book.problems.size(), 1u); // the include in prose belongs to no listing
  EXPECT_EQ(book.problems[0].line, 11);
}

TEST(MarkdownReader, ByteOrderMarkDoesNotHideTheFirstHeading)
{
  const auto book = parse_markdown_file("\xEF\xBB\xBF# 3 Ownership\n\n```rust\nfn main() {}\n```\n", "book.md");
  ASSERT_EQ(book.listings.size(), 1u);
  EXPECT_EQ(book.listings[0].id, "ch03/3-1");
  EXPECT_EQ(book.listings[0].chapter_title, "3 Ownership");
  EXPECT_EQ(book.listings[0].fence_line, 3);
}

// ---- SUMMARY.md and the corpus mdBook

TEST(Summary, NumbersChaptersAsMdbook)
{
  const auto entries = parse_summary("# Summary\n\n[Intro](intro.md)\n\n# Part\n\n- [One](one.md)\n"
                                     "    - [One.One](one/one.md)\n    - [Draft]()\n- [Two](two.md)\n"
                                     "\n---\n\n[Appendix](appendix.md)\n");
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_TRUE(entries[0].number.empty());
  EXPECT_EQ(entries[0].line, 3);
  EXPECT_EQ(entries[1].number, (std::vector<int>{1}));
  EXPECT_EQ(entries[2].number, (std::vector<int>{1, 1}));
  EXPECT_EQ(entries[2].path, "one/one.md");
  EXPECT_EQ(entries[3].path, "");
  EXPECT_EQ(entries[3].number, (std::vector<int>{1, 2}));
  EXPECT_EQ(entries[4].number, (std::vector<int>{2}));
  EXPECT_TRUE(entries[5].number.empty());
  EXPECT_EQ(entries[5].title, "Appendix");
}

TEST(Mdbook, ReadsTheCorpusBookInSummaryOrder)
{
  const auto folder = testing::source_dir() / "tests/corpus/mdbook";
  const auto book = read_mdbook(folder);
  EXPECT_EQ(book.format, Format::markdown);
  EXPECT_EQ(book.edition, "2021");
  std::vector<std::string> ids;
  for (const auto& listing : book.listings) {
    ids.push_back(listing.id);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"ch00/0-1", "ch01/1-1", "ch01/1.1-1", "ch01/1.1-2", "ch01/1.1.1-1",
                                           "ch01/1.1.1-2", "ch02/2.3-1", "ch02/2.4-1", "ch02/2.4-2", "ch00/0-2"}));
  // {{#include hello.rs:greet}}: the anchored lines, at hello.rs's own lines.
  const auto& greet = book.listings[1];
  EXPECT_EQ(greet.files.size(), 2u);
  EXPECT_EQ(greet.files[0].filename(), "ch01-getting-started.md");
  EXPECT_EQ(greet.files[1].filename(), "hello.rs");
  EXPECT_EQ(greet.fence_line, 3);
  ASSERT_EQ(greet.lines.size(), 2u);
  EXPECT_EQ(greet.lines[0].file_index, 1);
  EXPECT_EQ(greet.lines[0].source_line, 3);
  EXPECT_EQ(greet.lines[1].source_line, 4);
  // {{#rustdoc_include}}: the rest of the file compiled as hidden lines.
  const auto& hidden = book.listings[2];
  ASSERT_EQ(hidden.lines.size(), 5u);
  EXPECT_TRUE(hidden.lines[0].hidden);
  EXPECT_EQ(hidden.lines[0].text, "fn main() {");
  EXPECT_FALSE(hidden.lines[1].hidden);
  EXPECT_TRUE(hidden.lines[4].hidden);
  EXPECT_EQ(hidden.lines[4].source_line, 7);
  EXPECT_FALSE(book.listings[3].is_rust);
  EXPECT_TRUE(book.listings[4].fence.ignore);
  // A nested chapter numbered 1.1 by SUMMARY.md.
  EXPECT_EQ(book.listings[5].files[0].filename(), "ch01-01-hello.md");
  // compile_fail with a code, the last line included by number from another file.
  const auto& borrow = book.listings[6];
  EXPECT_TRUE(borrow.fence.compile_fail);
  EXPECT_EQ(borrow.fence.error_codes, (std::vector<std::string>{"E0499"}));
  EXPECT_EQ(borrow.lines.back().text, "println!(\"{a} {b}\");");
  EXPECT_EQ(borrow.files[borrow.lines.back().file_index].filename(), "use_both.rs");
  EXPECT_EQ(borrow.lines.back().source_line, 2);
  // A fence that itself comes from an included Markdown file.
  EXPECT_EQ(book.listings[7].files[0].filename(), "nested.md");
  EXPECT_EQ(book.listings[7].fence_line, 1);
}

TEST(Mdbook, DefaultsTo2015AndReadsMissingChaptersAsMdbookCreatesThem)
{
  const auto dir = fs::temp_directory_path() / ("snipcheck-mdbook-" + std::to_string(::getpid()));
  fs::create_directories(dir / "src");
  std::ofstream(dir / "book.toml") << "[book]\ntitle = \"t\"\n";
  std::ofstream(dir / "src" / "SUMMARY.md") << "# Summary\n\n- [One](one.md)\n";
  std::ofstream(dir / "src" / "one.md") << "# One\n\n```rust\n```\n";
  EXPECT_EQ(read_mdbook(dir).edition, "2015");
  // A missing chapter is empty, as mdBook creates it ([build] create-missing): a notice for each.
  std::ofstream(dir / "src" / "SUMMARY.md") << "# Summary\n\n- [One](one.md)\n- [Two](two.md)\n- [Six](six.md)\n";
  const auto created = read_mdbook(dir);
  EXPECT_EQ(created.listings.size(), 1u);
  ASSERT_EQ(created.notices.size(), 2u);
  EXPECT_EQ(created.notices[0].file.filename(), "SUMMARY.md");
  EXPECT_EQ(created.notices[0].line, 4);
  EXPECT_EQ(created.notices[1].line, 5);
  EXPECT_FALSE(fs::exists(dir / "src" / "two.md"));
  std::ofstream(dir / "book.toml") << "[book]\ntitle = \"t\"\n[build]\ncreate-missing = false\n";
  try {
    read_mdbook(dir);
    FAIL() << "a missing chapter was accepted with create-missing = false";
  } catch (const InputError& error) {
    ASSERT_EQ(error.problems().size(), 2u); // every missing file, not only the first
    EXPECT_EQ(error.problems().front().file.filename(), "SUMMARY.md");
    EXPECT_EQ(error.problems().front().line, 4);
    EXPECT_EQ(error.problems().back().line, 5);
  }
  std::ofstream(dir / "book.toml") << "[book]\ntitle = \"t\"\n";
  std::ofstream(dir / "src" / "SUMMARY.md") << "- [One](one.md)\n";
  std::ofstream(dir / "src" / "one.md") << "# One\n\n```rust\n{{#include gone.rs}}\n```\n";
  {
    // Never silence: the listing holding the include carries the problem.
    const auto book = read_mdbook(dir);
    ASSERT_EQ(book.listings.size(), 1u);
    ASSERT_EQ(book.listings[0].problems.size(), 1u);
    EXPECT_EQ(book.listings[0].problems.front().file.filename(), "one.md");
    EXPECT_EQ(book.listings[0].problems.front().line, 4);
  }
  std::ofstream(dir / "book.toml") << "[rust]\nedition = 2021\n";
  EXPECT_THROW(read_mdbook(dir), InputError);
  fs::remove_all(dir);
}

TEST(Mdbook, ReadBookDispatchesOnTheFolder)
{
  const auto book = read_book(testing::source_dir() / "tests/corpus/mdbook");
  EXPECT_EQ(book.listings.size(), 10u);
  EXPECT_EQ(read_book(testing::source_dir() / "tests/corpus/markdown/outcomes.md").format, Format::markdown);
}

} // namespace
} // namespace snipcheck::book
