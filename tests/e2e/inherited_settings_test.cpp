// End-to-end: settings inherited from the caller (environment variables, a
// .cargo/config.toml above the build folder) never reach cargo, so a verdict,
// and the cached verdict, are those of a clean run.
#include "cargo/process.hpp"
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

struct Setting
{
  std::string name;        // test name
  std::string environment; // NAME=value for the run, or empty
  std::string config;      // a .cargo/config.toml above the build folder, or empty
  std::string listing;     // the listing whose verdict the setting would change
};

void PrintTo(const Setting& setting, std::ostream* out)
{
  *out << setting.name;
}

// CARGO_TARGET_<triple>_RUSTFLAGS names the host triple.
std::string host_triple_variable()
{
  const auto folder = fs::temp_directory_path();
  const auto rustc = run_shell("rustc -vV", folder, folder);
  const auto at = rustc.out.find("host: ");
  std::string triple = rustc.out.substr(at + 6, rustc.out.find('\n', at) - at - 6);
  for (auto& c : triple) {
    c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return triple;
}

class InheritedSetting : public ::testing::TestWithParam<Setting>
{
protected:
  void SetUp() override { m_temp = fresh_test_folder("settings"); }
  void TearDown() override { fs::remove_all(m_temp); }

  // The listing's status in a run from m_temp/work (below any config file).
  std::string status(const std::string& environment, const std::string& extra)
  {
    const auto work = m_temp / "work";
    fs::create_directories(work);
    const auto report = m_temp / "report.json";
    const auto run = run_shell("env " + environment + " '" + binary.string() + "' --book '" +
                                   (source_dir / "tests/e2e/books/settings.md").string() + "' --expected '" +
                                   (source_dir / "tests/e2e/books/settings-expected").string() + "' --build-dir '" +
                                   (work / "build").string() + "' --report json='" + report.string() + "' " + extra +
                                   " " + GetParam().listing,
                               work, m_temp);
    EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.out << run.err;
    return find_result(json::parse(read_file(report)), GetParam().listing)["status"].get<std::string>();
  }

  fs::path m_temp;
};

TEST_P(InheritedSetting, NeitherChangesNorPoisonsTheVerdict)
{
  const auto& setting = GetParam();
  std::string why;
  if (!setting.config.empty() && !snipcheck::cargo::isolation_available(&why)) {
    GTEST_SKIP() << "without private namespaces (" << why << ") cargo reads the configuration files above the "
                 << "build folder (README)";
  }
  if (!setting.config.empty()) {
    fs::create_directories(m_temp / ".cargo");
    std::ofstream(m_temp / ".cargo" / "config.toml") << setting.config;
  }
  // With the setting and an empty cache: a clean run's verdict (every listing passes as annotated).
  EXPECT_EQ(status(setting.environment, ""), "pass") << "the setting reached cargo";
  fs::remove_all(m_temp / ".cargo");
  // Without it, from the cache that run filled, and with no cache at all: the same.
  EXPECT_EQ(status("", ""), "pass") << "a verdict made under the setting was cached";
  EXPECT_EQ(status("", "--no-cache"), "pass");
}

INSTANTIATE_TEST_SUITE_P(
    Settings, InheritedSetting,
    ::testing::Values(
        Setting{"RustcBootstrap", "RUSTC_BOOTSTRAP=1", "", "feature-gate"},
        Setting{"CargoProfile", "CARGO_PROFILE_DEV_OVERFLOW_CHECKS=false", "", "overflow"},
        Setting{"CargoTargetRustflags",
                "CARGO_TARGET_" + host_triple_variable() + "_RUSTFLAGS=--cfg=snipcheck_injected", "", "cfg-injected"},
        Setting{"CargoEncodedRustflags", "CARGO_ENCODED_RUSTFLAGS=--cfg=snipcheck_injected", "", "cfg-injected"},
        Setting{"Rustflags", "RUSTFLAGS=--cfg=snipcheck_injected", "", "cfg-injected"},
        Setting{"CargoConfigAboveTheBuildFolder", "", "[build]\nrustflags = [\"--cfg=snipcheck_injected\"]\n",
                "cfg-injected"},
        Setting{"CargoConfigProfile", "", "[profile.dev]\noverflow-checks = false\n", "overflow"}),
    [](const ::testing::TestParamInfo<Setting>& info) { return info.param.name; });

} // namespace
