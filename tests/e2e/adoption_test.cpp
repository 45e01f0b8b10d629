// End-to-end: adopting snipcheck on a book (issue 11) and the inputs that must
// get a clear message and the spec's exit code (issue 12, item 9).
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

class Adoption : public ::testing::Test
{
protected:
  void SetUp() override { m_temp = fresh_test_folder("adoption"); }
  void TearDown() override { fs::remove_all(m_temp); }

  Finished snipcheck(const std::string& arguments, const fs::path& dir, const std::string& prefix = "") const
  {
    // RUSTUP_TOOLCHAIN would win over the book's pin (docs/settings.md): not the caller's.
    return run_shell("env -u RUSTUP_TOOLCHAIN " + prefix + " '" + binary.string() + "' " + arguments, dir, m_temp);
  }

  fs::path copy_corpus_mdbook() const
  {
    fs::copy(source_dir / "tests/corpus/mdbook", m_temp / "book", fs::copy_options::recursive);
    return m_temp / "book";
  }

  void write(const fs::path& path, const std::string& text) const
  {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  std::string small_book() const { return "'" + (source_dir / "tests/e2e/books/small.txt").string() + "'"; }

  fs::path m_temp;
};

TEST_F(Adoption, InitWritesAConfigThatChecksTheBookAndSaysWhatToRunNext)
{
  const auto book = copy_corpus_mdbook();
  write(book / ".gitignore", "/book");
  auto run = snipcheck("init", book);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("mdBook book ."), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("edition 2021 from book.toml"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  snipcheck bless"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  snipcheck    "), std::string::npos) << run.out;
  EXPECT_EQ(read_file(book / ".gitignore"), "/book\n.snipcheck/\n");
  EXPECT_NE(read_file(book / "snipcheck.toml").find("book = \".\""), std::string::npos);
  // The written config is valid, and the book it names is checked green.
  run = snipcheck("", book);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  // The example: a chapter file as the reader sees it.
  run = snipcheck("list src/ch02-ownership.md", book);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("ch02/"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("ch01/"), std::string::npos) << run.out;
  // Never over a config the user wrote.
  run = snipcheck("init", book);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("snipcheck.toml: already exists"), std::string::npos) << run.err;
}

TEST_F(Adoption, InitFindsAPlainTextBookAndRefusesAnEmptyFolder)
{
  fs::copy(source_dir / "tests/e2e/books/small.txt", m_temp / "small.txt");
  auto run = snipcheck("init", m_temp);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("plain text book small.txt, 3 listings"), std::string::npos) << run.out;
  EXPECT_EQ(read_file(m_temp / ".gitignore"), ".snipcheck/\n");
  fs::create_directories(m_temp / "empty");
  run = snipcheck("init", m_temp / "empty");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("no book found here"), std::string::npos) << run.err;
}

