// End-to-end: the real snipcheck binary against real cargo, on small fixture
// books in tests/e2e/books/ and on the bundled book with its expected/.
#include "util/text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using snipcheck::text::read_file;

const fs::path source_dir = SNIPCHECK_SOURCE_DIR;
const fs::path binary = SNIPCHECK_BINARY;
const fs::path shared_build = SNIPCHECK_E2E_BUILD_DIR; // shared so crates compile once

struct Outcome
{
  int exit_code = -1;
  std::string out;
  std::string err;
};

class EndToEnd : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_temp = fs::temp_directory_path() / ("snipcheck-e2e-" + std::to_string(::getpid()) + "-"
                                          + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_temp);
    fs::create_directories(m_temp);
  }
  void TearDown() override { fs::remove_all(m_temp); }

  // Runs snipcheck in `dir` with extra environment assignments ("NAME=value").
  Outcome snipcheck(const std::string& arguments, const fs::path& dir, const std::string& environment = "") const
  {
    const auto out = m_temp / "stdout.txt";
    const auto err = m_temp / "stderr.txt";
    const auto command = "cd '" + dir.string() + "' && env " + environment + " '" + binary.string() + "' "
                         + arguments + " > '" + out.string() + "' 2> '" + err.string() + "' < /dev/null";
    const int status = std::system(command.c_str());
    Outcome run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = read_file(out);
    run.err = read_file(err);
    return run;
  }

  Outcome check_bundled(const std::string& arguments, const std::string& environment = "") const
  {
    return snipcheck("--build-dir '" + shared_build.string() + "' " + arguments, source_dir, environment);
  }

  fs::path copy_of_book(const std::string& from, const std::string& to) const
  {
    auto text = read_file(source_dir / "snippets" / "intermediate-rust-programming.txt");
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    const auto path = m_temp / "book.txt";
    std::ofstream(path) << text;
    return path;
  }

  static const json& result(const json& report, const std::string& id)
  {
    for (const auto& entry : report["results"]) {
      if (entry["id"] == id) {
        return entry;
      }
    }
    throw std::runtime_error("no result for " + id);
  }

  fs::path m_temp;
};

TEST_F(EndToEnd, BundledBookBehavesAsAnnotated)
{
  const auto report_path = m_temp / "report.json";
  const auto run = check_bundled("--report json='" + report_path.string() + "'");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto report = json::parse(read_file(report_path));
  EXPECT_EQ(report["schema"], "snipcheck-report/1");
  EXPECT_EQ(report["book"], "snippets/intermediate-rust-programming.txt");
  EXPECT_EQ(report["summary"]["listings"], 36);
  EXPECT_EQ(report["summary"]["fail"], 0);
  EXPECT_EQ(report["summary"]["error"], 0);
  EXPECT_EQ(report["summary"]["not_rust"], 1);
  const auto& longest = result(report, "ch02/2.3-1");
  EXPECT_EQ(longest["status"], "pass");
  EXPECT_EQ(longest["actual"]["errors"], json({"E0106", "E0428"}));
  bool e0106_at_286 = false;
  for (const auto& diagnostic : longest["actual"]["diagnostics"]) {
    e0106_at_286 = e0106_at_286 || (diagnostic["code"] == "E0106" && diagnostic["book_line"] == 286);
  }
  EXPECT_TRUE(e0106_at_286);
  EXPECT_EQ(result(report, "ch05/5.1-1")["actual"]["stdout"], "r1: 5\n");
  EXPECT_EQ(result(report, "ch07/7.1-1")["status"], "skip");
}

TEST_F(EndToEnd, ChapterTwoPassesWithTheIntendedFailure)
{
  const auto run = check_bundled("chapter 2");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("ch02/2.3-1"), std::string::npos);
  EXPECT_NE(run.out.find("6 listings: 6 pass, 0 fail"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("ch03/"), std::string::npos);
}

TEST_F(EndToEnd, BreakingACorrectListingTurnsTheRunRedAtTheBookLine)
{
  const auto book = copy_of_book("5 impl<'a> Parser<'a> {", "5 impl<'a> Parsr<'a> {");
  const auto report_path = m_temp / "report.json";
  const auto run = check_bundled("--book '" + book.string() + "' 2 --report json='" + report_path.string() + "'");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto report = json::parse(read_file(report_path));
  const auto& broken = result(report, "ch02/2.3-2");
  EXPECT_EQ(broken["status"], "stale"); // the annotation was written for other code
  EXPECT_EQ(broken["actual"]["outcome"], "compile-fail");
  EXPECT_EQ(broken["actual"]["diagnostics"][0]["book_line"], 305);
  EXPECT_NE(run.out.find("book.txt:305:"), std::string::npos) << run.out;
  EXPECT_EQ(result(report, "ch02/2.3-1")["status"], "pass");
}

