// `snipcheck fmt`'s pure parts: what rustfmt is given, how its answer becomes
// the listing again (unwrapped, hidden lines in place), and the byte-preserving
// splice into the book. rustfmt's answers are written here by hand.
#include "app/options.hpp"
#include "book/markdown_reader.hpp"
#include "check/expectation.hpp"
#include "fmt/fmt.hpp"
#include "fmt/reshape.hpp"
#include "fmt/splice.hpp"
#include "util/errors.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

namespace snipcheck::formatting {
namespace {

book::Book markdown(const std::string& content)
{
  return book::parse_markdown_file(content, "book.md");
}

std::vector<std::string> texts(const Reshaped& shaped)
{
  std::vector<std::string> result;
  for (const auto& line : shaped.lines) {
    result.push_back((line.hidden ? "H:" : "") + line.text);
  }
  return result;
}

TEST(FmtInput, FragmentIsWrappedInMainAndAProgramIsNot)
{
  const auto book = markdown("```rust\nlet x=1;\n```\n\n```rust\nfn main(){}\n```\n");
  const auto fragment = rustfmt_input(book.listings.at(0), {});
  EXPECT_TRUE(fragment.wrapped);
  EXPECT_EQ(fragment.text, "fn main() {\nlet x=1;\n}\n");
  const auto program = rustfmt_input(book.listings.at(1), {});
  EXPECT_FALSE(program.wrapped);
  EXPECT_EQ(program.text, "fn main(){}\n");
  scratch::WrapOptions library;
  library.crate_type = scratch::CrateType::lib;
  EXPECT_FALSE(rustfmt_input(book.listings.at(0), library).wrapped);
}

TEST(FmtReshape, UnwrapsWithoutAddedIndentationButKeepsStringLines)
{
  const auto book = markdown("```rust\nlet x=1;\nlet s = \"a\n  b\";\n```\n");
  const auto shaped =
      reshape(book.listings.at(0), "fn main() {\n    let x = 1;\n    let s = \"a\n  b\";\n}\n", true, KeepLines::no);
  ASSERT_EQ(shaped.refusal, "");
  EXPECT_EQ(texts(shaped), (std::vector<std::string>{"let x = 1;", "let s = \"a", "  b\";"}));
}

TEST(FmtReshape, AnswerThatIsNotTheWrapperIsRefused)
{
  const auto book = markdown("```rust\nlet x=1;\n```\n");
  EXPECT_NE(reshape(book.listings.at(0), "let x = 1;\n", true, KeepLines::no).refusal, "");
}

TEST(FmtReshape, HiddenLinesStayHiddenInPlaceAndAsWritten)
{
  const auto book =
      markdown("```rust\n# fn main() {\nlet v=vec![1,2];\n#   let w = 3;\nprintln!(\"{v:?}\");\n# }\n```\n");
  const auto formatted = "fn main() {\n    let v = vec![1, 2];\n    let w = 3;\n    println!(\"{v:?}\");\n}\n";
  const auto shaped = reshape(book.listings.at(0), formatted, false, KeepLines::no);
  ASSERT_EQ(shaped.refusal, "");
  // The shown code keeps the book's indentation; hidden lines rustfmt left alone stay byte for byte.
  EXPECT_EQ(texts(shaped), (std::vector<std::string>{"H:fn main() {", "let v = vec![1, 2];", "H:  let w = 3;",
                                                     "println!(\"{v:?}\");", "H:}"}));
  EXPECT_EQ(shaped.lines[2].kept, 2);
}

TEST(FmtReshape, HiddenLineMovedByRustfmtIsRefused)
{
  // rustfmt sorts the imports: the hidden one would come after the shown one, on a mixed line.
  const auto book = markdown("```rust\n# use std::fmt;\nuse std::collections::HashMap;\nfn main() {}\n```\n");
  const auto formatted = "use std::collections::HashMap;\nuse std::fmt;\nfn main() {}\n";
  const auto shaped = reshape(book.listings.at(0), formatted, false, KeepLines::no);
  EXPECT_NE(shaped.refusal.find("hidden lines would"), std::string::npos) << shaped.refusal;
}

TEST(FmtReshape, HiddenCodeRewrittenByRustfmtIsRefused)
{
  const auto book = markdown("```rust\n# struct P { x: i32, y: i32 }\nfn main() {}\n```\n");
  const auto formatted = "struct P {\n    x: i32,\n    y: i32,\n}\nfn main() {}\n";
  EXPECT_NE(reshape(book.listings.at(0), formatted, false, KeepLines::no).refusal, "");
}

TEST(FmtReshape, KeepLinesRefusesCodeMovedToAnotherLine)
{
  const auto book = markdown("```rust\nfn main() { let x: i32 = \"a\"; } //~ ERROR E0308\n```\n");
  const auto formatted = "fn main() {\n    let x: i32 = \"a\";\n} //~ ERROR E0308\n";
  EXPECT_NE(reshape(book.listings.at(0), formatted, false, KeepLines::yes).refusal, "");
  EXPECT_EQ(reshape(book.listings.at(0), formatted, false, KeepLines::no).refusal, "");
}

TEST(FmtReshape, MarkdownLinesReadBackAsTheyAreMeant)
{
  EXPECT_EQ(markdown_code_line({"fn f() {}", true}), "# fn f() {}");
  EXPECT_EQ(markdown_code_line({"", true}), "#");
  EXPECT_EQ(markdown_code_line({"#[derive(Debug)]", false}), "#[derive(Debug)]");
  EXPECT_EQ(markdown_code_line({"# not hidden", false}), "## not hidden");
  EXPECT_EQ(markdown_code_line({"let x = 1;", false}), "let x = 1;");
}

TEST(FmtSplice, LocatesABlockInABlockquoteAndAListItem)
{
  const std::string content =
      "> ```rust\n> let x=1;\n>\n> # let y=2;\n> ```\n\n- item\n\n  ```rust\n  let z=3;\n  ```\n";
  const auto book = markdown(content);
  const auto file = split_file(content);
  const auto quoted = locate_block(book.listings.at(0), file, true);
  ASSERT_TRUE(quoted.source) << quoted.refusal;
  EXPECT_EQ(quoted.source->prefix, "> ");
  EXPECT_EQ(quoted.source->first_line, 2);
  EXPECT_EQ(quoted.source->last_line, 4);
  const auto listed = locate_block(book.listings.at(1), file, true);
  ASSERT_TRUE(listed.source) << listed.refusal;
  EXPECT_EQ(listed.source->prefix, "  ");
  EXPECT_EQ(prefixed_lines("> ", {"let x = 1;", "", "# let y = 2;"}),
            (std::vector<std::string>{"> let x = 1;", ">", "> # let y = 2;"}));
}

TEST(FmtSplice, RefusesLinesWithADifferentPrefixEach)
{
  // A line-number gutter, as the plain-text book has: each line's prefix differs.
  book::Listing listing;
  listing.files = {"book.txt"};
  listing.lines = {{"let x=1;", 2, 0, false}, {"let y=2;", 3, 0, false}};
  const auto located = locate_block(listing, split_file("```\n1 let x=1;\n2 let y=2;\n```\n"), false);
  EXPECT_FALSE(located.source);
  EXPECT_NE(located.refusal, "");
}

TEST(FmtSplice, ChangesOnlyTheEditedLinesKeepingLineEndings)
{
  const std::string content = "prose\t1\r\n```rust\r\nlet x=1;let y=2;\r\n```\r\nend without newline";
  const auto file = split_file(content);
  ASSERT_EQ(file.lines.size(), 5u);
  EXPECT_EQ(file.endings.back(), "");
  const auto edited = apply_edits(file, {{3, 3, {"let x = 1;", "let y = 2;"}}});
  EXPECT_EQ(edited, "prose\t1\r\n```rust\r\nlet x = 1;\r\nlet y = 2;\r\n```\r\nend without newline");
  // A block at the very end of a file without a final newline keeps that.
  const auto last = apply_edits(split_file("a\nfn f(){}"), {{2, 2, {"fn f() {}", "fn g() {}"}}});
  EXPECT_EQ(last, "a\nfn f() {}\nfn g() {}");
}

TEST(FmtSettings, ExpectedEntryOptsOutWithFmtFalse)
{
  const auto annotations = check::parse_expectation_file("[\"ch01/1-1\"]\nfmt = false\n", "expected/ch01.toml");
  EXPECT_FALSE(annotations.at("ch01/1-1").fmt);
  try {
    check::parse_expectation_file("[\"ch01/1-1\"]\nfmt = \"no\"\n", "expected/ch01.toml");
    FAIL() << "fmt = \"no\" was accepted";
  } catch (const InputError& error) {
    EXPECT_NE(error.problems().front().message.find("`fmt` must be true or false"), std::string::npos);
  }
}

class FmtFolder : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_dir = std::filesystem::temp_directory_path() / ("snipcheck-fmt-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir / "book/src");
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(m_dir / name) << text; }

