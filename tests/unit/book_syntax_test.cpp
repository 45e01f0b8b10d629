// Edge cases of the hand-written scanners that replaced std::regex in the
// book readers; each expectation is what the regex it replaced gave (the
// pattern is quoted above each group).
#include "book/latex_syntax.hpp"
#include "book/markdown_headings.hpp"
#include "book/mdbook_links.hpp"

#include <gtest/gtest.h>

namespace snipcheck::book {
namespace {

// ^(?:chapter\s+)?(\d{1,3})(?:[.:)]|\s|$), case-insensitive
TEST(HeadingNumbers, ChapterNumberInTitle)
{
  EXPECT_EQ(chapter_number_in_title("Chapter 3: Ownership"), 3);
  EXPECT_EQ(chapter_number_in_title("CHAPTER\t12. Traits"), 12);
  EXPECT_EQ(chapter_number_in_title("cHaPtEr \v 7)"), 7);
  EXPECT_EQ(chapter_number_in_title("3 Ownership"), 3);
  EXPECT_EQ(chapter_number_in_title("3"), 3);
  EXPECT_EQ(chapter_number_in_title("007.x"), 7);
  EXPECT_EQ(chapter_number_in_title("3\rx"), 3);
  EXPECT_EQ(chapter_number_in_title("chapter3"), std::nullopt); // the blank is required
  EXPECT_EQ(chapter_number_in_title("Chapters 3"), std::nullopt);
  EXPECT_EQ(chapter_number_in_title("Chapter"), std::nullopt);
  EXPECT_EQ(chapter_number_in_title("Chapter x"), std::nullopt);
  EXPECT_EQ(chapter_number_in_title("1234 Too many digits"), std::nullopt);
  EXPECT_EQ(chapter_number_in_title("3x"), std::nullopt);
  EXPECT_EQ(chapter_number_in_title("3-4"), std::nullopt);
  EXPECT_EQ(chapter_number_in_title(" 3 leading blank"), std::nullopt);
  EXPECT_EQ(chapter_number_in_title(""), std::nullopt);
}

// ^(\d{1,3}(?:\.\d{1,3})+)\.?(?:\s|$)
TEST(HeadingNumbers, SectionNumberInTitle)
{
  using Numbers = std::vector<int>;
  EXPECT_EQ(section_number_in_title("2.3 Title"), (Numbers{2, 3}));
  EXPECT_EQ(section_number_in_title("2.3. Title"), (Numbers{2, 3}));
  EXPECT_EQ(section_number_in_title("2.3"), (Numbers{2, 3}));
  EXPECT_EQ(section_number_in_title("2.3."), (Numbers{2, 3}));
  EXPECT_EQ(section_number_in_title("1.02.300\tT"), (Numbers{1, 2, 300}));
  EXPECT_EQ(section_number_in_title("2"), std::nullopt); // one component is a chapter
  EXPECT_EQ(section_number_in_title("2. Title"), std::nullopt);
  EXPECT_EQ(section_number_in_title("2.3x"), std::nullopt);
  EXPECT_EQ(section_number_in_title("2.3..x"), std::nullopt);
  EXPECT_EQ(section_number_in_title("2.3.x"), std::nullopt);
  EXPECT_EQ(section_number_in_title("2.1234 Title"), std::nullopt);
  EXPECT_EQ(section_number_in_title("1.2.3456 Title"), std::nullopt); // no shorter match either
  EXPECT_EQ(section_number_in_title("1234.5 Title"), std::nullopt);
  EXPECT_EQ(section_number_in_title(".2.3"), std::nullopt);
}

std::string links_in(std::string_view line)
{
  std::string found;
  std::size_t from = 0;
  while (const auto match = find_link(line, from)) {
    found +=
        std::to_string(match->begin) + "-" + std::to_string(match->end) +
        (match->escaped ? std::string("E") : "[" + std::string(match->type) + "|" + std::string(match->rest) + "]") +
        ";";
    from = match->end;
  }
  return found;
}

// \\\{\{#.*\}\}|\{\{\s*#([a-zA-Z0-9_]+)\s+([^}]+)\}\}
TEST(MdbookLinks, FindLinkAsMdbooksRegex)
{
  EXPECT_EQ(links_in("a {{#include x.rs:2}} b"), "2-21[include|x.rs:2];");
  EXPECT_EQ(links_in("{{ \t#rustdoc_include  x.rs }}"), "0-29[rustdoc_include|x.rs ];");
  EXPECT_EQ(links_in("{{#a b}}{{#c d}}"), "0-8[a|b];8-16[c|d];");
  // Several blanks and nothing else: the last blank is the rest.
  EXPECT_EQ(links_in("{{#title  }}"), "0-12[title| ];");
  EXPECT_EQ(links_in("{{#title }}"), "");
  EXPECT_EQ(links_in("{{#include}}"), "");
  EXPECT_EQ(links_in("{{#incl-ude x}}"), "");
  // The rest stops at the first `}`, which must start `}}`.
  EXPECT_EQ(links_in("{{#include a}b}}"), "");
  EXPECT_EQ(links_in("{{#include a}}}"), "0-14[include|a];");
  // The rest may hold a line break; an escaped link's `.*` may not.
  EXPECT_EQ(links_in("{{#include a\rb}}"), "0-16[include|a\rb];");
  EXPECT_EQ(links_in("\\{{#include a\rb}}"), "1-17[include|a\rb];");
  // An escaped link runs to the last `}}` before a line break.
  EXPECT_EQ(links_in("\\{{#include a}} and {{#include b}}"), "0-34E;");
  EXPECT_EQ(links_in("\\{{#include a}} x\r {{#include b}}"), "0-15E;19-33[include|b];");
  EXPECT_EQ(links_in("\\{{#}}"), "0-6E;");
  EXPECT_EQ(links_in("\\{{#"), "");
  EXPECT_EQ(links_in("x {{ include a }}"), "");
}

TEST(MdbookLinks, ParseLinkAsMdbook)
{
  const auto range = parse_link("include", "x.rs:2:5");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->path, "x.rs");
  EXPECT_EQ(range->range.begin, 1u);
  EXPECT_EQ(range->range.end, 5u);
  const auto anchor = parse_link("rustdoc_include", " x.rs:body extra");
  ASSERT_TRUE(anchor);
  EXPECT_EQ(anchor->kind, LinkKind::rustdoc_include);
  EXPECT_EQ(anchor->anchor, "body");
  const auto playground = parse_link("playpen", "x.rs editable ignore");
  ASSERT_TRUE(playground);
  EXPECT_EQ(playground->properties, (std::vector<std::string>{"editable", "ignore"}));
  EXPECT_TRUE(parse_link("title", " "));
  EXPECT_FALSE(parse_link("include", " "));
  EXPECT_FALSE(parse_link("unknown", "x.rs"));
}

// ANCHOR:\s*([\w_-]+) and ANCHOR_END:\s*([\w_-]+), anywhere on the line
TEST(MdbookLinks, AnchorMarkers)
{
  EXPECT_EQ(anchor_start("    // ANCHOR: body-1_x rest"), "body-1_x");
  EXPECT_EQ(anchor_start("//ANCHOR:here"), "here");
  EXPECT_EQ(anchor_start("// ANCHOR: "), std::nullopt);
  EXPECT_EQ(anchor_start("// ANCHOR: ! ANCHOR: second"), "second");
  EXPECT_EQ(anchor_start("// ANCHOR:  ANCHOR: b"), "ANCHOR");
  EXPECT_EQ(anchor_start("// ANCHOR_END: body"), std::nullopt);
  EXPECT_EQ(anchor_end("// ANCHOR_END:\tbody"), "body");
  EXPECT_EQ(anchor_end("// ANCHOR: body"), std::nullopt);
  EXPECT_EQ(anchor_start("// anchor: body"), std::nullopt);
  EXPECT_EQ(anchor_start("// ANCHOR: é"), std::nullopt);
}

std::string commands_in(std::string_view line)
{
  std::string found;
  std::size_t from = 0;
  while (const auto command = latex::find_command(line, from)) {
    found += std::to_string(command->begin) + "-" + std::to_string(command->end) + std::string(command->name) +
             (command->starred ? "*" : "") + ";";
    from = command->end;
  }
  return found;
}

// \\(chapter|section|subsection|lstset|lstdefinestyle|lstinputlisting|inputminted|begin)(?![A-Za-z])(\*?)
TEST(LatexSyntax, FindCommand)
{
  EXPECT_EQ(commands_in("\\chapter{A} \\section*{B}"), "0-8chapter;12-21section*;");
  EXPECT_EQ(commands_in("\\subsection{A}\\begin{lstlisting}"), "0-11subsection;14-20begin;");
  EXPECT_EQ(commands_in("\\chapterx \\sections \\lstsetup"), "");
  EXPECT_EQ(commands_in("\\section1 \\section_ \\section"), "0-8section;10-18section;20-28section;");
  EXPECT_EQ(commands_in("\\\\chapter"), "1-9chapter;"); // after TeX's `\\` line break
  EXPECT_EQ(commands_in("\\lstinputlisting[x]{a.rs} \\inputminted{rust}{a.rs} \\lstdefinestyle"),
            "0-16lstinputlisting;26-38inputminted;51-66lstdefinestyle;");
  EXPECT_EQ(commands_in("\\Chapter \\ chapter"), "");
}

// \d{1,6}, the whole value
TEST(LatexSyntax, SmallNumber)
{
  EXPECT_TRUE(latex::is_small_number("1"));
  EXPECT_TRUE(latex::is_small_number("000123"));
  EXPECT_FALSE(latex::is_small_number("1234567"));
  EXPECT_FALSE(latex::is_small_number(""));
  EXPECT_FALSE(latex::is_small_number(" 3"));
  EXPECT_FALSE(latex::is_small_number("+3"));
  EXPECT_FALSE(latex::is_small_number("3a"));
}

} // namespace
} // namespace snipcheck::book
