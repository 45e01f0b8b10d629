// End-to-end: listings that never finish compiling (tests/e2e/hostile/compile/).
// Each must end at the compile-time limit with a verdict of its own, the
// innocent listing batched with them must pass, merged must equal
// --no-merge, and the run must end in bounded time with exit 1, not 3.
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <map>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

const fs::path compile_book = source_dir / "tests/e2e/hostile/compile";
constexpr int compile_limit_seconds = 15;

struct Checked
{
  Finished finished;
  json report;
  std::chrono::seconds took{0};
};

class CompileLimit : public ::testing::Test
{
protected:
  void SetUp() override { m_temp = fresh_test_folder("compile-limit"); }
  void TearDown() override { fs::remove_all(m_temp); }

  Checked check(const std::string& name, const std::string& more)
  {
    const auto report_path = m_temp / (name + ".json");
    const auto started = std::chrono::steady_clock::now();
    Checked checked;
    // The watchdog is far above what the limit allows: a hang is a failure, not a stuck test.
    checked.finished = run_shell(
        "timeout -s KILL 600 '" + binary.string() + "' --book '" + (compile_book / "book.md").string() +
            "' --expected '" + (compile_book / "expected").string() + "' --build-dir '" +
            (m_temp / ("build-" + name)).string() + "' --compile-timeout " + std::to_string(compile_limit_seconds) +
            " --no-cache --report json='" + report_path.string() + "' " + more,
        m_temp, m_temp);
    checked.took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
    if (fs::exists(report_path)) {
      checked.report = json::parse(read_file(report_path));
    }
    return checked;
  }

  fs::path m_temp;
};

std::map<std::string, std::string> outcomes(const json& report)
{
  std::map<std::string, std::string> found;
  for (const auto& entry : report["results"]) {
    found[entry["id"].get<std::string>()] =
        entry["status"].get<std::string>() + " " +
        (entry["actual"].is_null() ? "-" : entry["actual"]["outcome"].get<std::string>());
  }
  return found;
}

TEST_F(CompileLimit, EndlessCompilationsGetTheirOwnVerdictMergedOrNot)
{
  const auto merged = check("merged", "");
  ASSERT_EQ(merged.finished.exit_code, 1) << merged.finished.out << merged.finished.err;
  const auto& report = merged.report;
  const auto result = [&](const std::string& id) { return find_result(report, id); };

  EXPECT_EQ(result("innocent")["status"], "pass") << result("innocent").dump();
  EXPECT_EQ(result("const-loop")["status"], "fail");
  EXPECT_EQ(result("const-loop")["actual"]["outcome"], "compile-timeout") << result("const-loop").dump();
  EXPECT_NE(result("const-loop")["message"].get<std::string>().find("timed out while compiling"), std::string::npos);
  // rustc gets no descriptor of cargo's: the read fails at once (or, if a
  // descriptor of rustc's own blocks it, the limit ends it). Either way a
  // failure of that listing, never the environment's.
  EXPECT_EQ(result("jobserver-fd")["status"], "fail") << result("jobserver-fd").dump();
  const auto fd_outcome = result("jobserver-fd")["actual"]["outcome"].get<std::string>();
  EXPECT_TRUE(fd_outcome == "compile-fail" || fd_outcome == "compile-timeout") << fd_outcome;
  // The batch hits the limit once, then its members alone: two limits, plus building.
  EXPECT_LT(merged.took.count(), 4 * compile_limit_seconds + 60) << merged.took.count() << " s";

  const auto alone = check("alone", "--no-merge");
  ASSERT_EQ(alone.finished.exit_code, 1) << alone.finished.out << alone.finished.err;
  EXPECT_EQ(outcomes(alone.report), outcomes(report));
  EXPECT_LT(alone.took.count(), 2 * compile_limit_seconds + 60) << alone.took.count() << " s";
}

// Item 8 of issue 18: what the generated Cargo.toml is made of is bad input
// (exit 2, at its line), never a broken environment (exit 3).
class CargoInput : public ::testing::Test
{
protected:
  void SetUp() override { m_temp = fresh_test_folder("cargo-input"); }
  void TearDown() override { fs::remove_all(m_temp); }

  Finished check_with_deps(const std::string& deps_line)
  {
    fs::create_directories(m_temp / "book/expected");
    std::ofstream(m_temp / "book/book.md") << "# 1 Deps\n\n```rust,{id=with-deps}\nfn main() {}\n```\n";
    std::ofstream(m_temp / "book/expected/ch01.toml") << "[\"with-deps\"]\n" << deps_line << "\n";
    return run_shell("timeout -s KILL 300 '" + binary.string() + "' --book book.md --expected expected --build-dir '" +
                         (m_temp / "build").string() + "' --no-cache",
                     m_temp / "book", m_temp);
  }

  fs::path m_temp;
};

TEST_F(CargoInput, ADependencyNameCargoWouldRefuseIsBadInputAtItsLine)
{
  for (const auto* deps :
       {"deps = { \"a b\" = \"1\" }", "deps = { \"x\\n[patch.crates-io]\" = \"1\" }", "deps = { 'q\"uote' = \"1\" }"}) {
    const auto run = check_with_deps(deps);
    EXPECT_EQ(run.exit_code, 2) << deps << "\n" << run.out << run.err;
    EXPECT_NE(run.err.find("ch01.toml:2:"), std::string::npos) << deps << "\n" << run.err;
    EXPECT_NE(run.err.find("is not a crate name"), std::string::npos) << deps << "\n" << run.err;
  }
}

TEST_F(CargoInput, APathCratesOwnPathDependencyIsVisibleToCargo)
{
  // helper depends on { path = "../inner" }: cargo must see inner too.
  const auto book = source_dir / "tests/e2e/hostile/path-crates";
  const auto run =
      run_shell("timeout -s KILL 300 '" + binary.string() + "' --build-dir '" + (m_temp / "build").string() +
                    "' --no-cache --report json='" + (m_temp / "report.json").string() + "'",
                book, m_temp);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto report = json::parse(read_file(m_temp / "report.json"));
  EXPECT_EQ(find_result(report, "uses-helper")["actual"]["stdout"], "42\n");
}

TEST_F(CargoInput, AMissingPathDependencyOfAPathCrateIsNamedWithItsManifestLine)
{
  fs::create_directories(m_temp / "book/helper/src");
  fs::create_directories(m_temp / "book/expected");
  std::ofstream(m_temp / "book/helper/Cargo.toml")
      << "[package]\nname = \"helper\"\nversion = \"0.1.0\"\n\n[dependencies]\ninner = { path = \"../inner\" }\n";
  std::ofstream(m_temp / "book/helper/src/lib.rs") << "pub fn answer() -> u32 { 42 }\n";
  std::ofstream(m_temp / "book/snipcheck.toml")
      << "book = \"book.md\"\n\n[dependencies]\nhelper = { path = \"helper\" }\n";
  std::ofstream(m_temp / "book/book.md") << "# 1 Deps\n\n```rust\nfn main() {}\n```\n";
  const auto run = run_shell("timeout -s KILL 300 '" + binary.string() + "' --build-dir '" +
                                 (m_temp / "build").string() + "' --no-cache",
                             m_temp / "book", m_temp);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("helper/Cargo.toml:6:"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("path dependency `inner`: no Cargo.toml in"), std::string::npos) << run.err;
}

} // namespace
