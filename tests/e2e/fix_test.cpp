// End-to-end: `snipcheck fix [--dry-run] [--edition 2024]` with the real
// rustc and clippy (issue 20, part 3) on tests/e2e/books/fix-mdbook: edition
// 2021 code that edition 2024 rejects (a `gen` variable, an `extern` block, a
// `#[no_mangle]`, a hidden line), in a list item and a blockquote; a
// compile_fail listing; a `static mut` reference rustc has no sure fix for;
// clippy's needless `return` and `.iter().next()`.
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

class Fix : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_temp = fresh_test_folder("fix");
    m_book = m_temp / "book";
    fs::copy(source_dir / "tests/e2e/books/fix-mdbook", m_book, fs::copy_options::recursive);
  }
  void TearDown() override { fs::remove_all(m_temp); }

  Finished snipcheck(const std::string& arguments) const
  {
    return run_shell("env -u RUSTUP_TOOLCHAIN '" + binary.string() + "' " + arguments, m_book, m_temp);
  }

  static std::string listed(const std::map<std::string, std::string>& statuses)
  {
    std::string text;
    for (const auto& [id, status] : statuses) {
      text += id + ": " + status + "\n";
    }
    return text;
  }

  // Each listing's status, from a check's JSON report.
  std::map<std::string, std::string> verdicts(const std::string& arguments) const
  {
    const auto report_path = m_temp / "report.json";
    const auto run = snipcheck(arguments + " --report json='" + report_path.string() + "'");
    EXPECT_NE(run.exit_code, 2) << run.out << run.err;
    return report_statuses(report_path);
  }

  // The numbers of the lines that differ between two versions of a file of the same length.
  static std::vector<int> changed_lines(const std::string& before, const std::string& after)
  {
    const auto old_lines = snipcheck::text::split_lines(before);
    const auto new_lines = snipcheck::text::split_lines(after);
    std::vector<int> changed;
    for (std::size_t k = 0; k < std::max(old_lines.size(), new_lines.size()); ++k) {
      if (k >= old_lines.size() || k >= new_lines.size() || old_lines[k] != new_lines[k]) {
        changed.push_back(static_cast<int>(k) + 1);
      }
    }
    return changed;
  }

  fs::path m_temp;
  fs::path m_book;
};

TEST_F(Fix, EditionMigrationFixesWhatRustcCanAndLeavesTheRest)
{
  const auto ch01 = read_file(m_book / "src/ch01.md");
  const auto dry = snipcheck("fix --dry-run --edition 2024");
  EXPECT_EQ(dry.exit_code, 1) << dry.out << dry.err;
  EXPECT_EQ(read_file(m_book / "src/ch01.md"), ch01) << "--dry-run wrote the book";
  EXPECT_NE(dry.out.find("edition 2024: 3 compatible, 3 migrated, 1 incompatible"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("+let r#gen = 5;"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("left alone"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("compile failure"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("incompatible  ch01"), std::string::npos) << dry.out;

  // Unfixed, three listings fail in 2024 besides the static mut one.
  const auto unfixed = verdicts("check --edition 2024");
  EXPECT_EQ(std::count_if(unfixed.begin(), unfixed.end(), [](const auto& entry) { return entry.second == "fail"; }), 4)
      << listed(unfixed);

  const auto fixed = snipcheck("fix --edition 2024");
  ASSERT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  const auto now = read_file(m_book / "src/ch01.md");
  // The fixes, each in place: the list item's indentation, the blockquote's
  // `> `, the hidden line still hidden.
  EXPECT_NE(now.find("```rust\nlet r#gen = 5;\nprintln!(\"{}\", r#gen * 2);\n```"), std::string::npos) << now;
  EXPECT_NE(now.find("   ```rust\n   unsafe extern \"C\" {\n"), std::string::npos) << now;
  EXPECT_NE(now.find("> # fn hidden() { let r#gen = 1; }\n> #[unsafe(no_mangle)]\n"), std::string::npos) << now;
  // Never edited: the compile_fail listing, the listing rustc has no sure fix for.
  EXPECT_NE(now.find("```rust,compile_fail\nlet gen = 1;\n"), std::string::npos) << now;
  EXPECT_NE(now.find("let count = unsafe { &COUNTER };"), std::string::npos) << now;
  // Only lines inside code blocks changed, the file keeps its length.
  EXPECT_EQ(changed_lines(ch01, now), (std::vector<int>{6, 7, 15, 28, 29})) << now;

  const auto after = verdicts("check --edition 2024");
  EXPECT_EQ(std::count_if(after.begin(), after.end(), [](const auto& entry) { return entry.second == "fail"; }), 1)
      << listed(after) << fixed.out;
  // And in the book's own edition the book still passes as before.
  const auto in_2021 = verdicts("check");
  EXPECT_TRUE(std::all_of(in_2021.begin(), in_2021.end(), [](const auto& entry) {
    return entry.second == "pass" || entry.second == "skip" || entry.second == "not-rust";
  }));

  const auto again = snipcheck("fix --dry-run --edition 2024");
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("0 would be fixed"), std::string::npos) << again.out;
}

TEST_F(Fix, ClippysMachineApplicableFixesAreWrittenAndTheVerdictsKept)
{
  const auto before = verdicts("check");
  const auto ch02 = read_file(m_book / "src/ch02.md");
  const auto fixed = snipcheck("fix ch02/*");
  ASSERT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  const auto now = read_file(m_book / "src/ch02.md");
  EXPECT_NE(now.find("fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n"), std::string::npos) << now;
  EXPECT_NE(now.find("let first = values.first();"), std::string::npos) << now;
  EXPECT_NE(fixed.out.find("fix: 2 listings: 2 fixed"), std::string::npos) << fixed.out;
  EXPECT_EQ(read_file(m_book / "src/ch01.md"), read_file(source_dir / "tests/e2e/books/fix-mdbook/src/ch01.md"))
      << "a listing outside the selection was fixed";
  EXPECT_EQ(verdicts("check"), before);
  EXPECT_NE(now, ch02);
}

TEST_F(Fix, MergedAndUnmergedBuildsOfferTheSameFixes)
{
  const auto merged = snipcheck("fix --dry-run --edition 2024");
  const auto unmerged = snipcheck("fix --dry-run --edition 2024 --no-merge --no-cache");
  EXPECT_EQ(merged.exit_code, 1) << merged.err;
  EXPECT_EQ(merged.out, unmerged.out);
}

} // namespace