  std::filesystem::path m_dir;
};

TEST_F(FmtFolder, SnipcheckTomlTurnsFmtOffAndNamesAWrongField)
{
  write("book/snipcheck.toml", "[fmt]\nenabled = false\n");
  EXPECT_FALSE(app::load_defaults(m_dir / "book").fmt_enabled);
  write("book/snipcheck.toml", "[fmt]\nenable = false\n");
  try {
    app::load_defaults(m_dir / "book");
    FAIL() << "[fmt] enable was accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(error.problems().front().line, 2);
    EXPECT_NE(error.problems().front().message.find("unknown field `fmt.enable`"), std::string::npos);
  }
}

TEST_F(FmtFolder, RustfmtTomlIsTheNearestAboveAsRustfmtFindsIt)
{
  EXPECT_FALSE(find_rustfmt_config(m_dir / "book/src").has_value() &&
               find_rustfmt_config(m_dir / "book/src")->parent_path().string().starts_with(m_dir.string()));
  write("book/rustfmt.toml", "max_width = 80\n");
  EXPECT_EQ(find_rustfmt_config(m_dir / "book/src"), m_dir / "book/rustfmt.toml");
  write("book/src/.rustfmt.toml", "");
  EXPECT_EQ(find_rustfmt_config(m_dir / "book/src"), m_dir / "book/src/.rustfmt.toml");
}

} // namespace
} // namespace snipcheck::formatting
