// Issue 19, items 7 to 9: what a machine lacks is a skip with its reason, a
// test crate is the file as `cargo test` compiles it, and a listing that
// cargo did not get to because a neighbour failed gets its own verdict,
// merged or not. (Item 6, loopback, is in sandbox_test.cpp.)
#include "e2e_support.hpp"

#include <fmt/format.h>

namespace snipcheck::e2e {
namespace {

using nlohmann::json;

struct Checked
{
  Finished run;
  json report;
};

Checked check(const fs::path& book, const fs::path& temp, const std::string& options)
{
  Checked checked;
  checked.run =
      run_shell(fmt::format("'{}' --book '{}' --build-dir '{}' --no-cache --report json='{}' {}", binary.string(),
                            book.string(), (temp / "build").string(), (temp / "report.json").string(), options),
                fs::is_directory(book) ? book : temp, temp); // its own snipcheck.toml, or none
  checked.report = json::parse(text::read_file(temp / "report.json"));
  return checked;
}

class FalseAlarms : public ::testing::Test
{
protected:
  void SetUp() override { m_temp = fresh_test_folder("false-alarms"); }
  void TearDown() override { fs::remove_all(m_temp); }

  fs::path m_temp;
};

TEST_F(FalseAlarms, WhatTheMachineLacksIsASkipWithItsReason)
{
  const auto [run, report] = check(source_dir / "tests/e2e/books/unavailable.md", m_temp, "");
  const auto status = [&](const std::string& id) {
    const auto& result = find_result(report, id);
    return result["status"].get<std::string>() + ": " +
           (result["skip_reason"].is_string() ? result["skip_reason"].get<std::string>() : std::string());
  };
  EXPECT_EQ(status("extlib"), "skip: needs native library extlib, which the linker cannot find on this machine");
  EXPECT_EQ(status("undefined-symbol"), "fail: ");
  EXPECT_EQ(status("log-method"), "skip: needs crate log, which is not available: add it to the book's dependencies");
  EXPECT_EQ(status("tokio-rayon"),
            "skip: needs crates rayon, tokio, which are not available: add them to the book's dependencies");
  EXPECT_EQ(status("blank"), "fail: ");
  EXPECT_NE(status("compiler-crates").find("skip: needs the compiler's own crates rustc_ast, rustc_session"),
            std::string::npos)
      << status("compiler-crates");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
}

// The Rust book's shape: `{{#rustdoc_include lib.rs:here}}` of a library whose
// `impl ... where` opens its body on a line of its own and whose tests do
// `use super::*;`, claimed `panics`; beside it in its chapter a `compile_fail`
// block, and another chapter's claimed failure, all in one cargo call. Every
// listing is right: the run passes, merged or not.
TEST_F(FalseAlarms, TestModeAndANeighboursFailureGiveEachListingItsOwnVerdict)
{
  const auto book = source_dir / "tests/e2e/books/test-mode";
  for (const auto* merge : {"", "--no-merge"}) {
    fs::remove_all(m_temp / "build");
    const auto [run, report] = check(book, m_temp, merge);
    EXPECT_EQ(run.exit_code, 0) << merge << run.out << run.err;
    const auto& panics = find_result(report, "ch01/1-1");
    EXPECT_EQ(panics["status"], "pass") << merge << panics.dump(1);
    EXPECT_EQ(panics["actual"]["form"], "test crate") << merge;
    EXPECT_EQ(panics["actual"]["failing_tests"], json::array({"tests::warns_over_75_percent"})) << merge;
    for (const auto* id : {"ch01/1-2", "ch01/1-3", "ch02/2-1"}) {
      EXPECT_EQ(find_result(report, id)["status"], "pass") << merge << id << find_result(report, id).dump(1);
    }
  }
}

} // namespace
} // namespace snipcheck::e2e
