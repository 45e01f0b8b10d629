// End-to-end bless: the real binary and real cargo on tests/e2e/books/bless,
// a small Markdown book whose listings partly do what their fences say.
#include "e2e_support.hpp"

#include "check/expectation.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sys/stat.h>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

const fs::path shared_build = SNIPCHECK_E2E_BUILD_DIR; // shared so listings compile once
const fs::path fixture = source_dir / "tests/e2e/books/bless/book.md";

void write(const fs::path& path, const std::string& content)
{
  std::ofstream(path, std::ios::binary) << content;
}

// Headers of an expected/ file: the ids it holds entries for.
std::set<std::string> ids_in(const fs::path& file)
{
  std::set<std::string> ids;
  for (const auto& [id, entry] : snipcheck::check::parse_expectation_file(read_file(file), file)) {
    ids.insert(id);
  }
  return ids;
}

class BlessEndToEnd : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_temp = fresh_test_folder("bless");
    fs::copy_file(fixture, m_temp / "book.md");
  }
  void TearDown() override { fs::remove_all(m_temp); }

  Finished snipcheck(const std::string& arguments, const std::string& build = "") const
  {
    const auto build_dir = build.empty() ? (shared_build / "bless-book").string() : build;
    return run_shell("'" + binary.string() + "' --book book.md --expected expected --build-dir '" + build_dir + "' " +
                         arguments,
                     m_temp, m_temp);
  }

  // Replaces the first `from` in the book copy.
  void edit_book(const std::string& from, const std::string& to) const
  {
    auto text = read_file(m_temp / "book.md");
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    write(m_temp / "book.md", text);
  }

  int line_of(const std::string& needle) const
  {
    const auto text = read_file(m_temp / "book.md");
    const auto at = text.find(needle);
    EXPECT_NE(at, std::string::npos) << needle;
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  }

  fs::path m_temp;
};

TEST_F(BlessEndToEnd, BlessThenCheckIsGreenAndRecordsOnlyWhatDiffersFromTheBook)
{
  auto run = snipcheck("check");
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err; // three listings do not do what the book says
  run = snipcheck("bless");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  // Only the listings that behave otherwise than their fences say get entries;
  // the one pinned to edition 2015 is among them.
  EXPECT_EQ(ids_in(m_temp / "expected/ch01.toml"), (std::set<std::string>{"ch01/1.1-3", "ch01/1.1-4", "ch01/1.2-1"}));
  EXPECT_EQ(ids_in(m_temp / "expected/ch02.toml"), (std::set<std::string>{"ch02/2.1-3"}));
  const auto ch01 = snipcheck::check::parse_expectation_file(read_file(m_temp / "expected/ch01.toml"), "ch01.toml");
  EXPECT_EQ(ch01.at("ch01/1.1-3").expect, snipcheck::check::Outcome::compile_fail);
  EXPECT_EQ(*ch01.at("ch01/1.1-3").errors, (std::set<std::string>{"E0382"}));
  EXPECT_EQ(ch01.at("ch01/1.2-1").expect, snipcheck::check::Outcome::run_fail);

  run = snipcheck("check");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  run = snipcheck("bless");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("bless: 0 changes"), std::string::npos) << run.out;
}

TEST_F(BlessEndToEnd, InAnEditionMatrixWhatDiffersPerEditionIsRecordedPerEdition)
{
  auto run = snipcheck("--edition 2021,2024 bless");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto ch02 = snipcheck::check::parse_expectation_file(read_file(m_temp / "expected/ch02.toml"), "ch02.toml");
  ASSERT_TRUE(ch02.contains("ch02/2.2-1")) << read_file(m_temp / "expected/ch02.toml");
  const auto& gen = ch02.at("ch02/2.2-1");
  EXPECT_FALSE(gen.expect); // in 2021 it runs, as the book says
  ASSERT_TRUE(gen.cells.contains("edition-2024"));
  EXPECT_EQ(gen.cells.at("edition-2024").expect, snipcheck::check::Outcome::compile_fail);
  run = snipcheck("--edition 2021,2024 check");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  run = snipcheck("check");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
}

