// End-to-end: `snipcheck lint` with the real clippy (issue 20, item 2) on
// tests/e2e/books/lint-mdbook: findings at the book's lines with their lint
// names, never on the wrapper; the same merged and with --no-merge, cached and
// with --no-cache; a check run is never answered by a lint run's cache;
// [lint] levels and bad config; expected/'s allow; bless --lints; reports.
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <tuple>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

// One finding as the JSON report has it: listing, lint, file:line, level, allowed.
using Finding = std::tuple<std::string, std::string, std::string, std::string, bool>;

class Lint : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_temp = fresh_test_folder("lint");
    m_book = m_temp / "book";
    fs::copy(source_dir / "tests/e2e/books/lint-mdbook", m_book, fs::copy_options::recursive);
  }
  void TearDown() override { fs::remove_all(m_temp); }

  Finished snipcheck(const std::string& arguments) const
  {
    return run_shell("env -u RUSTUP_TOOLCHAIN -u RUSTC_WRAPPER '" + binary.string() + "' " + arguments, m_book, m_temp);
  }

  // `lint ARGUMENTS` with a JSON report: the report, and the run.
  std::pair<json, Finished> lint(const std::string& arguments = "") const
  {
    const auto path = m_temp / "lint.json";
    fs::remove(path);
    auto run = snipcheck("lint --report json='" + path.string() + "' " + arguments);
    EXPECT_TRUE(fs::exists(path)) << run.out << run.err;
    return {fs::exists(path) ? json::parse(read_file(path)) : json::object(), run};
  }

  static std::set<Finding> findings(const json& report)
  {
    std::set<Finding> found;
    for (const auto& result : report["results"]) {
      for (const auto& finding : result["findings"]) {
        found.emplace(result["id"], finding["lint"],
                      fmt_place(finding["file"].get<std::string>(), finding["book_line"].get<int>()), finding["level"],
                      !finding["allowed_by"].is_null());
      }
    }
    return found;
  }

  static std::string fmt_place(const std::string& file, int line) { return file + ":" + std::to_string(line); }

  // "src/ch01.md:N" of the first line of the book's `file` holding `text`.
  std::string place_of(const std::string& file, const std::string& text) const
  {
    const auto lines = snipcheck::text::split_lines(read_file(m_book / file));
    for (std::size_t k = 0; k < lines.size(); ++k) {
      if (lines[k].find(text) != std::string::npos) {
        return fmt_place(file, static_cast<int>(k) + 1);
      }
    }
    ADD_FAILURE() << text << " is not in " << file;
    return {};
  }

  static const json& result_of(const json& report, const std::string& id)
  {
    for (const auto& result : report["results"]) {
      if (result["id"] == id) {
        return result;
      }
    }
    static const json none;
    ADD_FAILURE() << id << " is not in the report";
    return none;
  }

  void write(const fs::path& relative, const std::string& text) const
  {
    std::ofstream(m_book / relative, std::ios::binary) << text;
  }

  fs::path m_temp;
  fs::path m_book;
};