TEST_F(EndToEnd, CorrectingAnErratumTurnsTheRunRed)
{
  const auto book = copy_of_book("let mut map = HashMap::new();", "let mut map = std::collections::HashMap::new();");
  const auto report_path = m_temp / "report.json";
  const auto run = check_bundled("--book '" + book.string() + "' 3.1 --report json='" + report_path.string() + "'");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto report = json::parse(read_file(report_path));
  const auto& fixed = result(report, "ch03/3.1-1");
  EXPECT_EQ(fixed["status"], "stale");
  EXPECT_EQ(fixed["actual"]["outcome"], "compile");
  EXPECT_TRUE(fixed["expected"]["erratum"].is_string());
  EXPECT_NE(run.out.find("now compiles"), std::string::npos) << run.out;
}

TEST_F(EndToEnd, UnannotatedFailureIsReportedAtTheBookLine)
{
  const auto book = source_dir / "tests" / "e2e" / "books" / "small.txt";
  // The listing claims its error with `// Error!`: the book is green.
  auto run = snipcheck("--book '" + book.string() + "' --build-dir '" + (m_temp / "b").string() + "'", m_temp);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  // The same listing, its marker removed: red, at the book's line 16.
  auto text = read_file(book);
  text.replace(text.find(" // Error!"), 10, "");
  std::ofstream(m_temp / "small.txt") << text;
  run = snipcheck("--book small.txt --build-dir b", m_temp);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("small.txt:16:18: error[E0308]: mismatched types"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("\x1b["), std::string::npos); // no colours when not on a terminal
}

TEST_F(EndToEnd, ListShowsEveryListingAtItsBookLines)
{
  const auto run = snipcheck("list", source_dir);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("ch02/2.3-1"), std::string::npos);
  EXPECT_NE(run.out.find("snippets/intermediate-rust-programming.txt:285-293"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("36 listings"), std::string::npos);
}

TEST_F(EndToEnd, UnclosedFenceIsBadInput)
{
  const auto run = snipcheck("--book '" + (source_dir / "tests/e2e/books/unclosed.txt").string() + "' list", m_temp);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("unclosed.txt:5: code fence opened here is never closed"), std::string::npos) << run.err;
}

TEST_F(EndToEnd, UnknownFieldInExpectedIsBadInputWithFileAndLine)
{
  fs::create_directories(m_temp / "expected");
  std::ofstream(m_temp / "expected" / "ch01.toml") << "[\"ch01/1.1-1\"]\nexpect = \"compile\"\nexpectt = \"run\"\n";
  const auto run = snipcheck("--book '" + (source_dir / "tests/e2e/books/small.txt").string() + "' list", m_temp);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("ch01.toml:3: unknown field `expectt`"), std::string::npos) << run.err;
}

TEST_F(EndToEnd, SelectorMatchingNothingIsBadUsage)
{
  const auto run = snipcheck("ch42/*", source_dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("matches no listing"), std::string::npos);
}

TEST_F(EndToEnd, NoToolchainIsAnEnvironmentFailure)
{
  const auto run = snipcheck("--book '" + (source_dir / "tests/e2e/books/small.txt").string() + "' --build-dir b", m_temp,
                             "PATH=/nonexistent");
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("no Rust toolchain"), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find("FAIL"), std::string::npos);
}

TEST_F(EndToEnd, UnwritableBuildFolderIsAnEnvironmentFailure)
{
  const auto run = snipcheck("--book '" + (source_dir / "tests/e2e/books/small.txt").string()
                               + "' --build-dir /proc/snipcheck-cannot-write",
                             m_temp);
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("--build-dir"), std::string::npos) << run.err;
}

TEST_F(EndToEnd, BlessRestoresWhatHappensAndKeepsHandWrittenText)
{
  fs::copy(source_dir / "expected", m_temp / "expected");
  auto text = read_file(m_temp / "expected" / "ch02.toml");
  const std::string original = text;
  text.replace(text.find("errors = [\"E0106\", \"E0428\"]"), 27, "errors = [\"E0106\"]  ");
  text.insert(text.find("[\"ch02/2.3-1\"]"), "# hand-written note\n");
  std::ofstream(m_temp / "expected" / "ch02.toml") << text;
  auto run = check_bundled("--expected '" + (m_temp / "expected").string() + "' 2.3");
  EXPECT_EQ(run.exit_code, 1);
  run = check_bundled("--expected '" + (m_temp / "expected").string() + "' bless 2.3");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("errors [\"E0106\"] -> [\"E0106\", \"E0428\"]"), std::string::npos) << run.out;
  const auto blessed = read_file(m_temp / "expected" / "ch02.toml");
  EXPECT_NE(blessed.find("# hand-written note\n[\"ch02/2.3-1\"]"), std::string::npos);
  EXPECT_NE(blessed.find("reason = \"Intentional"), std::string::npos);
  run = check_bundled("--expected '" + (m_temp / "expected").string() + "' 2.3");
  EXPECT_EQ(run.exit_code, 0) << run.out;
}

} // namespace
