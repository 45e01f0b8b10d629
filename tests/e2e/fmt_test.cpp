// End-to-end: `snipcheck fmt [--check]` with the real rustfmt (issue 20, part 1)
// on tests/e2e/books/fmt-mdbook: code blocks in a list item, a blockquote,
// with hidden lines, a CRLF chapter, included files. Only bytes inside code
// blocks change, verdicts stay, and `fmt` then `fmt --check` is clean.
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sys/resource.h>
#include <thread>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

class Fmt : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_temp = fresh_test_folder("fmt");
    m_book = m_temp / "book";
    fs::copy(source_dir / "tests/e2e/books/fmt-mdbook", m_book, fs::copy_options::recursive);
    // ch02 is a Windows file: CRLF line endings, and no newline after its last line.
    auto windows = read_file(m_book / "src/ch02.md");
    windows.pop_back();
    std::string crlf;
    for (const char c : windows) {
      crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    }
    write(m_book / "src/ch02.md", crlf);
  }
  void TearDown() override { fs::remove_all(m_temp); }

  Finished snipcheck(const std::string& arguments) const
  {
    return run_shell("env -u RUSTUP_TOOLCHAIN '" + binary.string() + "' " + arguments, m_book, m_temp);
  }

  static void write(const fs::path& path, const std::string& text)
  {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }

  // Each listing's status, from a check's JSON report.
  std::map<std::string, std::string> verdicts(const std::string& name) const
  {
    const auto report_path = m_temp / name;
    const auto run = snipcheck("--report json='" + report_path.string() + "'");
    EXPECT_NE(run.exit_code, 2) << run.out << run.err;
    return report_statuses(report_path);
  }

  // The file with every code block's content replaced by one marker: what
  // must stay byte for byte (prose, fences, line endings, a last line without newline).
  static std::string outside_code(const std::string& content)
  {
    std::string outside;
    bool in_code = false;
    std::size_t pos = 0;
    while (pos < content.size()) {
      auto end = content.find('\n', pos);
      end = end == std::string::npos ? content.size() : end + 1;
      const auto line = content.substr(pos, end - pos);
      const auto start = line.find_first_not_of(" >");
      const bool fence = start != std::string::npos && line.compare(start, 3, "```") == 0;
      if (fence || !in_code) {
        outside += line;
      } else if (!outside.ends_with("<code>\n")) {
        outside += "<code>\n";
      }
      in_code = fence ? !in_code : in_code;
      pos = end;
    }
    return outside;
  }

  fs::path m_temp;
  fs::path m_book;
};

TEST_F(Fmt, ChangesOnlyCodeBlocksKeepsVerdictsAndIsThenClean)
{
  const auto before = verdicts("before.json");
  const std::vector<std::string> chapters = {"src/ch01.md", "src/ch02.md", "src/ch03.md"};
  std::map<std::string, std::string> original;
  for (const auto& chapter : chapters) {
    original[chapter] = read_file(m_book / chapter);
  }
  const auto part = read_file(m_book / "src/listings/part.rs");

  const auto formatted = snipcheck("fmt");
  ASSERT_EQ(formatted.exit_code, 0) << formatted.out << formatted.err;
  for (const auto& chapter : chapters) {
    const auto now = read_file(m_book / chapter);
    EXPECT_EQ(outside_code(now), outside_code(original[chapter])) << chapter;
  }
  EXPECT_NE(read_file(m_book / "src/ch01.md"), original["src/ch01.md"]);

  const auto ch01 = read_file(m_book / "src/ch01.md");
  // A program, a fragment in a list item (indented, unwrapped with no added
  // indentation), a blockquote with hidden lines kept hidden and as written.
  EXPECT_NE(ch01.find("```rust\nfn main() {\n    let x = 1;\n    println!(\"{}\", x);\n}\n```"), std::string::npos)
      << ch01;
  EXPECT_NE(ch01.find("  ```rust\n  let v = vec![1, 2, 3];\n  assert_eq!(v.len(), 3);\n  ```"), std::string::npos)
      << ch01;
  EXPECT_NE(ch01.find("> # fn main() {\n> let s = String::from(\"hi\");\n> #   assert_eq!(s.len(), 2);\n"
                      "> println!(\"{s}\");\n> # }\n"),
            std::string::npos)
      << ch01;
  // Not parsed by rustfmt, opted out in expected/, not Rust: left as written.
  EXPECT_NE(ch01.find("fn main( {\n"), std::string::npos);
  EXPECT_NE(ch01.find("fn opted(){}\nfn main(){opted()}\n"), std::string::npos);
  EXPECT_NE(ch01.find("not   rust ,  left alone"), std::string::npos);

  const auto ch02 = read_file(m_book / "src/ch02.md");
  EXPECT_NE(ch02.find("struct Point {\r\n    x: i32,\r\n    y: i32,\r\n}\r\n"), std::string::npos) << ch02;
  for (std::size_t at = ch02.find('\n'); at != std::string::npos; at = ch02.find('\n', at + 1)) {
    ASSERT_EQ(ch02[at - 1], '\r') << "a line ending lost its CR at byte " << at;
  }
  EXPECT_FALSE(ch02.ends_with("\n"));

  // Included: the whole file is formatted in it; an anchored part in place, indented as it was.
  EXPECT_EQ(read_file(m_book / "src/listings/whole.rs"), "fn main() {\n    println!(\"whole\");\n}\n");
  const auto part_now = read_file(m_book / "src/listings/part.rs");
  EXPECT_NE(
      part_now.find("    // ANCHOR: body\n    let x = 2 * 21;\n    println!(\"{x}\");\n    // ANCHOR_END: body\n"),
      std::string::npos)
      << part_now;
  EXPECT_EQ(part_now.substr(0, part_now.find("    let x")), part.substr(0, part.find("    let x")));
  EXPECT_NE(formatted.out.find("formatted in src/listings/whole.rs"), std::string::npos) << formatted.out;

  const auto again = snipcheck("fmt --check");
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.out.find("@@"), std::string::npos) << again.out;
  EXPECT_EQ(verdicts("after.json"), before);
}