TEST_F(Lint, FindingsAtTheBooksLinesWithTheirLintNames)
{
  const auto [report, run] = lint();
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err; // clippy::needless_return is denied in snipcheck.toml
  const auto found = findings(report);
  const std::set<Finding> expected{
      {"ch01/1-2", "clippy::needless_return", place_of("src/ch01.md", "return a + b;"), "deny", false},
      {"ch01/1-3", "clippy::len_zero", place_of("src/ch01.md", "if items.len() == 0"), "warn", false},
      {"ch01/1-4", "non_snake_case", place_of("src/ch01.md", "fn Greet()"), "warn", false},
      // clippy denies eq_op by default; a lint run builds as check does, and reports it
      {"ch01/1-6", "clippy::eq_op", place_of("src/ch01.md", "if x == x"), "warn", false},
      {"ch01/1-7", "clippy::needless_range_loop", place_of("src/ch01.md", "for i in 0..v.len()"), "warn", true},
      {"ch02/2-2", "clippy::main_recursion", place_of("src/ch02.md", "        main();"), "warn", false},
      // a hidden line is the listing's own
      {"ch02/2-3", "clippy::needless_return", place_of("src/ch02.md", "#     return true;"), "deny", false},
  };
  EXPECT_EQ(found, expected) << report.dump(1);
  // rustdoc allows `unused`: the unused variable of 1-4 is no finding; the code meant not to compile is not linted.
  EXPECT_EQ(result_of(report, "ch01/1-5")["not_linted"], "expected not to compile");
  EXPECT_EQ(result_of(report, "ch01/1-1")["findings"].size(), 0u);
  EXPECT_EQ(result_of(report, "ch01/1-7")["findings"][0]["allowed_by"], "expected/ch01.toml:2");
  EXPECT_EQ(report["per_lint"]["clippy::needless_return"], 2);
  // The terminal names the book's file, line and column, and the lint.
  EXPECT_NE(run.out.find(place_of("src/ch01.md", "return a + b;") + ":5: error[clippy::needless_return]"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("lint FAILED"), std::string::npos) << run.out;
}

TEST_F(Lint, MergedGivesEachListingWhatItGetsAlone)
{
  const auto [merged, merged_run] = lint("--no-cache");
  const auto [alone, alone_run] = lint("--no-merge --no-cache");
  EXPECT_EQ(merged_run.exit_code, alone_run.exit_code);
  EXPECT_FALSE(findings(merged).empty());
  EXPECT_EQ(findings(merged), findings(alone));
  EXPECT_EQ(merged["per_lint"], alone["per_lint"]);
  // Neither sees the batch's glue after the test module of 2-1.
  EXPECT_EQ(result_of(merged, "ch02/2-1")["findings"].size(), 0u) << merged.dump(1);
  // The merged run did merge: its cargo built fewer targets than listings.
  const auto verbose = snipcheck("lint -v --no-cache");
  EXPECT_NE(verbose.err.find("--bin merged_"), std::string::npos) << verbose.err;
}

// Lints that see what a batch changes: whether `pub` items are exported (the
// batch's modules are `pub`, as a crate root is), and whether `main` is the
// program's (a member with such a finding is built alone).
TEST_F(Lint, MergedEqualsAloneForLintsThatSeeTheBatch)
{
  write("snipcheck.toml", "[lint]\nwarn = [\"clippy::missing_const_for_fn\", \"clippy::missing_panics_doc\"]\n");
  const auto [merged, merged_run] = lint("--no-cache");
  const auto [alone, alone_run] = lint("--no-merge --no-cache");
  EXPECT_EQ(findings(merged), findings(alone));
  const Finding panics{"ch02/2-4", "clippy::missing_panics_doc", place_of("src/ch02.md", "pub fn half"), "warn", false};
  EXPECT_TRUE(findings(merged).contains(panics)) << merged.dump(1);
  EXPECT_EQ(result_of(merged, "ch02/2-5")["findings"].size(), 0u) << merged.dump(1); // its `main` is the entry
  const auto verbose = snipcheck("lint -v --no-cache");
  EXPECT_NE(verbose.err.find("ch02/2-5 gave a result inside a batch that only a build alone confirms"),
            std::string::npos)
      << verbose.err;
}

TEST_F(Lint, CachedEqualsUncachedAndACheckRunIsNeverALintRun)
{
  const auto check_report = m_temp / "check.json";
  const auto check_before = snipcheck("--report json='" + check_report.string() + "'");
  ASSERT_EQ(check_before.exit_code, 0) << check_before.out << check_before.err;
  const auto verdicts_before = read_file(check_report);
  EXPECT_EQ(verdicts_before.find("clippy::"), std::string::npos); // a check has no clippy findings
  const auto [cold, cold_run] = lint();
  const auto [warm, warm_run] = lint();
  const auto [uncached, uncached_run] = lint("--no-cache");
  EXPECT_EQ(findings(cold), findings(warm));
  EXPECT_EQ(findings(cold), findings(uncached));
  for (const auto& result : warm["results"]) {
    if (result["linted"] == true) {
      EXPECT_EQ(result["cached"], true) << result.dump();
    }
  }
  // cargo's and snipcheck's caches after a lint run: a check still has no clippy findings.
  const auto check_after = snipcheck("--report json='" + check_report.string() + "'");
  EXPECT_EQ(check_after.exit_code, 0) << check_after.out;
  EXPECT_EQ(read_file(check_report).find("clippy::"), std::string::npos);
  const auto check_uncached = snipcheck("--no-cache --report json='" + check_report.string() + "'");
  EXPECT_EQ(read_file(check_report).find("clippy::"), std::string::npos);
  EXPECT_EQ(check_uncached.exit_code, 0);
  // ... and a lint run after a check run built again still has them.
  const auto [again, again_run] = lint("--no-cache");
  EXPECT_EQ(findings(again), findings(cold));
}

TEST_F(Lint, TheFailingLevelAndBadConfig)
{
  write("snipcheck.toml", "[lint]\nfail-on = \"deny\"\n");
  auto [report, run] = lint();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err; // warnings only
  EXPECT_FALSE(findings(report).empty());
  write("snipcheck.toml",
        "[lint]\nwarn = [\"clippy::pedantic\"]\nallow = [\"clippy::len_zero\"]\ndeny = [\"non_snake_case\"]\n"
        "fail-on = \"deny\"\n");
  std::tie(report, run) = lint();
  EXPECT_EQ(run.exit_code, 1) << run.out;
  bool len_zero = false;
  bool pedantic = false;
  for (const auto& [id, name, place, level, allowed] : findings(report)) {
    len_zero = len_zero || name == "clippy::len_zero";
    pedantic = pedantic || (name == "clippy::items_after_statements" && id == "ch01/1-4");
    if (name == "non_snake_case") {
      EXPECT_EQ(level, "deny");
    }
  }
  EXPECT_FALSE(len_zero);
  EXPECT_TRUE(pedantic) << report.dump(1); // clippy::pedantic's lints are on: `fn Greet` after a `let`
  write("snipcheck.toml", "[lint]\nwarn = [\n  \"clippy::needles_return\",\n]\n");
  auto bad = snipcheck("lint");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("snipcheck.toml:3"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("clippy::needles_return"), std::string::npos) << bad.err;
  write("snipcheck.toml", "[lint]\nlevels = [\"clippy::all\"]\n");
  bad = snipcheck("lint");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("snipcheck.toml:2"), std::string::npos) << bad.err;
  write("snipcheck.toml", "");
  write("expected/ch01.toml", "[\"ch01/1-7\"]\nallow = [\"clippy::needless_range_loop\"]\n");
  bad = snipcheck("lint");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("expected/ch01.toml:1"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("reason"), std::string::npos) << bad.err;
}

