#include "book/text_reader.hpp"
#include "test_support.hpp"
#include "util/errors.hpp"

#include "util/text.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace snipcheck::book {
namespace {

const Listing& find(const Book& book, const std::string& id)
{
  const auto it =
      std::find_if(book.listings.begin(), book.listings.end(), [&](const Listing& l) { return l.id == id; });
  if (it == book.listings.end()) {
    throw std::runtime_error("no listing " + id);
  }
  return *it;
}

std::vector<std::string> texts(const Listing& listing)
{
  std::vector<std::string> result;
  for (const auto& line : listing.lines) {
    result.push_back(line.text);
  }
  return result;
}

class BundledBook : public ::testing::Test
{
protected:
  static void SetUpTestSuite() { s_book = new Book(read_text_book(testing::bundled_book())); }
  static void TearDownTestSuite() { delete s_book; }
  static Book* s_book;
};
Book* BundledBook::s_book = nullptr;

TEST_F(BundledBook, AccountsForEveryFencedBlock)
{
  // 43 fences in the file; seven page breaks join pairs of them: 36 blocks, one not Rust.
  EXPECT_EQ(s_book->listings.size(), 36u);
  const auto rust =
      std::count_if(s_book->listings.begin(), s_book->listings.end(), [](const Listing& l) { return l.is_rust; });
  EXPECT_EQ(rust, 35);
}

TEST_F(BundledBook, LongestListingSitsWhereTheSpecSays)
{
  const auto& longest = find(*s_book, "ch02/2.3-1");
  EXPECT_EQ(longest.fence_line, 283);
  EXPECT_EQ(longest.first_line(), 285);
  EXPECT_EQ(longest.last_line(), 293);
  ASSERT_EQ(longest.lines.size(), 9u);
  EXPECT_EQ(longest.lines[1].text, "fn longest(x: &str, y: &str) -> &str { // Error!");
  EXPECT_EQ(longest.lines[1].source_line, 286);
}

TEST_F(BundledBook, PageSplitKeepsTheIntactCopyOfARepeatedLine)
{
  const auto& context = find(*s_book, "ch02/2.2-1");
  const auto lines = texts(context);
  ASSERT_EQ(lines.size(), 10u);
  EXPECT_EQ(lines[8], "    }"); // line 9 printed twice; the copy after the break is intact
  EXPECT_EQ(context.lines[8].source_line, 254);
  EXPECT_EQ(lines[9], "}");
  EXPECT_EQ(context.last_line(), 255);
}

TEST_F(BundledBook, PipeGutterIsRemovedAndIndentationKept)
{
  const auto& matrix = find(*s_book, "ch09/9.2-1");
  const auto lines = texts(matrix);
  ASSERT_EQ(lines.size(), 17u);
  EXPECT_EQ(lines[0], "struct Matrix<T, const ROWS: usize, const COLS: usize> {");
  EXPECT_EQ(lines[3], "");
  EXPECT_EQ(lines[4], "impl<T, const R: usize, const C: usize> Matrix<T, R, C> {");
  EXPECT_EQ(lines[5], "    fn new(data: [[T; C]; R]) -> Self {");
  EXPECT_EQ(lines[10], "// Type-safe matrix multiplication");
}

TEST_F(BundledBook, PaddedGutterAfterPageBreak)
{
  const auto& layout = find(*s_book, "ch06/6.2-1");
  const auto lines = texts(layout);
  ASSERT_EQ(lines.size(), 17u);
  EXPECT_EQ(lines[7], "#[repr(packed)]");
  EXPECT_EQ(lines[14], "println!(\"CLayout: {} bytes\", size_of::<CLayout>());");
  const auto& simd = find(*s_book, "ch06/6.3-1");
  EXPECT_EQ(texts(simd)[5], "    // Process 8 floats at once");
  EXPECT_EQ(texts(simd)[9], "        sum = _mm256_add_ps(sum, v);");
}

TEST_F(BundledBook, TrailingBlanksOfThePrintedLinesAreDropped)
{
  const auto& iterator = find(*s_book, "ch01/1.1.1-1");
  EXPECT_EQ(texts(iterator)[0], "trait Iterator {");
  EXPECT_EQ(texts(iterator)[4], "");
}

TEST_F(BundledBook, ErrorChainPrintoutIsNotRust)
{
  const auto& printout = find(*s_book, "ch07/7.2-2");
  EXPECT_FALSE(printout.is_rust);
  EXPECT_EQ(texts(printout)[0], "Error: Failed to parse file content");
  EXPECT_TRUE(find(*s_book, "ch07/7.2-1").is_rust);
}

TEST_F(BundledBook, IdsFollowInnermostSectionAndOrdinal)
{
  EXPECT_EQ(find(*s_book, "ch02/2.1.1-2").section, "2.1.1");
  EXPECT_EQ(find(*s_book, "ch03/3.2.2-2").ordinal, 2);
  EXPECT_EQ(find(*s_book, "ch09/9.3-1").chapter, 9);
}

TEST(TextReader, UnclosedFenceIsItsListingsProblemAtItsLine)
{
  const std::string text = "Chapter 1\n\nTitle\n\n1.1 Section\n\n```\n1 fn a() {}\n```\n\n```\n1 fn main() {}\n";
  const auto book = parse_text_book(text, "book.txt");
  ASSERT_EQ(book.listings.size(), 2u);
  EXPECT_TRUE(book.listings[0].problems.empty());
  ASSERT_EQ(book.listings[1].problems.size(), 1u);
  EXPECT_EQ(book.listings[1].problems[0].line, 11);
  EXPECT_NE(book.listings[1].problems[0].message.find("never closed"), std::string::npos);
  EXPECT_EQ(book.listings[1].visible_text(), "fn main() {}\n"); // the block runs to the end of the book
}

TEST(TextReader, InvalidUtf8NamesItsLine)
{
  const std::string book = "Chapter 1\nok\nbad \xC3\x28 byte\n";
  try {
    parse_text_book(book, "book.txt");
    FAIL() << "expected an InputError";
  } catch (const InputError& error) {
    EXPECT_EQ(error.problems()[0].line, 3);
  }
}

TEST(TextReader, EncodedSurrogatesAndOverlongFormsAreInvalidUtf8)
{
  // U+D800 encoded as UTF-8 (CESU style), an overlong '/', a code point above U+10FFFF.
  for (const std::string bad : {"\xED\xA0\x80", "\xE0\x80\xAF", "\xF4\x90\x80\x80", "\xF0\x80\x80\xAF"}) {
    EXPECT_EQ(text::first_invalid_utf8_line("ok\n" + bad + "\n"), 2) << bad.size();
  }
  // The edges that are valid: U+D7FF, U+E000, U+10FFFF, U+0800.
  for (const std::string good : {"\xED\x9F\xBF", "\xEE\x80\x80", "\xF4\x8F\xBF\xBF", "\xE0\xA0\x80"}) {
    EXPECT_EQ(text::first_invalid_utf8_line(good), std::nullopt);
  }
}

TEST(TextReader, ByteOrderMarkDoesNotHideTheFirstChapter)
{
  const auto book = parse_text_book("\xEF\xBB\xBF"
                                    "Chapter 2\n\nLifetimes\n\n2.1 Basics\n\n```\nfn main() {}\n```\n",
                                    "book.txt");
  ASSERT_EQ(book.listings.size(), 1u);
  EXPECT_EQ(book.listings[0].id, "ch02/2.1-1");
  EXPECT_EQ(book.listings[0].chapter_title, "Lifetimes");
}

TEST(TextReader, SpecialFilesAreNotReadWithoutBound)
{
  try {
    read_text_book("/dev/zero");
    FAIL() << "expected an InputError";
  } catch (const InputError& error) {
    EXPECT_NE(error.problems()[0].message.find("not a regular file"), std::string::npos);
  }
}

TEST(TextReader, BinaryFileIsRejected)
{
  EXPECT_THROW(parse_text_book(std::string("Chapter 1\n\0\0\0", 13), "book.bin"), InputError);
}

TEST(TextReader, SeparateListingsAreNotJoinedAcrossProse)
{
  const std::string book = "Chapter 1\n\n1.1 A\n\n```\n1 fn a() {}\n```\n\nSome prose.\n\n```\n1 fn b() {}\n```\n";
  const auto parsed = parse_text_book(book, "book.txt");
  ASSERT_EQ(parsed.listings.size(), 2u);
  EXPECT_EQ(parsed.listings[1].id, "ch01/1.1-2");
}

TEST(TextReader, ContinuationNeedsTheNumberingToGoOn)
{
  // Two adjacent fences, the second restarting at 1: two listings.
  const std::string book = "Chapter 1\n\n1.1 A\n\n```\n1 fn a() {}\n2 \n```\n\n```\n1 fn b() {}\n```\n";
  EXPECT_EQ(parse_text_book(book, "book.txt").listings.size(), 2u);
  // The second continuing at 3: one listing of three lines.
  const std::string joined = "Chapter 1\n\n1.1 A\n\n```\n1 fn a() {\n2 }\n```\n\n```\n3 fn b() {}\n```\n";
  const auto parsed = parse_text_book(joined, "book.txt");
  ASSERT_EQ(parsed.listings.size(), 1u);
  EXPECT_EQ(parsed.listings[0].lines.size(), 3u);
}

TEST(TextReader, FingerprintIgnoresTrailingBlanksButNotCode)
{
  const auto a = parse_text_book("Chapter 1\n```\n1 fn a() {}  \n```\n", "a.txt").listings[0].fingerprint();
  const auto b = parse_text_book("Chapter 1\n```\n1 fn a() {}\n```\n", "b.txt").listings[0].fingerprint();
  const auto c = parse_text_book("Chapter 1\n```\n1 fn b() {}\n```\n", "c.txt").listings[0].fingerprint();
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

} // namespace
} // namespace snipcheck::book
