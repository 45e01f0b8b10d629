#include "check/bless.hpp"
#include "check/expectation.hpp"

#include <gtest/gtest.h>

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

} // namespace
} // namespace snipcheck::check
