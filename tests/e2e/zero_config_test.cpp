// End-to-end: any mdBook, checked as it is (issue 19, items 1-5): no
// snipcheck.toml needed, rustup's toolchain precedence, missing chapters as
// mdBook reads them, an unclosed fence stopping only its listing, and a book
// given from elsewhere read with its own snipcheck.toml.
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

class ZeroConfig : public ::testing::Test
{
protected:
  void SetUp() override { m_temp = fresh_test_folder("zero-config"); }
  void TearDown() override { fs::remove_all(m_temp); }

  // Runs snipcheck in `dir`; `environment` is given to env(1): "NAME=value" or "-u NAME".
  Finished snipcheck(const std::string& arguments, const fs::path& dir, const std::string& environment = "") const
  {
    return run_shell("env -u RUSTUP_TOOLCHAIN " + environment + " '" + binary.string() + "' " + arguments, dir, m_temp);
  }

  void write(const fs::path& path, const std::string& text) const
  {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  // An mdBook with no snipcheck.toml: two chapters, three Rust blocks, edition 2021.
  fs::path write_mdbook(const std::string& book_toml_extra = "") const
  {
    const auto book = m_temp / "book";
    write(book / "book.toml", "[book]\ntitle = \"T\"\n\n[rust]\nedition = \"2021\"\n" + book_toml_extra);
    write(book / "src/SUMMARY.md", "# Summary\n\n- [One](one.md)\n- [Two](two.md)\n");
    // `async` is a keyword from 2018 on: this block fails unless the book's edition is used.
    write(book / "src/one.md", "# One\n\n```rust\nfn main() { let x = async { 1 }; drop(x); }\n```\n\n"
                               "```rust,compile_fail\nfn main() { let s: u8 = \"no\"; }\n```\n");
    write(book / "src/two.md", "# Two\n\n```rust\nfn main() { println!(\"two\"); }\n```\n");
    return book;
  }

  static std::vector<std::string> statuses(const json& report)
  {
    std::vector<std::string> result;
    for (const auto& entry : report["results"]) {
      result.push_back(entry["id"].get<std::string>() + " " + entry["status"].get<std::string>());
    }
    return result;
  }

  fs::path m_temp;
};

TEST_F(ZeroConfig, AnMdbookWithoutSnipcheckTomlIsCheckedFromItsFolderOrBelow)
{
  const auto book = write_mdbook();
  auto run = snipcheck("--report json=report.json", book);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto report = json::parse(read_file(book / "report.json"));
  EXPECT_EQ(statuses(report), (std::vector<std::string>{"ch01/1-1 pass", "ch01/1-2 pass", "ch02/2-1 pass"}))
      << report.dump(1);
  EXPECT_EQ(report["results"][0]["edition"], "2021");
  EXPECT_TRUE(fs::is_directory(book / ".snipcheck")); // beside book.toml, as init would put it
  // From a folder below, as cargo finds Cargo.toml; -v says what was found.
  run = snipcheck("-v list", book / "src");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("3 listings"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("book: the mdBook in " + book.string() + " (book.toml found there"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("settings: none"), std::string::npos) << run.err;
  // A snipcheck.toml without `book` is read, and the book is still the one beside it.
  write(book / "snipcheck.toml", "timeout = 5\n");
  run = snipcheck("-v list", book / "src");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("3 listings"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("settings: " + (book / "snipcheck.toml").string()), std::string::npos) << run.err;
}

TEST_F(ZeroConfig, RustupToolchainWinsOverTheBooksPinAndAMissingPinNamesAnInstalledOne)
{
  const auto book = write_mdbook();
  write(book / "rust-toolchain.toml", "[toolchain]\nchannel = \"nightly-2026-08-20\"\n");
  const auto installed = run_shell("rustup toolchain list", m_temp, m_temp);
  if (installed.out.find("nightly-2026-08-20") != std::string::npos) {
    GTEST_SKIP() << "nightly-2026-08-20 is installed here: the pin is not missing";
  }
  auto run = snipcheck("list", book, "RUSTUP_TOOLCHAIN=stable");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  run = snipcheck("", book, "RUSTUP_TOOLCHAIN=stable");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("3 listings: 3 pass"), std::string::npos) << run.out;
  // Without it, rustup would use the pin: not installed, an environment failure.
  run = snipcheck("", book);
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("the book pins toolchain `nightly-2026-08-20`"), std::string::npos) << run.err;
  if (installed.out.find("\nnightly") == std::string::npos && !installed.out.starts_with("nightly")) {
    GTEST_SKIP() << "no nightly toolchain installed here to offer instead:\n" << installed.out;
  }
  EXPECT_NE(run.err.find("choose the nearest installed one with --toolchain nightly"), std::string::npos) << run.err;
}

