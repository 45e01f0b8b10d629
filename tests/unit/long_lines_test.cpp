// Megabyte lines through the book readers. std::regex (libstdc++) recursed
// once per character it matched and overflowed the stack on each of the
// Markdown and mdBook cases below; the readers now scan by hand.
#include "book/latex_reader.hpp"
#include "book/markdown_reader.hpp"
#include "book/mdbook_include.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace snipcheck::book {
namespace {

namespace fs = std::filesystem;

const std::string megabyte_of_a(std::size_t{1} << 20, 'a');

std::string repeated(std::string_view piece, std::size_t times)
{
  std::string text;
  text.reserve(piece.size() * times);
  for (std::size_t k = 0; k < times; ++k) {
    text += piece;
  }
  return text;
}

TEST(LongLines, ChapterTitleWithAMegabyteOfBlanks)
{
  const auto book = parse_markdown_file(
      "# Chapter" + std::string(std::size_t{1} << 20, ' ') + "3 Ownership\n\n```rust\nfn main() {}\n```\n", "book.md");
  ASSERT_EQ(book.listings.size(), 1u);
  EXPECT_EQ(book.listings[0].chapter, 3);
}

TEST(LongLines, SectionTitleWithAMegabyteOfNumberComponents)
{
  const auto components = repeated(".1", 300'000);
  const auto book = parse_markdown_file("# 1 A\n\n## 1" + components +
                                            "x Not a number\n\n```rust\nfn a() {}\n```\n\n"
                                            "## 1" +
                                            components + " A number\n\n```rust\nfn b() {}\n```\n",
                                        "book.md");
  ASSERT_EQ(book.listings.size(), 2u);
  EXPECT_EQ(book.listings[0].section, "1.1"); // the next H2 of chapter 1
  EXPECT_EQ(book.listings[1].section, "1" + components);
}

class LongIncludeLines : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_dir = fs::temp_directory_path() / ("snipcheck-long-lines-" + std::to_string(::getpid()));
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  void write(const std::string& name, const std::string& text) const { std::ofstream(m_dir / name) << text; }
  ExpandedText expand(const std::string& chapter) const { return expand_mdbook_links(chapter, m_dir / "chapter.md"); }

  fs::path m_dir;
};

TEST_F(LongIncludeLines, LinkToAMegabytePath)
{
  const auto expanded = expand("{{#include " + megabyte_of_a + "}}\n");
  ASSERT_EQ(expanded.problems.size(), 1u);
  EXPECT_TRUE(expanded.problems[0].message.starts_with("cannot include `aaaa"))
      << expanded.problems[0].message.substr(0, 80);
  ASSERT_EQ(expanded.lines.size(), 1u);
  EXPECT_EQ(expanded.lines[0].text, "");
}

TEST_F(LongIncludeLines, EscapedLinkOverAMegabyte)
{
  const auto expanded = expand("\\{{#include " + megabyte_of_a + "}} after\n");
  EXPECT_TRUE(expanded.problems.empty());
  ASSERT_EQ(expanded.lines.size(), 1u);
  EXPECT_EQ(expanded.lines[0].text, "{{#include " + megabyte_of_a + "}} after");
}

TEST_F(LongIncludeLines, AMegabyteOfUnclosedLinksStaysAsWritten)
{
  const auto line = repeated("{{#include a ", 80'000) + repeated("\\{{#", 60'000);
  const auto expanded = expand(line + "\n");
  EXPECT_TRUE(expanded.problems.empty());
  ASSERT_EQ(expanded.lines.size(), 1u);
  EXPECT_EQ(expanded.lines[0].text, line);
}

TEST_F(LongIncludeLines, AnchorMarkerWithAMegabyteName)
{
  write("x.rs", "// ANCHOR: " + megabyte_of_a + "\n// ANCHOR: body\nlet x = 1;\n// ANCHOR_END: body\n");
  const auto expanded = expand("{{#include x.rs:body}}\n");
  EXPECT_TRUE(expanded.problems.empty());
  ASSERT_EQ(expanded.lines.size(), 1u);
  EXPECT_EQ(expanded.lines[0].text, "let x = 1;");
}

TEST(LongLines, LatexLineOfAMegabyteOfCommands)
{
  const auto book = parse_latex_file("\\chapter{One}" + repeated("\\section{S} \\sectionx ", 50'000) +
                                         "\n\\begin{lstlisting}[language=Rust]\nfn main() {}\n\\end{lstlisting}\n",
                                     "book.tex");
  ASSERT_EQ(book.listings.size(), 1u);
  EXPECT_EQ(book.listings[0].section, "1.50000");
}

} // namespace
} // namespace snipcheck::book
