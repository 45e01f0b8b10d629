#include "app/select.hpp"
#include "book/listing.hpp"
#include "book/text_reader.hpp"
#include "test_support.hpp"
#include "util/errors.hpp"

#include <gtest/gtest.h>

#include <set>

namespace snipcheck::app {
namespace {

std::vector<std::string> ids(const std::vector<const book::Listing*>& listings)
{
  std::vector<std::string> result;
  for (const auto* listing : listings) {
    result.push_back(listing->id);
  }
  return result;
}

class Selection : public ::testing::Test
{
protected:
  book::Book m_book = book::read_text_book(testing::bundled_book());
};

TEST_F(Selection, ChapterRangeSectionIdAndGlob)
{
  EXPECT_EQ(select_listings(m_book, {"2"}).size(), 6u);
  EXPECT_EQ(select_listings(m_book, {"2-3"}).size(), 10u);
  EXPECT_EQ(ids(select_listings(m_book, {"2.3"})), (std::vector<std::string>{"ch02/2.3-1", "ch02/2.3-2"}));
  EXPECT_EQ(ids(select_listings(m_book, {"ch02/2.3-1"})), (std::vector<std::string>{"ch02/2.3-1"}));
  EXPECT_EQ(select_listings(m_book, {"ch04/*"}).size(), 4u);
  EXPECT_EQ(select_listings(m_book, {"3.2"}).size(), 3u); // 3.2.1 and 3.2.2 are inside 3.2
  EXPECT_EQ(select_listings(m_book, {}).size(), m_book.listings.size());
}

TEST_F(Selection, ByFileFileAndLineAndChapterTitle)
{
  const auto book_file = testing::bundled_book().string();
  EXPECT_EQ(select_listings(m_book, {book_file}).size(), m_book.listings.size());
  // Line 286 is inside the first listing of 2.3; its fence (283) and closing fence count too.
  for (const auto* line : {"283", "286", "294"}) {
    EXPECT_EQ(ids(select_listings(m_book, {book_file + ":" + line})), (std::vector<std::string>{"ch02/2.3-1"})) << line;
  }
  EXPECT_THROW(select_listings(m_book, {book_file + ":1"}), InputError); // prose
  // The title as the book prints it, exactly or as a case-insensitive glob.
  EXPECT_EQ(select_listings(m_book, {"Advanced Lifetimes"}).size(), 6u);
  EXPECT_EQ(select_listings(m_book, {"*lifetimes*"}).size(), 6u);
  EXPECT_EQ(select_listings(m_book, {"advanced *"}), select_listings(m_book, {"*Advanced*"}));
}

TEST(SelectionInMdbook, FileNamesWorkFromTheBookFolderAndIncludedFilesSelectTheirListings)
{
  const auto folder = testing::source_dir() / "tests/corpus/mdbook";
  const auto book = book::read_book(folder);
  const auto in_chapter = select_listings(book, {"src/ch02-ownership.md"});
  EXPECT_FALSE(in_chapter.empty());
  for (const auto* listing : in_chapter) {
    EXPECT_EQ(listing->chapter, 2);
  }
  // listings/nested.md is included into chapter 2: its line 2 selects that listing.
  const auto nested = select_listings(book, {(folder / "listings/nested.md").string() + ":2"});
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_EQ(nested[0]->chapter, 2);
}

TEST_F(Selection, SelectorMatchingNothingIsAnInputError)
{
  try {
    select_listings(m_book, {"ch42/*"});
    FAIL();
  } catch (const InputError& error) {
    EXPECT_NE(error.problems()[0].message.find("selector `ch42/*` matches no listing"), std::string::npos);
  }
}

TEST_F(Selection, ShardsPartitionTheBookExactlyOnce)
{
  std::multiset<std::string> seen;
  for (int k = 1; k <= 3; ++k) {
    for (const auto& id : ids(select_listings(m_book, {}, Shard{k, 3}))) {
      seen.insert(id);
    }
  }
  EXPECT_EQ(seen.size(), m_book.listings.size());
  for (const auto& listing : m_book.listings) {
    EXPECT_EQ(seen.count(listing.id), 1u) << listing.id;
  }
  // Stable: a shard does not depend on what else is selected.
  const auto shard_of_chapter = ids(select_listings(m_book, {"2"}, Shard{1, 3}));
  const auto shard_of_book = ids(select_listings(m_book, {}, Shard{1, 3}));
  for (const auto& id : shard_of_chapter) {
    EXPECT_NE(std::find(shard_of_book.begin(), shard_of_book.end(), id), shard_of_book.end());
  }
}

} // namespace
} // namespace snipcheck::app
