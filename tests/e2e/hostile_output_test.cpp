// End-to-end: listings whose output is hostile data (tests/e2e/hostile/output/book.md):
// bytes that are not UTF-8, forged GitHub workflow commands, terminal escapes
// and NUL. Every listing must be reported with its own verdict, every report
// must stay valid, and nothing a listing prints may start a line of
// snipcheck's output or reach the terminal unescaped; a cached re-run must
// say exactly what a fresh one does.
#include "e2e_support.hpp"
#include "util/utf8.hpp"

#include "support/workflow_commands.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <map>
#include <set>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

const fs::path hostile_book = source_dir / "tests/e2e/hostile/output";

const std::map<std::string, std::string> expected_statuses = {
    {"stdout-byte", "pass"},    {"stdout-byte-mismatch", "fail"},
    {"stderr-byte", "fail"},    {"stop-commands", "fail"},
    {"forged-error", "fail"},   {"legacy-command", "fail"},
    {"compile-error", "fail"},  {"escapes", "fail"},
    {"stderr-escapes", "fail"}, {"innocent", "pass"},
};

using snipcheck::testing_support::command_lines;
using snipcheck::testing_support::reaches_a_terminal_raw;
using snipcheck::testing_support::snipcheck_annotations;

class HostileOutput : public ::testing::Test
{
protected:
  void SetUp() override { m_temp = fresh_test_folder("hostile-output"); }
  void TearDown() override { fs::remove_all(m_temp); }

  Finished snipcheck(const std::string& arguments) const
  {
    return run_shell("timeout -s KILL 300 '" + binary.string() + "' --book '" + (hostile_book / "book.md").string() +
                         "' --expected '" + (hostile_book / "expected").string() + "' --build-dir '" +
                         (m_temp / "build").string() + "' --color never " + arguments,
                     m_temp, m_temp);
  }

  json report(const std::string& name) const
  {
    const auto text = read_file(m_temp / name);
    EXPECT_TRUE(snipcheck::text::is_valid_utf8(text)) << name;
    return json::parse(text);
  }

  fs::path m_temp;
};

TEST_F(HostileOutput, EveryListingIsReportedAndNothingItPrintsForgesALineOrReachesTheTerminal)
{
  const auto run = snipcheck("--report github --report json='" + (m_temp / "report.json").string() +
                             "' --report junit='" + (m_temp / "junit.xml").string() + "'");
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto json_report = report("report.json");
  std::map<std::string, std::string> statuses;
  for (const auto& entry : json_report["results"]) {
    statuses[entry["id"].get<std::string>()] = entry["status"].get<std::string>();
  }
  EXPECT_EQ(statuses, expected_statuses);
  const auto& byte = find_result(json_report, "stdout-byte")["actual"];
  EXPECT_EQ(byte["stdout"], "before \xEF\xBF\xBD after\n") << byte.dump();
  EXPECT_EQ(byte["stdout_lossy"], true) << byte.dump();
  // The bytes, not the replacement character, are compared with expected/'s stdout.
  EXPECT_EQ(find_result(json_report, "stdout-byte-mismatch")["message"], "printed something else than expected");

  // Exactly snipcheck's own annotations, one per failing listing.
  const auto annotations = snipcheck_annotations(run.out);
  EXPECT_EQ(annotations.forged, std::vector<std::string>{});
  const auto& annotated = annotations.ids;
  std::multiset<std::string> failing;
  for (const auto& [id, status] : expected_statuses) {
    if (status == "fail") {
      failing.insert(id);
    }
  }
  EXPECT_EQ(annotated, failing) << run.out;
  EXPECT_EQ(run.out.find("##["), std::string::npos) << run.out;
  EXPECT_FALSE(reaches_a_terminal_raw(run.out)) << run.out;
  EXPECT_FALSE(reaches_a_terminal_raw(run.err)) << run.err;
  EXPECT_TRUE(snipcheck::text::is_valid_utf8(run.out)) << run.out;
  // What the listings printed is there, quoted and escaped.
  EXPECT_NE(run.out.find("  | ::stop-commands::snipcheck-hostile-token\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  | \\u{1b}[31mred\\u{1b}[0m \\0 \\u{7f}"), std::string::npos) << run.out;

  const auto junit = m_temp / "junit.xml";
  const auto schema = source_dir / "tests" / "data" / "junit.xsd";
  const auto validate = "xmllint --noout --schema '" + schema.string() + "' '" + junit.string() + "' 2>/dev/null";
  EXPECT_EQ(std::system(validate.c_str()), 0) << read_file(junit);

  // `show` quotes the program's output and rustc's rendering the same way.
  for (const auto* id : {"forged-error", "stderr-escapes", "compile-error"}) {
    const auto show = snipcheck(std::string("show ") + id);
    EXPECT_EQ(show.exit_code, 0) << show.out << show.err;
    EXPECT_EQ(command_lines(show.out), std::vector<std::string>{}) << show.out;
    EXPECT_FALSE(reaches_a_terminal_raw(show.out)) << show.out;
  }
}

TEST_F(HostileOutput, ACachedRunSaysWhatAFreshRunSays)
{
  const auto first = snipcheck("--report json='" + (m_temp / "first.json").string() + "'");
  ASSERT_EQ(first.exit_code, 1) << first.out << first.err;
  const auto cached = snipcheck("--report json='" + (m_temp / "cached.json").string() + "'");
  ASSERT_EQ(cached.exit_code, 1) << cached.out << cached.err;
  const auto fresh = snipcheck("--no-cache --report json='" + (m_temp / "fresh.json").string() + "'");
  ASSERT_EQ(fresh.exit_code, 1) << fresh.out << fresh.err;
  const auto cached_report = report("cached.json");
  const auto fresh_report = report("fresh.json");
  ASSERT_EQ(cached_report["results"].size(), expected_statuses.size());
  for (const auto& [id, status] : expected_statuses) {
    const auto& from_cache = find_result(cached_report, id);
    const auto& from_scratch = find_result(fresh_report, id);
    EXPECT_EQ(from_cache["status"], status) << id;
    EXPECT_EQ(from_scratch["status"], status) << id;
    EXPECT_EQ(from_cache["actual"], from_scratch["actual"]) << id;
    EXPECT_EQ(from_cache["message"], from_scratch["message"]) << id;
    // compile-error fails to build; failed builds are cached too.
    EXPECT_EQ(from_cache["cached"], true) << id;
    EXPECT_EQ(from_scratch["cached"], false) << id;
  }
}

} // namespace
