#include "check/bless.hpp"
#include "check/bless_lock.hpp"
#include "check/expectation.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace snipcheck::check {
namespace {

const std::string hand_written = R"(# Chapter 2: hand-written header comment.

# Why this one fails, in the maintainer's words.
["ch02/2.3-1"]
expect = "compile-fail"   # keep this comment
errors = ["E0106"]
reason = "Case 1 is meant to fail"
prelude = '''
struct A; # not a comment, part of the string
'''
fingerprint = "0000000000000000"

["ch02/2.3-2"]
expect = "compile"
)";

TEST(Bless, UpdatesOnlyWhatChangedAndKeepsEverythingElse)
{
  BlessUpdate update;
  update.id = "ch02/2.3-1";
  update.errors = std::set<std::string>{"E0106", "E0428"};
  update.fingerprint = "d0af8505e2dd7122";
  const auto result = bless_file(hand_written, "expected/ch02.toml", {update});
  EXPECT_NE(result.content.find("# Chapter 2: hand-written header comment."), std::string::npos);
  EXPECT_NE(result.content.find("# Why this one fails, in the maintainer's words."), std::string::npos);
  EXPECT_NE(result.content.find("expect = \"compile-fail\"   # keep this comment"), std::string::npos);
  EXPECT_NE(result.content.find("errors = [\"E0106\", \"E0428\"]"), std::string::npos);
  EXPECT_NE(result.content.find("struct A; # not a comment, part of the string"), std::string::npos);
  EXPECT_NE(result.content.find("fingerprint = \"d0af8505e2dd7122\""), std::string::npos);
  EXPECT_EQ(result.content.find("0000000000000000"), std::string::npos);
  EXPECT_EQ(result.changes.size(), 2u);
  // The result is still valid and means what it should.
  const auto reparsed = parse_expectation_file(result.content, "expected/ch02.toml");
  EXPECT_EQ(*reparsed.at("ch02/2.3-1").errors, (std::set<std::string>{"E0106", "E0428"}));
  EXPECT_EQ(reparsed.at("ch02/2.3-1").reason, "Case 1 is meant to fail");
  EXPECT_EQ(reparsed.at("ch02/2.3-1").prelude, "struct A; # not a comment, part of the string\n");
}

TEST(Bless, RoundTripIsAFixedPoint)
{
  BlessUpdate update;
  update.id = "ch02/2.3-1";
  update.errors = std::set<std::string>{"E0106"};
  update.fingerprint = "0000000000000000";
  const auto result = bless_file(hand_written, "expected/ch02.toml", {update});
  EXPECT_EQ(result.content, hand_written);
  EXPECT_TRUE(result.changes.empty());
}

TEST(Bless, AddsMissingFieldsInsideTheEntryAndNewEntriesAtTheEnd)
{
  BlessUpdate existing;
  existing.id = "ch02/2.3-2";
  existing.fingerprint = "1111111111111111";
  BlessUpdate added;
  added.id = "ch02/2.2-1";
  added.expect = "compile-fail";
  added.errors = std::set<std::string>{"E0425"};
  added.fingerprint = "2222222222222222";
  added.comment = "blessed: review";
  const auto result = bless_file(hand_written, "expected/ch02.toml", {existing, added});
  const auto reparsed = parse_expectation_file(result.content, "expected/ch02.toml");
  EXPECT_EQ(reparsed.at("ch02/2.3-2").fingerprint, "1111111111111111");
  EXPECT_EQ(reparsed.at("ch02/2.2-1").expect, Outcome::compile_fail);
  EXPECT_NE(result.content.find("# blessed: review\n[\"ch02/2.2-1\"]"), std::string::npos);
  EXPECT_LT(result.content.find("1111111111111111"), result.content.find("[\"ch02/2.2-1\"]"));
}

TEST(Bless, MultiLineStdoutIsWrittenAsOneEscapedString)
{
  BlessUpdate update;
  update.id = "ch02/2.3-2";
  update.stdout_text = "a \"quoted\" line\nsecond\n";
  update.fingerprint = "1";
  const auto result = bless_file(hand_written, "expected/ch02.toml", {update});
  const auto reparsed = parse_expectation_file(result.content, "expected/ch02.toml");
  EXPECT_EQ(reparsed.at("ch02/2.3-2").stdout_text, "a \"quoted\" line\nsecond\n");
}

TEST(Bless, RefusesMalformedFiles)
{
  EXPECT_THROW(bless_file("[\"a\"\nexpect=", "expected/ch02.toml", {}), InputError);
}

TEST(Bless, AChangedFieldKeepsItsInlineComment)
{
  BlessUpdate update;
  update.id = "ch02/2.3-1";
  update.expect = "compile";
  update.remove_errors = true;
  update.fingerprint = "0000000000000000";
  const auto result = bless_file(hand_written, "expected/ch02.toml", {update});
  EXPECT_NE(result.content.find("expect = \"compile\"   # keep this comment\n"), std::string::npos) << result.content;
  EXPECT_EQ(parse_expectation_file(result.content, "expected/ch02.toml").at("ch02/2.3-1").expect, Outcome::compile);
}

