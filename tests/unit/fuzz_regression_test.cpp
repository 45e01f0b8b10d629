// Replays every fuzz seed and every saved fuzz crash (tests/fuzz/) through the
// entry its fuzz target drives, with the unit tests' own build: each must
// succeed or fail cleanly with InputError. Then hand-made adversarial inputs
// with precise outcomes, the shapes fuzzing reaches slowly or not at all.
#include "../fuzz/fuzz_entries.hpp"

#include "book/text_reader.hpp"
#include "check/bless.hpp"
#include "check/expectation.hpp"
#include "test_support.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace snipcheck {
namespace {

// Runs one entry; returns the InputError's problems when it threw one.
std::vector<InputProblem> replay(fuzz::Entry entry, std::string_view data)
{
  try {
    entry(data);
  } catch (const InputError& error) {
    return error.problems();
  }
  return {};
}

std::filesystem::path fuzz_folder()
{
  return testing::source_dir() / "tests" / "fuzz";
}

// "<target>/<file>" of the saved crashes still open (regressions/open.txt).
std::set<std::string> open_crashes()
{
  std::set<std::string> open;
  for (const auto& line : text::split_lines(text::read_file(fuzz_folder() / "regressions" / "open.txt"))) {
    const auto entry = text::trim(line);
    if (!entry.empty() && !entry.starts_with('#')) {
      open.emplace(entry.substr(0, entry.find_first_of(" \t")));
    }
  }
  return open;
}

void replay_folder(const std::filesystem::path& root, int& files)
{
  const auto open = open_crashes();
  for (const auto& target : std::filesystem::directory_iterator(root)) {
    if (!target.is_directory()) {
      continue;
    }
    const auto name = target.path().filename().string();
    const auto entry = fuzz::entries().find(name);
    ASSERT_NE(entry, fuzz::entries().end()) << target.path() << " names no fuzz target";
    for (const auto& input : std::filesystem::recursive_directory_iterator(target.path())) {
      const auto relative = std::filesystem::relative(input.path(), root).generic_string();
      if (!input.is_regular_file() || input.path().filename().string().starts_with(".") || open.contains(relative)) {
        continue;
      }
      SCOPED_TRACE(input.path().string());
      ++files;
      try {
        replay(entry->second, text::read_file(input.path()));
      } catch (const std::exception& error) {
        ADD_FAILURE() << "escaped: " << error.what();
      }
    }
  }
}

TEST(FuzzRegression, EverySeedAndSavedCrashSucceedsOrThrowsInputError)
{
  int seeds = 0;
  int crashes = 0;
  replay_folder(fuzz_folder() / "corpus", seeds);
  replay_folder(fuzz_folder() / "regressions", crashes);
  EXPECT_GE(seeds, 20);
  EXPECT_GE(crashes, 8);
}

// An open crash would kill the whole unit binary, so it is only listed here.
TEST(FuzzRegression, OpenCrashesAreListedAndExist)
{
  const auto open = open_crashes();
  for (const auto& crash : open) {
    EXPECT_TRUE(std::filesystem::is_regular_file(fuzz_folder() / "regressions" / crash)) << crash;
  }
  if (!open.empty()) {
    GTEST_SKIP() << open.size() << " saved crash(es) still open, see tests/fuzz/regressions/open.txt";
  }
}

TEST(FuzzRegression, EveryTargetHasSeeds)
{
  for (const auto& [name, entry] : fuzz::entries()) {
    const auto folder = fuzz_folder() / "corpus" / name;
    ASSERT_TRUE(std::filesystem::is_directory(folder)) << folder;
    EXPECT_FALSE(std::filesystem::is_empty(folder)) << folder;
  }
}

// --- The plain-text reader -------------------------------------------------

book::Book read(std::string_view content)
{
  auto book = book::parse_text_book(content, "book.txt");
  fuzz::check_book(book, fuzz::line_count(content)); // ids unique, lines in range, markers found
  return book;
}

std::string repeat(std::string_view piece, std::size_t times)
{
  std::string result;
  result.reserve(piece.size() * times);
  for (std::size_t k = 0; k < times; ++k) {
    result += piece;
  }
  return result;
}

TEST(FuzzAdversarial, EmptyInputs)
{
  EXPECT_TRUE(read("").listings.empty());
  EXPECT_TRUE(read("\n\n\n").listings.empty());
  EXPECT_TRUE(check::parse_expectation_file("", "expected/ch02.toml").empty());
  EXPECT_TRUE(replay(fuzz::bless_round_trip, "").empty());
}

TEST(FuzzAdversarial, OnlyFences)
{
  const auto book = read("```\n```\n```\n```\n");
  ASSERT_EQ(book.listings.size(), 2u);
  EXPECT_EQ(book.listings[0].id, "ch00/0-1");
  EXPECT_EQ(book.listings[1].id, "ch00/0-2");
  EXPECT_EQ(book.listings[1].fence_line, 3);
  for (const auto& listing : book.listings) {
    EXPECT_TRUE(listing.lines.empty());
    EXPECT_FALSE(listing.is_rust); // no tag, no gutter
  }
  EXPECT_TRUE(replay(fuzz::text_book, "```\n```\n```\n").empty());
  const auto open = read("```\n```\n```\n");
  ASSERT_EQ(open.listings.size(), 2u);
  ASSERT_EQ(open.listings[1].problems.size(), 1u);
  EXPECT_EQ(open.listings[1].problems[0].line, 3); // the fence that never closes: its listing's problem
}

TEST(FuzzAdversarial, HundredThousandLineListing)
{
  std::string content = "Chapter 1\n\n```\n";
  for (int n = 1; n <= 100'000; ++n) {
    content += fmt::format("{} let x{} = {};\n", n, n, n);
  }
  content += "```\n";
  const auto book = read(content);
  ASSERT_EQ(book.listings.size(), 1u);
  const auto& listing = book.listings[0];
  EXPECT_TRUE(listing.is_rust);
  EXPECT_EQ(listing.id, "ch01/1-1");
  ASSERT_EQ(listing.lines.size(), 100'000u);
  EXPECT_EQ(listing.lines.back().text, "let x100000 = 100000;");
  EXPECT_EQ(listing.lines.back().source_line, 100'003);
}

TEST(FuzzAdversarial, DeeplyRepeatedPageSplitsJoinIntoOneListing)
{
  // 10,000 page breaks, each fragment repeating the previous one's last line
  // (cut short, as a page break cuts it): one listing, the intact copies kept.
  // (A fragment starting again at 1 is a new listing, so the first has two lines.)
  std::string content = "Chapter 2\n\n```\n1 fn f() {\n2 let a2 = 2;\n```\n";
  for (int n = 3; n <= 10'000; ++n) {
    content += fmt::format("\n```\n{} let\n{} let a{} = {};\n```\n", n - 1, n, n, n);
  }
  const auto book = read(content);
  ASSERT_EQ(book.listings.size(), 1u);
  const auto& listing = book.listings[0];
  ASSERT_EQ(listing.lines.size(), 10'000u);
  EXPECT_EQ(listing.lines[0].text, "fn f() {");
  EXPECT_EQ(listing.lines[0].source_line, 4);
  EXPECT_EQ(listing.lines[1].text, "let a2 = 2;");
  EXPECT_EQ(listing.lines[1].source_line, 5);
  EXPECT_EQ(listing.lines.back().text, "let a10000 = 10000;");
}

TEST(FuzzAdversarial, OneMegabyteLines)
{
  const std::string megabyte(1 << 20, 'a');
  {
    const auto book = read("```rust\nlet s = \"" + megabyte + "\";\n```\n");
    ASSERT_EQ(book.listings.size(), 1u);
    ASSERT_EQ(book.listings[0].lines.size(), 1u);
    EXPECT_EQ(book.listings[0].lines[0].text.size(), megabyte.size() + 11);
  }
  {
    // A megabyte of digits is not a line number (it overflowed std::stoi).
    const auto book = read("```\n" + std::string(1 << 20, '7') + "\n```\n");
    ASSERT_EQ(book.listings.size(), 1u);
    EXPECT_FALSE(book.listings[0].is_rust);
    EXPECT_EQ(book.listings[0].lines[0].text.size(), std::size_t{1} << 20);
  }
  {
    // Markers at the end of a long line (std::regex overflowed the stack on these).
    const auto book = read("```rust\nlet x = 1; //~" + std::string(1 << 20, '^') + " ERROR E0106\nlet y = 2; // " +
                           std::string(1 << 20, ' ') + "Error!\nlet z = 3; // " + megabyte + "\n```\n");
    const auto markers = check::find_inline_markers(book.listings.at(0), book::Format::plain_text);
    ASSERT_EQ(markers.size(), 2u);
    EXPECT_EQ(markers[0].listing_line, 1 - (1 << 20));
    EXPECT_EQ(markers[0].code, "E0106");
    EXPECT_EQ(markers[1].listing_line, 2);
    EXPECT_EQ(markers[1].code, std::nullopt);
  }
}

TEST(FuzzAdversarial, LineNumbersUpToNineDigitsAreAGutter)
{
  const auto book = read("```\n123456789 fn main() {}\n```\n```\n1234567890 fn main() {}\n```\n");
  ASSERT_EQ(book.listings.size(), 2u);
  EXPECT_TRUE(book.listings[0].is_rust);
  EXPECT_EQ(book.listings[0].lines[0].text, "fn main() {}");
  EXPECT_FALSE(book.listings[1].is_rust);
  EXPECT_EQ(book.listings[1].lines[0].text, "1234567890 fn main() {}");
}

TEST(FuzzAdversarial, NulBytesAreABinaryFile)
{
  const auto problems = replay(fuzz::text_book, std::string_view("Chapter 1\n```\n1 a\0b\n```\n", 24));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 0);
  EXPECT_NE(problems[0].message.find("NUL"), std::string::npos);
  // The expectation parser refuses them as TOML (a NUL is a control character).
  const auto toml_problems = replay(fuzz::expectation_file, std::string_view("[\"a\"]\nexpect = \"\0\"\n", 19));
  ASSERT_EQ(toml_problems.size(), 1u);
  EXPECT_EQ(toml_problems[0].line, 2);
}

TEST(FuzzAdversarial, InvalidUtf8AtTheEndNamesTheLastLine)
{
  for (const std::string tail : {"\xC3", "\xE2\x82", "\xF0\x9F\x98", "\xFF", "\xC0\xAF"}) {
    SCOPED_TRACE(tail.size());
    const auto problems = replay(fuzz::text_book, "Chapter 1\n```\n1 fn f() {}\n```\nend " + tail);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].line, 5);
    EXPECT_NE(problems[0].message.find("UTF-8"), std::string::npos);
    const auto toml_problems = replay(fuzz::expectation_file, "[\"a\"]\nexpect = \"compile\"\n# " + tail);
    ASSERT_EQ(toml_problems.size(), 1u);
    EXPECT_EQ(toml_problems[0].line, 3);
  }
}

TEST(FuzzAdversarial, CrlfReadsAsLf)
{
  const std::string lf = "Chapter 1\n\n1.1 Traits\n\n```\n1 trait T {\n2     fn f(&self);\n3 }\n```\n\n"
                         "```rust\nfn g() {} // Error!\n```\n";
  std::string crlf;
  for (const char c : lf) {
    crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  }
  const auto a = read(lf);
  const auto b = read(crlf);
  ASSERT_EQ(a.listings.size(), 2u);
  ASSERT_EQ(b.listings.size(), 2u);
  for (std::size_t k = 0; k < a.listings.size(); ++k) {
    EXPECT_EQ(a.listings[k].id, b.listings[k].id);
    EXPECT_EQ(a.listings[k].visible_text(), b.listings[k].visible_text());
    EXPECT_EQ(a.listings[k].fingerprint(), b.listings[k].fingerprint());
    EXPECT_EQ(a.listings[k].first_line(), b.listings[k].first_line());
  }
  EXPECT_EQ(b.listings[0].lines[1].text, "    fn f(&self);");
  EXPECT_EQ(check::find_inline_markers(b.listings[1], book::Format::plain_text).size(), 1u);

  const std::string toml = "[\"ch01/1.1-1\"]\r\nexpect = \"compile-fail\"\r\nerrors = [\"E0106\"]\r\n";
  const auto annotations = check::parse_expectation_file(toml, "expected/ch01.toml");
  EXPECT_EQ(*annotations.at("ch01/1.1-1").errors, (std::set<std::string>{"E0106"}));
}

// --- expected/ files -------------------------------------------------------

TEST(FuzzAdversarial, HugeErrorCodeAndCellKeyAreCheckedWithoutRecursion)
{
  const std::string huge(1 << 20, 'a');
  const auto annotations =
      check::parse_expectation_file("[\"ch02/2.3-1\"]\nexpect = \"compile-fail\"\nerrors = [\"" + huge +
                                        "\"]\n\"toolchain-" + huge + "\" = { expect = \"compile\" }\n",
                                    "expected/ch02.toml");
  const auto& annotation = annotations.at("ch02/2.3-1");
  EXPECT_TRUE(annotation.errors->contains(huge));
  EXPECT_TRUE(annotation.cells.contains("toolchain-" + huge));

  const auto problems =
      replay(fuzz::expectation_file, "[\"ch02/2.3-1\"]\nexpect = \"compile-fail\"\nerrors = [\"" + huge + "!\"]\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 3);
}

TEST(FuzzAdversarial, DeeplyNestedTomlIsAnInputError)
{
  const auto problems =
      replay(fuzz::expectation_file, "[\"a\"]\nerrors = " + repeat("[", 100'000) + repeat("]", 100'000) + "\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 2);
}

// --- bless -----------------------------------------------------------------

check::BlessUpdate fingerprint_update()
{
  check::BlessUpdate update;
  update.id = "ch02/2.3-1";
  update.expect = "compile-fail";
  update.fingerprint = "0123456789abcdef";
  return update;
}

TEST(FuzzAdversarial, BlessRefusesEntriesWithoutTheirOwnHeader)
{
  // Both are valid expectation files; bless used to write the new fields at
  // the top level (a duplicate key, or the entry silently lost).
  for (const std::string content :
       {"\"ch02/2.3-1\" = { expect = \"compile\" }\n", "\n\"ch02/2.3-1\".expect = \"compile\"\n"}) {
    SCOPED_TRACE(content);
    ASSERT_NO_THROW(check::parse_expectation_file(content, "expected/ch02.toml"));
    try {
      check::bless_file(content, "expected/ch02.toml", {fingerprint_update()});
      ADD_FAILURE() << "blessed";
    } catch (const InputError& error) {
      ASSERT_EQ(error.problems().size(), 1u);
      EXPECT_EQ(error.problems()[0].line, content.starts_with('\n') ? 2 : 1);
    }
  }
}

TEST(FuzzAdversarial, BlessAddsFieldsToTheEntryNotToItsSubTable)
{
  const std::string content = "[\"ch02/2.3-1\"]\nexpect = \"compile\"\n\n[\"ch02/2.3-1\".deps]\ntokio = \"1\"\n";
  const auto blessed = check::bless_file(content, "expected/ch02.toml", {fingerprint_update()});
  EXPECT_EQ(blessed.content, "[\"ch02/2.3-1\"]\nexpect = \"compile-fail\"\nfingerprint = \"0123456789abcdef\"\n\n"
                             "[\"ch02/2.3-1\".deps]\ntokio = \"1\"\n");
  const auto annotation = check::parse_expectation_file(blessed.content, "expected/ch02.toml").at("ch02/2.3-1");
  EXPECT_EQ(annotation.fingerprint, "0123456789abcdef");
  ASSERT_EQ(annotation.deps.size(), 1u);
  EXPECT_EQ(annotation.deps[0].name, "tokio");
}

} // namespace
} // namespace snipcheck
