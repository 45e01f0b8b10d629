// What books claim beyond rustdoc (docs/claims.md): fence claims, test mode,
// the ignored-blocks inventory and output blocks, on tests/e2e/books/claims
// with its snipcheck.toml, against real cargo.
#include "e2e_support.hpp"

#include <fmt/format.h>

namespace snipcheck::e2e {
namespace {

using nlohmann::json;

const fs::path claims_book = source_dir / "tests/e2e/books/claims";

class Claims : public ::testing::Test
{
protected:
  static void SetUpTestSuite()
  {
    s_temp = fs::temp_directory_path() / ("snipcheck-claims-" + std::to_string(::getpid()));
    fs::remove_all(s_temp);
    fs::create_directories(s_temp);
    s_run = run_shell(fmt::format("'{}' --build-dir '{}' --ignored --report json='{}'", binary.string(),
                                  (s_temp / "build").string(), (s_temp / "report.json").string()),
                      claims_book, s_temp);
    s_report = json::parse(text::read_file(s_temp / "report.json"));
  }
  static void TearDownTestSuite() { fs::remove_all(s_temp); }

  static const json& result(const std::string& id) { return find_result(s_report, id); }

  static inline fs::path s_temp;
  static inline Finished s_run;
  static inline json s_report;
};

TEST_F(Claims, ABrokenClaimFailsTheRun)
{
  EXPECT_EQ(s_run.exit_code, 1) << s_run.out << s_run.err;
}

TEST_F(Claims, CorrectlyLabelledListingsPass)
{
  for (const auto* id : {"moved", "index-panics", "wrong-output", "reversed", "failing-test", "test-does-not-compile",
                         "transcript", "transcript-panic", "hello", "prose-between"}) {
    EXPECT_EQ(result(id)["status"], "pass") << id << ": " << result(id)["message"] << "\n" << s_run.out;
  }
  EXPECT_EQ(result("moved")["expected"]["from"], "fence");
  EXPECT_EQ(result("moved")["expected"]["outcome"], "compile-fail");
  EXPECT_EQ(result("moved")["expected"]["claim"], "does_not_compile");
  EXPECT_EQ(result("moved")["actual"]["errors"], json::array({"E0382"}));
  EXPECT_EQ(result("index-panics")["expected"]["outcome"], "run-fail");
  EXPECT_EQ(result("wrong-output")["expected"]["outcome"], "run");
  EXPECT_EQ(result("reversed")["actual"]["errors"], json::array({"E0308"}));
}

TEST_F(Claims, AMislabelledListingIsReportedAtItsFence)
{
  const auto& wrong = result("compiles-fine");
  EXPECT_EQ(wrong["status"], "fail");
  const auto message = wrong["message"].get<std::string>();
  EXPECT_NE(message.find("claims does_not_compile (fence at "), std::string::npos) << message;
  EXPECT_NE(message.find("claims.md:13), but it compiles (as a program)"), std::string::npos) << message;
  EXPECT_NE(s_run.out.find(message), std::string::npos) << s_run.out;

  const auto no_panic = result("no-panic")["message"].get<std::string>();
  EXPECT_EQ(result("no-panic")["status"], "fail");
  EXPECT_NE(no_panic.find("claims panics"), std::string::npos) << no_panic;
  EXPECT_NE(no_panic.find("but it runs to the end without panicking"), std::string::npos) << no_panic;

  const auto broken = result("panics-but-broken")["message"].get<std::string>();
  EXPECT_EQ(result("panics-but-broken")["status"], "fail");
  EXPECT_NE(broken.find("but it does not compile: [E0308]"), std::string::npos) << broken;
  EXPECT_NE(broken.find("should carry `does_not_compile` instead of `panics`"), std::string::npos) << broken;
}

TEST_F(Claims, ExpectedEntriesOverrideTheFence)
{
  const auto& overridden = result("overridden");
  EXPECT_EQ(overridden["status"], "pass") << overridden["message"];
  EXPECT_EQ(overridden["expected"]["outcome"], "compile");
  EXPECT_EQ(overridden["expected"]["from"], "expected/ch01.toml");
}

TEST_F(Claims, TestModeBuildsTheListingAsCargoTestDoes)
{
  const auto& failing = result("failing-test");
  EXPECT_EQ(failing["expected"]["mode"], "test");
  EXPECT_EQ(failing["actual"]["forms"], json::array({"library", "test crate"}));
  EXPECT_EQ(failing["actual"]["form"], "test crate");
  EXPECT_EQ(failing["actual"]["failing_tests"], json::array({"tests::another"}));

  const auto& not_compiling = result("test-does-not-compile");
  EXPECT_EQ(not_compiling["actual"]["form"], "test crate");
  EXPECT_EQ(not_compiling["actual"]["errors"], json::array({"E0599"}));

  const auto& passing = result("tests-pass");
  EXPECT_EQ(passing["status"], "fail");
  const auto message = passing["message"].get<std::string>();
  EXPECT_NE(message.find("but it runs to the end without panicking (as a library and as a test crate; its tests "
                         "pass)"),
            std::string::npos)
      << message;

  const auto& mode = result("mode-test");
  EXPECT_EQ(mode["status"], "pass") << mode["message"];
  EXPECT_EQ(mode["actual"]["failing_tests"], json::array({"tests::doubles"}));
}

TEST_F(Claims, TheInventorySaysWhatIgnoredBlocksDoToday)
{
  const auto& ignored = s_report["ignored"];
  ASSERT_TRUE(ignored.is_array()) << s_report.dump(2);
  std::map<std::string, json> by_id;
  for (const auto& entry : ignored) {
    by_id[entry["id"].get<std::string>()] = entry;
  }
  ASSERT_EQ(by_id.size(), 3U) << ignored.dump(2); // claimed blocks are not in it
  EXPECT_EQ(by_id["ignored-compiles"]["today"], "compiles");
  EXPECT_EQ(by_id["ignored-fails"]["today"], "fails");
  EXPECT_EQ(by_id["ignored-fails"]["errors"], json::array({"E0425"}));
  EXPECT_EQ(by_id["ignored-needs-crate"]["today"], "needs-crate") << by_id["ignored-needs-crate"].dump();
  EXPECT_EQ(by_id["ignored-needs-crate"]["crates"], json::array({"rand"}));
  // The blocks themselves stay skipped: the inventory never fails a run.
  EXPECT_EQ(result("ignored-fails")["status"], "skip");
  EXPECT_NE(s_run.out.find("3 ignored blocks without a claim, 1 of them compiles"), std::string::npos) << s_run.out;
}

TEST_F(Claims, AStaleOutputBlockIsReportedAtItsLinesWithADiff)
{
  const auto& stale = result("stale-output");
  EXPECT_EQ(stale["status"], "fail");
  const auto message = stale["message"].get<std::string>();
  EXPECT_TRUE(message.starts_with("printed something else than the output block at ")) << message;
  EXPECT_TRUE(message.ends_with("output.md:27-28 shows")) << message;
  EXPECT_NE(s_run.out.find("  | -The value of x is: 12\n  | +The value of x is: 10\n"), std::string::npos) << s_run.out;
  EXPECT_EQ(result("transcript")["expected"]["output_block"]["transcript"], true);
  EXPECT_FALSE(result("prose-between")["expected"].contains("output_block"));
}

TEST_F(Claims, ListShowsClaimsAndTheInventory)
{
  const auto listed =
      run_shell(fmt::format("'{}' --build-dir '{}' list --ignored", binary.string(), (s_temp / "build").string()),
                claims_book, s_temp);
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("compile-fail claim does_not_compile (fence)"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("run-fail claim panics test-mode (fence)"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("ignored: needs a crate that is not available: rand"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("ignored: compiles (`ignore` is not needed)"), std::string::npos) << listed.out;
}

TEST_F(Claims, ErrataNameTheTokenEachBlockShouldCarry)
{
  const auto errata = run_shell(
      fmt::format("'{}' --build-dir '{}' errata", binary.string(), (s_temp / "build").string()), claims_book, s_temp);
  EXPECT_NE(errata.out.find("## Broken claims"), std::string::npos) << errata.out << errata.err;
  EXPECT_NE(errata.out.find("- fix: the fence should carry `does_not_compile` instead of `panics`"), std::string::npos)
      << errata.out;
  EXPECT_NE(errata.out.find("- fix: remove `does_not_compile`"), std::string::npos) << errata.out;
  EXPECT_EQ(errata.out.find("moved"), std::string::npos) << "a correct claim is not an erratum\n" << errata.out;
}

TEST_F(Claims, BlessPrintsTheRightOutputBlockAndLeavesTheBookAlone)
{
  const auto copy = s_temp / "copy";
  fs::copy(claims_book, copy, fs::copy_options::recursive);
  const auto before = text::read_file(copy / "src/output.md");
  const auto blessed = run_shell(
      fmt::format("'{}' --build-dir '{}' bless 4", binary.string(), (s_temp / "build").string()), copy, s_temp);
  EXPECT_EQ(text::read_file(copy / "src/output.md"), before);
  EXPECT_NE(blessed.out.find("output.md:27-28: the output block of stale-output should read"), std::string::npos)
      << blessed.out << blessed.err;
  EXPECT_NE(blessed.out.find("  | ```text\n  | The value of x is: 5\n  | The value of x is: 10\n  | ```"),
            std::string::npos)
      << blessed.out;
}

// Without [markdown], the same book is read exactly as rustdoc reads it.
TEST(ClaimsOff, WithoutMarkdownSettingsTheBookFollowsRustdoc)
{
  const auto folder = fresh_test_folder("claims-off");
  const auto report = folder / "report.json";
  // The book without its snipcheck.toml, which --book would read (docs/settings.md).
  fs::copy(claims_book, folder / "book", fs::copy_options::recursive);
  fs::remove(folder / "book/snipcheck.toml");
  const auto run = run_shell(fmt::format("'{}' --book book --build-dir b --expected none --report json='{}'",
                                         binary.string(), report.string()),
                             folder, folder);
  const auto json_report = json::parse(text::read_file(report));
  EXPECT_EQ(find_result(json_report, "compiles-fine")["status"], "skip");
  EXPECT_EQ(find_result(json_report, "moved")["expected"]["outcome"], "skip");
  EXPECT_EQ(find_result(json_report, "reversed")["status"], "not-rust");
  // rustdoc runs `rust,panics` and fails it: the token means nothing to it.
  EXPECT_EQ(find_result(json_report, "index-panics")["status"], "fail");
  EXPECT_EQ(find_result(json_report, "stale-output")["status"], "pass");
  EXPECT_TRUE(json_report["ignored"].is_null());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  fs::remove_all(folder);
}

} // namespace
} // namespace snipcheck::e2e