TEST_F(BlessEndToEnd, DryRunPrintsTheDiffAndWritesNothing)
{
  const auto run = snipcheck("bless --dry-run");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("+++ expected/ch01.toml"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("+[\"ch01/1.1-3\"]"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("nothing written"), std::string::npos) << run.out;
  EXPECT_FALSE(fs::exists(m_temp / "expected/ch01.toml"));
}

TEST_F(BlessEndToEnd, AnnotationsStayWithTheirListingsWhenABlockIsInsertedAtTheTop)
{
  ASSERT_EQ(snipcheck("bless").exit_code, 0);
  // A hand-written reason on the entry of the listing with the wrong code.
  auto ch01 = read_file(m_temp / "expected/ch01.toml");
  ch01.insert(ch01.find("[\"ch01/1.1-3\"]"), "# kept by hand\n");
  ch01.insert(ch01.find("\n", ch01.find("[\"ch01/1.1-3\"]")) + 1, "reason = \"the book names E0499\"\n");
  write(m_temp / "expected/ch01.toml", ch01);

  edit_book("## 1.1 Moves\n\n", "## 1.1 Moves\n\n```rust\nfn main() {\n    println!(\"new\");\n}\n```\n\n");
  auto run = snipcheck("check");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("note: ch01/1.1-4: its entry is still written as [\"ch01/1.1-3\"]"), std::string::npos)
      << run.out;

  run = snipcheck("bless");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("[\"ch01/1.1-3\"] -> [\"ch01/1.1-4\"]"), std::string::npos) << run.out;
  const auto after = snipcheck::check::parse_expectation_file(read_file(m_temp / "expected/ch01.toml"), "ch01.toml");
  EXPECT_EQ(after.at("ch01/1.1-4").reason, "the book names E0499");
  EXPECT_EQ(ids_in(m_temp / "expected/ch01.toml"), (std::set<std::string>{"ch01/1.1-4", "ch01/1.1-5", "ch01/1.2-1"}));
  EXPECT_NE(read_file(m_temp / "expected/ch01.toml").find("# kept by hand\n[\"ch01/1.1-4\"]"), std::string::npos);
  run = snipcheck("check");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out.find("note:"), std::string::npos) << run.out;
}

TEST_F(BlessEndToEnd, AOneCharacterEditTurnsExactlyThatListingRedAtItsBookLine)
{
  ASSERT_EQ(snipcheck("bless").exit_code, 0);
  // Comment and whitespace edits elsewhere change nothing ...
  edit_book("    let v: Vec<i32> = Vec::new();", "    let v: Vec<i32> =   Vec::new(); // empty");
  edit_book("    let async = 1;", "    // an old keyword\n    let async = 1;");
  // ... one character of code turns its listing red.
  edit_book("    println!(\"{r}\");", "    println!(\"{q}\");");
  const int edited_line = line_of("    println!(\"{q}\");");
  const auto report_path = m_temp / "report.json";
  const auto run = snipcheck("check --report json='" + report_path.string() + "'");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto report = json::parse(read_file(report_path));
  std::set<std::string> red;
  for (const auto& result : report["results"]) {
    if (result["status"] != "pass" && result["status"] != "not-rust") {
      red.insert(result["id"].get<std::string>());
    }
  }
  EXPECT_EQ(red, std::set<std::string>{"ch02/2.1-1"});
  bool at_line = false;
  for (const auto& diagnostic : find_result(report, "ch02/2.1-1")["actual"]["diagnostics"]) {
    at_line = at_line || (diagnostic["level"] == "error" && diagnostic["book_line"] == edited_line);
  }
  EXPECT_TRUE(at_line) << find_result(report, "ch02/2.1-1").dump(2);
}

TEST_F(BlessEndToEnd, ConcurrentBlessesLoseNoChange)
{
  // Two processes bless two listings of the same chapter at once, each with
  // its own build folder (so neither waits for the other's build lock).
  const auto build_a = (shared_build / "bless-book-a").string();
  const auto build_b = (shared_build / "bless-book-b").string();
  for (int round = 0; round < 6; ++round) {
    fs::remove_all(m_temp / "expected");
    const auto command = [&](const std::string& build, const std::string& id, const std::string& log) {
      return "'" + binary.string() + "' --book book.md --expected expected --build-dir '" + build + "' bless " + id +
             " > " + log + " 2>&1";
    };
    const auto both = run_shell("(" + command(build_a, "ch01/1.1-3", "a.log") + " & " +
                                    command(build_b, "ch01/1.1-4", "b.log") + " & wait)",
                                m_temp, m_temp);
    ASSERT_EQ(both.exit_code, 0);
    EXPECT_EQ(ids_in(m_temp / "expected/ch01.toml"), (std::set<std::string>{"ch01/1.1-3", "ch01/1.1-4"}))
        << "round " << round << ":\n" << read_file(m_temp / "a.log") << read_file(m_temp / "b.log");
  }
}