TEST(Bless, CrlfFilesStayCrlf)
{
  std::string crlf;
  for (const auto& line : text::split_lines(hand_written)) {
    crlf += line + "\r\n";
  }
  BlessUpdate update;
  update.id = "ch02/2.3-1";
  update.errors = std::set<std::string>{"E0106", "E0428"};
  update.fingerprint = "0000000000000000";
  BlessUpdate added;
  added.id = "ch02/2.4-1";
  added.expect = "run-fail";
  added.fingerprint = "1";
  const auto result = bless_file(crlf, "expected/ch02.toml", {update, added});
  EXPECT_NE(result.content.find("errors = [\"E0106\", \"E0428\"]\r\n"), std::string::npos);
  EXPECT_NE(result.content.find("[\"ch02/2.4-1\"]\r\n"), std::string::npos);
  for (std::size_t k = 0; k < result.content.size(); ++k) {
    if (result.content[k] == '\n') {
      ASSERT_TRUE(k > 0 && result.content[k - 1] == '\r') << "a bare LF at byte " << k;
    }
  }
}

TEST(Bless, ErrorsAreNeverWrittenWithoutExpectCompileFail)
{
  // The fence says compile_fail, so a maintainer wrote only a reason; bless
  // must not leave `errors` on an entry that (on its own) expects compile.
  const std::string reason_only = "[\"ch02/2.3-1\"]\nreason = \"meant to fail\"\n";
  BlessUpdate update;
  update.id = "ch02/2.3-1";
  update.written_id = "ch02/2.3-1";
  update.expect = "compile-fail";
  update.errors = std::set<std::string>{"E0308"};
  update.fingerprint = "1";
  const auto result = bless_file(reason_only, "expected/ch02.toml", {update});
  const auto entry = parse_expectation_file(result.content, "expected/ch02.toml").at("ch02/2.3-1");
  EXPECT_EQ(entry.expect, Outcome::compile_fail);
  EXPECT_EQ(entry.reason, "meant to fail");
}

TEST(Bless, AMovedEntryIsRenamedWithItsSubTables)
{
  const std::string moved = "# why\n[\"ch02/2.3-1\"] # header comment\nexpect = \"run\"\n\n"
                            "[\"ch02/2.3-1\".deps]\nanyhow = \"1\"\n";
  BlessUpdate update;
  update.id = "ch02/2.3-2";
  update.written_id = "ch02/2.3-1";
  update.fingerprint = "1";
  const auto result = bless_file(moved, "expected/ch02.toml", {update});
  EXPECT_NE(result.content.find("[\"ch02/2.3-2\"] # header comment\n"), std::string::npos) << result.content;
  EXPECT_NE(result.content.find("[\"ch02/2.3-2\".deps]\n"), std::string::npos) << result.content;
  const auto parsed = parse_expectation_file(result.content, "expected/ch02.toml");
  EXPECT_FALSE(parsed.contains("ch02/2.3-1"));
  EXPECT_EQ(parsed.at("ch02/2.3-2").deps.size(), 1u);
  EXPECT_EQ(parsed.at("ch02/2.3-2").fingerprint, "1");
  ASSERT_EQ(result.changes.size(), 2u);
  EXPECT_NE(result.changes[0].find("[\"ch02/2.3-1\"] -> [\"ch02/2.3-2\"]"), std::string::npos);
}

TEST(Bless, ShiftedIdsSwapWithoutClashing)
{
  // A block inserted above: 2.3-1 became 2.3-2 and 2.3-2 became 2.3-3, and the new 2.3-1 fails.
  const std::string two = "[\"ch02/2.3-1\"]\nreason = \"one\"\n\n[\"ch02/2.3-2\"]\nreason = \"two\"\n";
  BlessUpdate first{.id = "ch02/2.3-2", .written_id = "ch02/2.3-1", .fingerprint = "a"};
  BlessUpdate second{.id = "ch02/2.3-3", .written_id = "ch02/2.3-2", .fingerprint = "b"};
  BlessUpdate added{.id = "ch02/2.3-1", .expect = "run-fail", .fingerprint = "c"};
  const auto result = bless_file(two, "expected/ch02.toml", {first, second, added});
  const auto parsed = parse_expectation_file(result.content, "expected/ch02.toml");
  EXPECT_EQ(parsed.at("ch02/2.3-2").reason, "one");
  EXPECT_EQ(parsed.at("ch02/2.3-3").reason, "two");
  EXPECT_EQ(parsed.at("ch02/2.3-1").expect, Outcome::run_fail);
}

