// End-to-end: rustdoc's semantics that real books rely on, and the paths the
// reports carry, on tests/e2e/books/semantics/ (an mdBook whose SUMMARY.md
// links `./chapter.md`, as real books do).
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

class Semantics : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_temp = fresh_test_folder("semantics");
    fs::copy(source_dir / "tests/e2e/books/semantics", m_temp / "book", fs::copy_options::recursive);
  }
  void TearDown() override { fs::remove_all(m_temp); }

  Finished snipcheck(const std::string& arguments, const fs::path& dir) const { return snipcheck("", arguments, dir); }

  // `environment` is given to env(1): "NAME=value" or "-u NAME".
  Finished snipcheck(const std::string& environment, const std::string& arguments, const fs::path& dir) const
  {
    return run_shell("env " + environment + " '" + binary.string() + "' --build-dir '" + (m_temp / "build").string() +
                         "' " + arguments,
                     dir, m_temp);
  }

  fs::path m_temp;
};

TEST_F(Semantics, CompileFailPassesOnAnyErrorAndUnavailableCratesAreSkipped)
{
  const auto run = snipcheck("--book . --report json=report.json", m_temp / "book");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err; // the two listings with their own errors
  const auto report = json::parse(read_file(m_temp / "book/report.json"));
  // compile_fail without codes: any error is the point of the example, as in rustdoc.
  for (const auto* id :
       {"parse-error", "macro-error", "asm-error", "module-without-file", "std-typo", "module-left-out"}) {
    EXPECT_EQ(find_result(report, id)["status"], "pass") << id << "\n" << run.out;
  }
  // A block that fails only for want of a crate cannot be checked: a skip that says so, whatever it expects.
  for (const auto& [id, crate] : std::map<std::string, std::string>{
           {"needs-panic-halt", "panic_halt"}, {"needs-rand", "rand"}, {"needs-tokio", "tokio"}}) {
    const auto& result = find_result(report, id);
    EXPECT_EQ(result["status"], "skip") << id << "\n" << run.out;
    EXPECT_EQ(result["skip_reason"],
              "needs crate " + crate + ", which is not available: add it to the book's dependencies");
  }
  EXPECT_NE(run.out.find("(needs crate rand, which is not available"), std::string::npos) << run.out;
  EXPECT_EQ(report["summary"]["skip"], 3);
  // A module or import the listing forgot is its own error, never a skip.
  EXPECT_EQ(find_result(report, "forgot-item")["status"], "fail");
  EXPECT_EQ(find_result(report, "forgot-use")["status"], "fail");
  // In Markdown only the fence and `//~ ERROR` claim errors; `// ERROR:` and `// Error!` are prose.
  EXPECT_EQ(find_result(report, "error-comment")["expected"]["outcome"], "run");
  EXPECT_EQ(find_result(report, "error-comment")["status"], "pass");
  EXPECT_EQ(find_result(report, "compiletest-marker")["expected"]["outcome"], "compile-fail");
  EXPECT_EQ(find_result(report, "compiletest-marker")["status"], "pass");

  // Bless records nothing for a listing it could not check.
  const auto blessed = snipcheck("--book . bless needs-rand", m_temp / "book");
  EXPECT_EQ(blessed.exit_code, 0) << blessed.out << blessed.err;
  EXPECT_NE(blessed.err.find("not blessed: needs-rand: needs crate rand"), std::string::npos) << blessed.err;
  EXPECT_FALSE(fs::exists(m_temp / "book/expected/ch02.toml"));
}

// Every report names a book file as the working folder sees it, normalised:
// `src/crates.md`, never `./src/./crates.md` nor `/abs/book/./src/crates.md`,
// so JUnit and GitHub annotations match the files of a pull request.
TEST_F(Semantics, ReportPathsAreRelativeToTheWorkingFolderAndNormal)
{
  const auto book = m_temp / "book";
  std::ofstream(book / "snipcheck.toml") << "book = \".\"\n";
  fs::create_directories(book / "notes");
  const std::string reports = " --report json=report.json --report junit=junit.xml --report github=github.txt";
  // GitHub's path is from the repository root instead (docs/contract.md): here, with no git work
  // tree, the current folder; a file outside it is named absolutely.
  for (const auto& [dir, arguments, expected_file, github_file] :
       std::vector<std::tuple<fs::path, std::string, std::string, std::string>>{
           {book, "--book ./" + reports, "src/crates.md", "src/crates.md"},
           // the book comes from ../snipcheck.toml
           {book / "notes", reports, "../src/crates.md", (book / "src/crates.md").string()},
       }) {
    const auto run = snipcheck("-u GITHUB_WORKSPACE", arguments, dir);
    ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
    const auto report = json::parse(read_file(dir / "report.json"));
    const auto& forgot = find_result(report, "forgot-item");
    EXPECT_EQ(forgot["source"]["file"], expected_file);
    EXPECT_EQ(forgot["actual"]["diagnostics"][0]["file"], expected_file);
    EXPECT_TRUE(fs::exists(dir / forgot["source"]["file"].get<std::string>()));
    const auto junit = read_file(dir / "junit.xml");
    EXPECT_NE(junit.find("file=\"" + expected_file + "\" line=\"33\""), std::string::npos) << junit;
    EXPECT_EQ(junit.find("/./"), std::string::npos) << junit;
    const auto github = read_file(dir / "github.txt");
    EXPECT_NE(github.find("::error file=" + github_file + ",line=33,"), std::string::npos) << github;
    EXPECT_NE(run.out.find(" " + expected_file + ":30-35"), std::string::npos) << run.out;
    EXPECT_EQ(run.out.find(book.string()), std::string::npos) << run.out; // no absolute book paths
  }
}

} // namespace