TEST_F(BlessEndToEnd, BlessKeepsCommentsLineEndingsModeAndSymlinks)
{
  // expected/ch01.toml is a symlink into a shared folder (inside expected/:
  // bless writes nowhere else), CRLF, mode 600, and its entry says the wrong
  // thing with a comment after it: the listing compiles (and, as the entry
  // says compile-fail, is not run).
  fs::create_directories(m_temp / "expected/shared");
  const auto target = m_temp / "expected/shared/ch01.toml";
  write(target, "# Chapter 1\r\n[\"ch01/1.1-4\"]\r\nexpect = \"compile-fail\"  # why it fails\r\n"
                "errors = [\"E0000\"]\r\nreason = \"hand-written\"\r\n");
  ::chmod(target.c_str(), 0600);
  fs::create_symlink("shared/ch01.toml", m_temp / "expected/ch01.toml");
  const auto run = snipcheck("bless ch01/1.1-4");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("expect \"compile-fail\" -> \"compile\"\n"), std::string::npos) << run.out;
  EXPECT_TRUE(fs::is_symlink(m_temp / "expected/ch01.toml"));
  const auto content = read_file(target);
  EXPECT_NE(content.find("expect = \"compile\"  # why it fails\r\n"), std::string::npos) << content;
  EXPECT_NE(content.find("reason = \"hand-written\"\r\n"), std::string::npos) << content;
  EXPECT_EQ(content.find("errors"), std::string::npos) << content;
  struct stat status
  {
  };
  ASSERT_EQ(::stat(target.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0600u);
  for (const auto& folder : {m_temp / "expected", m_temp / "expected/shared"}) {
    for (const auto& entry : fs::directory_iterator(folder)) {
      EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
    }
  }
  EXPECT_EQ(snipcheck("check ch01/1.1-4").exit_code, 0);
}

TEST_F(BlessEndToEnd, AnEntryWhoseListingVanishedIsReportedThenRemovedByBless)
{
  ASSERT_EQ(snipcheck("bless").exit_code, 0);
  edit_book("```rust\nfn main() {\n    let n: u8 = \"7\".parse().unwrap();\n    std::process::exit(i32::from(n));\n}\n```\n",
            "");
  auto run = snipcheck("check");
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("expected/ch02.toml:"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("[\"ch02/2.1-3\"] matches no listing"), std::string::npos) << run.err;
  run = snipcheck("bless");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("removed [\"ch02/2.1-3\"]"), std::string::npos) << run.out;
  EXPECT_EQ(snipcheck("check").exit_code, 0);
}

// SPEC: bad input exits 2. A listing that could not be built because the book
// is wrong around it, and a book-level problem, were once blessed past (exit 1 and 0).
TEST_F(BlessEndToEnd, BadInputInTheBookExitsTwoAsCheckDoes)
{
  fs::create_directories(m_temp / "mdbook/src");
  write(m_temp / "mdbook/book.toml", "[book]\ntitle = \"Bad includes\"\n");
  write(m_temp / "mdbook/src/SUMMARY.md", "# Summary\n\n- [One](ch01.md)\n");
  write(m_temp / "mdbook/src/ch01.md", "# One\n\n```rust\n{{#include missing.rs}}\n```\n\n```rust\nfn main() {}\n```\n");
  const auto bless = [&] {
    return run_shell("'" + binary.string() + "' --book mdbook --expected expected --build-dir '" +
                         (shared_build / "bless-book").string() + "' bless",
                     m_temp, m_temp);
  };
  auto run = bless();
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("not blessed: ch01/1-1: not checked, bad input: "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("ch01.md:4: cannot include `missing.rs`"), std::string::npos) << run.err;

  // Only a problem outside any listing: every listing is fine, the book is not.
  write(m_temp / "mdbook/src/ch01.md", "# One\n\n{{#include gone.md}}\n\n```rust\nfn main() {}\n```\n");
  run = bless();
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("ch01.md:3: cannot include `gone.md`"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("not blessed"), std::string::npos) << run.err;
}

} // namespace