TEST(Bless, AnEntryWhoseListingIsGoneIsRemovedAndPrinted)
{
  BlessUpdate removal{.id = "ch02/2.3-1", .written_id = "ch02/2.3-1", .remove_entry = true};
  const auto result = bless_file(hand_written, "expected/ch02.toml", {removal});
  const auto parsed = parse_expectation_file(result.content, "expected/ch02.toml");
  EXPECT_FALSE(parsed.contains("ch02/2.3-1"));
  EXPECT_TRUE(parsed.contains("ch02/2.3-2"));
  EXPECT_EQ(result.content.find("in the maintainer's words"), std::string::npos);
  EXPECT_NE(result.content.find("# Chapter 2: hand-written header comment."), std::string::npos);
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_NE(result.changes[0].find("reason = \"Case 1 is meant to fail\""), std::string::npos);
}

TEST(Bless, WhatDiffersInACellIsWrittenAsAnInlineTable)
{
  BlessUpdate update{.id = "ch02/2.3-2", .written_id = "ch02/2.3-2", .fingerprint = "1"};
  update.cells["edition-2024"] = {"compile-fail", std::set<std::string>{"E0133"}};
  const auto result = bless_file(hand_written, "expected/ch02.toml", {update});
  EXPECT_NE(result.content.find("edition-2024 = { expect = \"compile-fail\", errors = [\"E0133\"] }"),
            std::string::npos)
      << result.content;
  const auto entry = parse_expectation_file(result.content, "expected/ch02.toml").at("ch02/2.3-2");
  EXPECT_EQ(entry.expect, Outcome::compile); // the entry's own fields are untouched
  EXPECT_EQ(entry.cells.at("edition-2024").expect, Outcome::compile_fail);
  // Blessing the same again changes nothing.
  const auto again = bless_file(result.content, "expected/ch02.toml", {update});
  EXPECT_EQ(again.content, result.content);
  EXPECT_TRUE(again.changes.empty());
}

// Writes: fsync'd, atomic, keeping what the file was.
class AtomicWrite : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_folder = std::filesystem::temp_directory_path() / fmt::format("snipcheck-write-{}", ::getpid());
    std::filesystem::remove_all(m_folder);
    std::filesystem::create_directories(m_folder);
  }
  void TearDown() override
  {
    std::error_code ec;
    std::filesystem::permissions(m_folder, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(m_folder, ec);
  }
  std::vector<std::string> names() const
  {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(m_folder)) {
      found.push_back(entry.path().filename().string());
    }
    std::sort(found.begin(), found.end());
    return found;
  }
  std::filesystem::path m_folder;
};

TEST_F(AtomicWrite, KeepsTheModeAndLeavesNoTemporary)
{
  const auto path = m_folder / "ch02.toml";
  text::write_file_atomically(path, "old\n");
  ::chmod(path.c_str(), 0600);
  text::write_file_atomically(path, "new\n");
  struct stat status
  {
  };
  ASSERT_EQ(::stat(path.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0600u);
  EXPECT_EQ(text::read_file(path), "new\n");
  EXPECT_EQ(names(), std::vector<std::string>{"ch02.toml"});
}

TEST_F(AtomicWrite, WritesThroughASymlinkToItsTarget)
{
  std::filesystem::create_directories(m_folder / "shared");
  const auto target = m_folder / "shared" / "ch02.toml";
  text::write_file_atomically(target, "old\n");
  const auto link = m_folder / "ch02.toml";
  std::filesystem::create_symlink("shared/ch02.toml", link);
  text::write_file_atomically(link, "new\n");
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_EQ(text::read_file(target), "new\n");
}

TEST_F(AtomicWrite, AFailedRenameSaysWhy)
{
  const auto path = m_folder / "ch02.toml";
  std::filesystem::create_directories(path / "in-the-way"); // a non-empty folder where the file goes
  try {
    text::write_file_atomically(path, "new\n");
    FAIL() << "wrote over a folder";
  } catch (const Fatal& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find("Success"), std::string::npos) << message;
    EXPECT_NE(message.find(std::strerror(EISDIR)), std::string::npos) << message;
  }
  EXPECT_EQ(names(), std::vector<std::string>{"ch02.toml"}); // no temporary left
}

TEST_F(AtomicWrite, AbandonedTemporariesOfDeadProcessesAreRemoved)
{
  text::write_file_atomically(m_folder / "ch02.toml", "x\n");
  // A pid that cannot be alive (above pid_max's ceiling), and our own, which is.
  text::write_file_atomically(m_folder / "ch02.toml.tmp.999999999", "half");
  text::write_file_atomically(m_folder / fmt::format("ch02.toml.tmp.{}", ::getpid()), "mine");
  remove_abandoned_temporaries(m_folder);
  EXPECT_EQ(names(), (std::vector<std::string>{"ch02.toml", fmt::format("ch02.toml.tmp.{}", ::getpid())}));
}

TEST_F(AtomicWrite, TheExpectedFolderLockExcludesOthers)
{
  const ExpectedFolderLock lock(m_folder);
  const int other = ::open(m_folder.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(other, 0);
  EXPECT_NE(::flock(other, LOCK_EX | LOCK_NB), 0);
  EXPECT_EQ(errno, EWOULDBLOCK);
  ::close(other);
}

} // namespace
} // namespace snipcheck::check