TEST_F(Adoption, QuietPrintsTheFailuresAndOneSummaryLine)
{
  auto text = read_file(source_dir / "tests/e2e/books/small.txt");
  text.replace(text.find("format!(\"Hello"), 7, "formt!(");
  write(m_temp / "book.txt", text);
  auto run = snipcheck("--book book.txt --build-dir b --edition 2021,2024 -q", m_temp);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(run.out.find("PASS"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("stable 2024"), std::string::npos) << run.out; // no matrix
  EXPECT_EQ(run.out.find("built with"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("book: "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("---- ch01/1.1-1"), std::string::npos) << run.out;
  int summaries = 0;
  for (const auto& line : snipcheck::text::split_lines(run.out)) {
    summaries += line.starts_with("FAILED: ") ? 1 : 0;
  }
  EXPECT_EQ(summaries, 1) << run.out;
  EXPECT_EQ(run.err.find("snipcheck: stable"), std::string::npos) << run.err; // no progress
  // The command that built a failure is for -v.
  run = snipcheck("--book book.txt --build-dir b", m_temp);
  EXPECT_EQ(run.out.find("built with"), std::string::npos) << run.out;
  run = snipcheck("--book book.txt --build-dir b -v", m_temp);
  EXPECT_NE(run.out.find("built with: "), std::string::npos) << run.out;
}

TEST_F(Adoption, ShowNumbersEveryLineByTheBookWithTheListingLineInBrackets)
{
  const auto run = snipcheck("--book " + small_book() + " --build-dir b show ch01/1.1-1", m_temp);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("8 [1] | fn greet(name: &str) -> String {"), std::string::npos) << run.out;
  // The file as compiled uses the same numbers.
  const auto compiled = run.out.find("as compiled");
  ASSERT_NE(compiled, std::string::npos) << run.out;
  EXPECT_NE(run.out.find("9 [2] |     format!(\"Hello, {name}!\")", compiled), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find(" L1 |"), std::string::npos) << run.out;
}

TEST_F(Adoption, AMissingIncludeIsThatListingsResultAndTheRestIsChecked)
{
  const auto book = copy_corpus_mdbook();
  fs::remove(book / "listings/moved.rs");
  const auto run = snipcheck("--book book --build-dir b --report json=report.json --report junit=junit.xml", m_temp);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.out.find("FAIL      ch02/2.4-1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("nested.md:2: cannot include `moved.rs`"), std::string::npos) << run.out;
  const auto report = json::parse(read_file(m_temp / "report.json"));
  int passed = 0;
  for (const auto& entry : report["results"]) {
    passed += entry["status"] == "pass" ? 1 : 0;
  }
  EXPECT_GE(passed, 6) << report.dump(1);
  EXPECT_EQ(find_result(report, "ch02/2.4-1")["status"], "fail");
  // JUnit: at the including line; output blocks are no tests.
  const auto junit = read_file(m_temp / "junit.xml");
  EXPECT_NE(junit.find("nested.md\" line=\"2\""), std::string::npos) << junit;
  EXPECT_EQ(junit.find("not Rust"), std::string::npos) << junit;
}

TEST_F(Adoption, ATypoInAListingsDepsIsBadInputAndTheOtherListingsAreChecked)
{
  write(m_temp / "expected/ch01.toml", "# crates\n[\"ch01/1.1-1\"]\ndeps = { serde_jsonn = \"1\" }\n");
  write(m_temp / "snipcheck.toml", "[registry]\ndirectory = \"/usr/share/cargo/registry\"\n");
  const auto run = snipcheck("--book " + small_book() + " --build-dir b --expected expected", m_temp);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.out.find("expected/ch01.toml:2: `deps` asks for crate `serde_jsonn`"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("PASS      ch01/1.2-1"), std::string::npos) << run.out;
}

TEST_F(Adoption, BookSettingsAndThePinnedToolchainWithTheCommandLineWinning)
{
  // Two listings that may share a batch: one `--bin` when merged, two when not.
  write(m_temp / "small.txt", "Chapter 1\n\nBasics\n\n1.1 Two\n\n```\n1 fn a() {}\n```\n\n```\n1 fn b() {}\n```\n");
  write(m_temp / "snipcheck.toml", "book = \"small.txt\"\ntoolchain = \"nightly\"\nmerge = false\n");
  const auto bins = [](const std::string& log) {
    int count = 0;
    for (auto at = log.find("--bin "); at != std::string::npos; at = log.find("--bin ", at + 1)) {
      ++count;
    }
    return count;
  };
  auto run = snipcheck("--report json=r.json -v", m_temp);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(json::parse(read_file(m_temp / "r.json"))["toolchains"][0]["name"], "nightly");
  EXPECT_EQ(bins(run.err), 2) << run.err; // merge = false
  run = snipcheck("--toolchain stable --merge --no-cache --report json=r.json -v", m_temp);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(json::parse(read_file(m_temp / "r.json"))["toolchains"][0]["name"], "stable");
  EXPECT_EQ(bins(run.err), 1) << run.err;
  fs::copy(source_dir / "tests/e2e/books/small.txt", m_temp / "small.txt", fs::copy_options::overwrite_existing);

  // Without a choice in snipcheck.toml, the book's pin decides.
  write(m_temp / "snipcheck.toml", "book = \"small.txt\"\n");
  write(m_temp / "rust-toolchain.toml", "[toolchain]\nchannel = \"nightly\"\n");
  run = snipcheck("--report json=r.json", m_temp);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(json::parse(read_file(m_temp / "r.json"))["toolchains"][0]["name"], "nightly");
  write(m_temp / "rust-toolchain.toml", "[toolchain]\nchannel = \"1.10.0\"\n");
  run = snipcheck("", m_temp);
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("pins toolchain `1.10.0` in " + (m_temp / "rust-toolchain.toml").string()), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("rustup toolchain install 1.10.0"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("BACKTRACE"), std::string::npos) << run.err;
}

TEST_F(Adoption, BadArgumentsAreRejectedNotReplacedByDefaults)
{
  fs::create_directories(m_temp / "expected"); // the book's annotations: --expected elsewhere is a typo
  for (const auto* arguments : {"--timeout 0", "--timeout -1", "--jobs 0", "--expected missing-folder"}) {
    const auto run = snipcheck("--book " + small_book() + " --build-dir b " + arguments, m_temp);
    EXPECT_EQ(run.exit_code, 2) << arguments << run.out;
    EXPECT_NE(run.err.find(std::string(arguments).substr(0, 6)), std::string::npos) << arguments << run.err;
  }
  const auto run = snipcheck("--book /dev/zero list", m_temp);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("/dev/zero: is not a regular file"), std::string::npos) << run.err;
}

TEST_F(Adoption, ByteOrderMarkAndEncodedSurrogates)
{
  write(m_temp / "bom.txt", "\xEF\xBB\xBF" + read_file(source_dir / "tests/e2e/books/small.txt"));
  auto run = snipcheck("--book bom.txt list", m_temp);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("ch01/1.1-1"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("ch00/"), std::string::npos) << run.out;
  write(m_temp / "surrogate.md", "# One\n\ntext \xED\xA0\x80 here\n");
  run = snipcheck("--book surrogate.md list", m_temp);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("surrogate.md:3: invalid UTF-8"), std::string::npos) << run.err;
}

TEST_F(Adoption, AToolchainGivenAsAPathWritesOnlyInsideTheBuildFolder)
{
  const auto home = run_shell("rustup show home", m_temp, m_temp);
  const auto toolchains = fs::path(snipcheck::text::split_lines(home.out).at(0)) / "toolchains";
  fs::path stable;
  for (const auto& entry : fs::directory_iterator(toolchains)) {
    if (entry.path().filename().string().starts_with("stable")) {
      stable = entry.path();
    }
  }
  ASSERT_FALSE(stable.empty()) << "no stable toolchain in " << toolchains;
  const auto outside = fs::path(stable.string() + "-2021");
  fs::remove_all(outside); // left by an older snipcheck
  const auto run = snipcheck("--book " + small_book() + " --build-dir b --toolchain '" + stable.string() + "'", m_temp);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_FALSE(fs::exists(outside));
  bool cell_inside = false;
  for (const auto& entry : fs::directory_iterator(m_temp / "b")) {
    cell_inside = cell_inside || entry.path().filename().string().ends_with("-2021");
  }
  EXPECT_TRUE(cell_inside);
}

TEST_F(Adoption, AReadOnlyBuildFolderSaysSo)
{
  const auto folder = m_temp / "ro";
  fs::create_directories(folder);
  std::string prefix;
  if (::geteuid() == 0) {
    // root writes anywhere: a read-only bind mount in a private mount namespace.
    if (run_shell("unshare -m true", m_temp, m_temp).exit_code != 0) {
      GTEST_SKIP() << "running as root without `unshare -m`: no way to make a folder read-only for root here";
    }
    const auto command =
        "'" + binary.string() + "' --book " + small_book() + " --build-dir '" + (folder / "b").string() + "'";
    const auto run = run_shell("unshare -m sh -c \"mount --bind '" + folder.string() + "' '" + folder.string() +
                                   "' && mount -o remount,bind,ro '" + folder.string() + "' && " + command + "\"",
                               m_temp, m_temp);
    EXPECT_EQ(run.exit_code, 3) << run.err;
    EXPECT_NE(run.err.find("cannot create the build folder"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("Read-only file system"), std::string::npos) << run.err;
    return;
  }
  fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec);
  const auto run = snipcheck("--book " + small_book() + " --build-dir ro/b", m_temp);
  fs::permissions(folder, fs::perms::owner_all);
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("cannot create the build folder"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("Permission denied"), std::string::npos) << run.err;
}

} // namespace
