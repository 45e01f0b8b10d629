// End-to-end: on each Markdown file of tests/corpus/markdown/, snipcheck and
// the real `rustdoc --test` must agree on which blocks are tests and on each
// test's verdict (rustdoc ok <-> pass, FAILED <-> fail, ignored <-> skip).
// Blocks are matched by the line of their opening fence. The deliberate
// differences (README.md, "Differences from rustdoc") are excluded by line.
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

const fs::path corpus = source_dir / "tests" / "corpus" / "markdown";

// fence line -> "ok" | "FAILED" | "ignored"
using Verdicts = std::map<int, std::string>;

class RustdocAgreement : public ::testing::TestWithParam<std::string>
{
protected:
  void SetUp() override { m_temp = fresh_test_folder("rustdoc"); }
  void TearDown() override { fs::remove_all(m_temp); }

  Finished run(const std::string& command) const { return run_shell(command, m_temp, m_temp); }

  Verdicts rustdoc(const fs::path& book) const
  {
    const auto result = run("rustdoc --test '" + book.string() + "' --edition 2021 -o '" + (m_temp / "doc").string() +
                            "' --test-args --test-threads=4");
    static const std::regex test_line(R"(^test .* \(line (\d+)\)(?: - [a-z ]+)? \.\.\. (ok|FAILED|ignored)$)");
    Verdicts verdicts;
    for (const auto& line : snipcheck::text::split_lines(result.out)) {
      std::smatch match;
      if (std::regex_match(line, match, test_line)) {
        verdicts[std::stoi(match[1].str())] = match[2].str();
      }
    }
    return verdicts;
  }

  fs::path m_temp;
};

// Fence lines of blocks where snipcheck differs from stable rustdoc on purpose.
const std::map<std::string, std::set<int>> deliberate_differences = {
    {"differences.md",
     {
         8,  // compile_fail,E0308 failing with E0382: snipcheck checks codes on stable, rustdoc only on nightly
         22, // compile_fail failing only for an unavailable crate: snipcheck skips it, rustdoc passes it
         29, // rust,id=bare-id: rustdoc's tokenizer rejects `=` (not a test); snipcheck takes it as the id
         39, // `//~ ERROR E0308`: snipcheck reads it as a claim of that error; rustdoc runs the block
     }},
};

TEST_P(RustdocAgreement, SameTestsSameVerdicts)
{
  const auto book = corpus / GetParam();
  const auto expected = rustdoc(book);
  ASSERT_FALSE(expected.empty()) << "rustdoc --test found no tests in " << book;
  const auto excluded =
      deliberate_differences.contains(GetParam()) ? deliberate_differences.at(GetParam()) : std::set<int>{};

  const auto report_path = m_temp / "report.json";
  const auto checked = run("'" + binary.string() + "' --book '" + book.string() + "' --edition 2021 --build-dir '" +
                           (m_temp / "build").string() + "' --report json='" + report_path.string() + "'");
  ASSERT_TRUE(checked.exit_code == 0 || checked.exit_code == 1) << checked.out;
  const auto report = json::parse(read_file(report_path));

  std::map<std::string, int> fence_line_of; // id -> fence line
  Verdicts actual;
  for (const auto& result : report["results"]) {
    const int line = result["source"]["fence_line"];
    fence_line_of[result["id"]] = line;
    const std::string status = result["status"];
    if (status == "not-rust" || excluded.contains(line)) {
      continue;
    }
    actual[line] = status == "pass" ? "ok" : status == "fail" ? "FAILED" : status == "skip" ? "ignored" : status;
  }
  Verdicts wanted;
  for (const auto& [line, verdict] : expected) {
    if (!excluded.contains(line)) {
      wanted[line] = verdict;
    }
  }
  EXPECT_EQ(actual, wanted) << checked.out;

  // `snipcheck list` shows every block, and marks exactly rustdoc's tests as Rust.
  const auto listed = run("'" + binary.string() + "' --book '" + book.string() + "' list");
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  std::set<int> listed_as_rust;
  std::size_t listings = 0;
  for (const auto& line : snipcheck::text::split_lines(listed.out)) {
    const auto id = line.substr(0, line.find(' '));
    if (!fence_line_of.contains(id)) {
      continue;
    }
    ++listings;
    if (line.find(" not-rust ") == std::string::npos && !excluded.contains(fence_line_of[id])) {
      listed_as_rust.insert(fence_line_of[id]);
    }
  }
  EXPECT_EQ(listings, fence_line_of.size()) << listed.out;
  std::set<int> tests;
  for (const auto& [line, verdict] : wanted) {
    tests.insert(line);
  }
  EXPECT_EQ(listed_as_rust, tests) << listed.out;
}

INSTANTIATE_TEST_SUITE_P(Corpus, RustdocAgreement,
                         ::testing::Values("attributes.md", "outcomes.md", "hidden_lines.md", "containers.md",
                                           "differences.md", "wrapping.md"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           auto name = info.param.substr(0, info.param.find('.'));
                           name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
                           std::erase(name, '_');
                           return name;
                         });

// The excluded blocks really differ: each gets the verdict the README promises.
TEST(RustdocDifferences, AreTheDocumentedOnes)
{
  const auto temp = fresh_test_folder("differences");
  const auto report_path = temp / "report.json";
  run_shell("'" + binary.string() + "' --book '" + (corpus / "differences.md").string() +
                "' --edition 2021 --build-dir '" + (temp / "build").string() + "' --report json='" +
                report_path.string() + "'",
            temp, temp);
  const auto report = json::parse(read_file(report_path));
  std::map<int, std::string> status;
  std::map<int, std::string> id;
  for (const auto& result : report["results"]) {
    status[result["source"]["fence_line"]] = result["status"];
    id[result["source"]["fence_line"]] = result["id"];
  }
  fs::remove_all(temp);
  EXPECT_EQ(status[8], "fail");  // wrong error code
  EXPECT_EQ(status[14], "pass"); // right error code
  EXPECT_EQ(status[22], "skip"); // needs a crate that is not available
  EXPECT_EQ(status[29], "pass");
  EXPECT_EQ(id[29], "bare-id");
  EXPECT_EQ(id[33], "braced-id");
  EXPECT_EQ(status[39], "pass"); // the `//~ ERROR` marker claims the error it gets
}

} // namespace