TEST_F(Lint, BlessLintsRecordsTodaysFindingsAsAllowed)
{
  const auto blessed = snipcheck("bless --lints");
  EXPECT_EQ(blessed.exit_code, 0) << blessed.out << blessed.err;
  const auto expected = read_file(m_book / "expected/ch01.toml");
  EXPECT_NE(expected.find("allow = [\"clippy::needless_return\"]"), std::string::npos) << expected;
  // The hand-written entry keeps its reason.
  EXPECT_NE(expected.find("the chapter shows the index loop"), std::string::npos) << expected;
  const auto [report, run] = lint();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  for (const auto& [id, name, place, level, allowed] : findings(report)) {
    EXPECT_TRUE(allowed) << id << " " << name;
  }
  const auto check = snipcheck("");
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err; // the entries change no verdict
}

TEST_F(Lint, GithubAndJunitReportsCarryTheFindings)
{
  const auto junit = m_temp / "lint.xml";
  const auto run = snipcheck("lint --report github --report junit='" + junit.string() + "'");
  EXPECT_EQ(run.exit_code, 1);
  const auto needless = place_of("src/ch01.md", "return a + b;");
  const auto line = needless.substr(needless.find(':') + 1);
  EXPECT_NE(run.out.find("::error file=src/ch01.md,line=" + line + ",col=5,title=snipcheck lint ch01/1-2"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("\n::warning file=src/ch01.md"), std::string::npos) << run.out;
  std::string annotations;
  for (const auto& line : snipcheck::text::split_lines(run.out)) {
    annotations += line.starts_with("::") ? line + "\n" : "";
  }
  EXPECT_EQ(annotations.find("ch01/1-7"), std::string::npos) << annotations; // allowed: not annotated
  EXPECT_NE(annotations.find("ch01/1-3"), std::string::npos) << annotations;
  const auto xml = read_file(junit);
  EXPECT_NE(xml.find("<failure type=\"lint\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<skipped message=\"expected not to compile\"/>"), std::string::npos) << xml;
}

} // namespace