TEST_F(ZeroConfig, MissingChaptersAreEmptyAsMdbookCreatesThemUnlessCreateMissingIsFalse)
{
  auto book = write_mdbook();
  write(book / "src/SUMMARY.md", "# Summary\n\n- [One](one.md)\n- [Gone](gone.md)\n- [Two](two.md)\n"
                                 "- [Lost](lost/a.md)\n- [Away](away.md)\n");
  auto run = snipcheck("--report json=report.json", book);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(statuses(json::parse(read_file(book / "report.json"))).size(), 3u);
  for (const auto* missing :
       {"SUMMARY.md:4: chapter `Gone` links to `gone.md`", "SUMMARY.md:6: chapter `Lost` links to `lost/a.md`",
        "SUMMARY.md:7: chapter `Away` links to `away.md`"}) {
    EXPECT_NE(run.err.find(std::string("notice: src/") + missing), std::string::npos) << run.err;
  }
  EXPECT_FALSE(fs::exists(book / "src/gone.md")); // snipcheck only reads
  EXPECT_FALSE(fs::exists(book / "src/lost"));

  write(book / "book.toml", "[book]\ntitle = \"T\"\n\n[build]\ncreate-missing = false\n");
  run = snipcheck("", book);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  for (const auto* missing :
       {"SUMMARY.md:4: chapter `Gone`", "SUMMARY.md:6: chapter `Lost`", "SUMMARY.md:7: chapter `Away`"}) {
    EXPECT_NE(run.err.find(std::string("error: src/") + missing), std::string::npos) << run.err;
  }
}

TEST_F(ZeroConfig, AnUnclosedFenceStopsOnlyItsListingAndTheReportIsWritten)
{
  const auto book = write_mdbook();
  write(book / "src/SUMMARY.md", "# Summary\n\n- [One](one.md)\n- [Open](open.md)\n- [Two](two.md)\n");
  write(book / "src/open.md", "# Open\n\n```rust\nfn main() {}\n```\n\n```rust\nfn main() {}\n\nSome prose.\n");
  const auto run = snipcheck("--report json=report.json --report junit=junit.xml", book);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE((run.out + run.err).find("src/open.md:7: code fence opened here is never closed"), std::string::npos)
      << run.out << run.err;
  const auto report = json::parse(read_file(book / "report.json"));
  EXPECT_EQ(statuses(report), (std::vector<std::string>{"ch01/1-1 pass", "ch01/1-2 pass", "ch02/2-1 pass",
                                                        "ch02/2-2 fail", "ch03/3-1 pass"}))
      << report.dump(1);
  EXPECT_NE(find_result(report, "ch02/2-2")["message"].get<std::string>().find("never closed"), std::string::npos);
  EXPECT_TRUE(fs::exists(book / "junit.xml"));
}

TEST_F(ZeroConfig, ABookGivenFromElsewhereIsReadWithItsOwnSnipcheckToml)
{
  const auto book = write_mdbook();
  write(book / "helpers/Cargo.toml", "[package]\nname = \"helpers\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
  write(book / "helpers/src/lib.rs", "pub fn one() -> u32 { 1 }\n");
  write(book / "src/two.md", "# Two\n\n```rust\nfn main() { assert_eq!(helpers::one(), 1); }\n```\n");
  write(book / "snipcheck.toml", "book = \".\"\n\n[dependencies]\nhelpers = { path = \"helpers\" }\n");
  // The current folder's own snipcheck.toml names another book: --book wins, and the book's file is read.
  const auto elsewhere = m_temp / "elsewhere";
  write(elsewhere / "snipcheck.toml", "book = \"other.md\"\n");
  const auto run = snipcheck("-v --book ../book --report json=report.json", elsewhere);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto report = json::parse(read_file(elsewhere / "report.json"));
  EXPECT_EQ(find_result(report, "ch02/2-1")["status"], "pass") << report.dump(1);
  EXPECT_NE(run.err.find("settings: " + (book / "snipcheck.toml").string()), std::string::npos) << run.err;
  EXPECT_NE(run.err.find((elsewhere / "snipcheck.toml").string() + " is not read: its `book` is"), std::string::npos)
      << run.err;
}

} // namespace