TEST_F(Fmt, CheckPrintsADiffAtTheBooksLinesWritesNothingAndExitsOne)
{
  const auto ch01 = read_file(m_book / "src/ch01.md");
  const auto checked = snipcheck("fmt --check");
  EXPECT_EQ(checked.exit_code, 1) << checked.out << checked.err;
  EXPECT_EQ(read_file(m_book / "src/ch01.md"), ch01);
  // The first listing is line 6 of ch01.md; the list item's lines 12-13.
  EXPECT_NE(checked.out.find("--- src/ch01.md\n+++ src/ch01.md\n@@ -6,1 +6,4 @@"), std::string::npos) << checked.out;
  EXPECT_NE(checked.out.find("-fn main(){let x=1;println!(\"{}\",x);}\n+fn main() {\n"), std::string::npos)
      << checked.out;
  EXPECT_NE(checked.out.find("@@ -12,2 +12,2 @@"), std::string::npos) << checked.out;
  EXPECT_NE(checked.out.find("would reformat"), std::string::npos);
  // Left alone, each with its reason.
  EXPECT_NE(checked.out.find("rustfmt cannot format it"), std::string::npos) << checked.out;
  EXPECT_NE(checked.out.find("fmt = false in"), std::string::npos) << checked.out;
  EXPECT_NE(checked.out.find("format it in src/listings/part.rs"), std::string::npos) << checked.out;
}

TEST_F(Fmt, DisabledInSnipcheckTomlLeavesEveryListing)
{
  write(m_book / "snipcheck.toml", "book = \".\"\n\n[fmt]\nenabled = false\n");
  const auto ch01 = read_file(m_book / "src/ch01.md");
  const auto run = snipcheck("fmt");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(read_file(m_book / "src/ch01.md"), ch01);
  EXPECT_NE(run.out.find("0 reformatted"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("[fmt] enabled = false"), std::string::npos) << run.out;
  write(m_book / "snipcheck.toml", "book = \".\"\n\n[fmt]\nenable = false\n");
  const auto typo = snipcheck("fmt");
  EXPECT_EQ(typo.exit_code, 2) << typo.out << typo.err;
  EXPECT_NE(typo.err.find("unknown field `fmt.enable`"), std::string::npos) << typo.err;
}

// The CPU time of every process a command started (snipcheck, rustfmt, rustc -vV), in seconds.
double children_cpu_seconds()
{
  rusage usage{};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

TEST_F(Fmt, CheckOfAThousandListingsTakesUnderFiveSecondsCold)
{
  const auto big = m_temp / "big";
  std::string chapter = "# Big\n\n";
  for (int k = 0; k < 1000; ++k) {
    const auto n = std::to_string(k);
    chapter += k % 2 == 0 ? "```rust\nlet v" + n + "=vec![1,2,3];\nprintln!(\"{:?}\",v" + n + ");\n```\n\n"
                          : "```rust\nfn main() {\n    println!(\"" + n + "\");\n}\n```\n\n";
  }
  write(big / "big.md", chapter);
  const auto cpu_before = children_cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  const auto run = run_shell("'" + binary.string() + "' --book big.md --build-dir '" + (m_temp / "build").string() +
                                 "' fmt --check --quiet",
                             big, m_temp);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto cpu = children_cpu_seconds() - cpu_before;
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.out.find("fmt: 1000 listings: 500 would be reformatted, 500 unchanged"), std::string::npos)
      << run.out.substr(run.out.size() > 300 ? run.out.size() - 300 : 0);
  double load = 0;
  ::getloadavg(&load, 1);
  std::cout << "fmt --check over 1000 listings: " << seconds << " s, " << cpu << " s of CPU, load " << load << "\n";
  // On a machine busy with other work the wall clock measures the others: then the CPU the run used counts.
  EXPECT_LT(load < std::thread::hardware_concurrency() ? seconds : cpu, 5.0);
}

} // namespace
