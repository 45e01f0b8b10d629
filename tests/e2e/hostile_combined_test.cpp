// End-to-end: every probe of issue 18 in one mdBook, beside innocent listings
// (tests/e2e/hostile/combined): includes that leave the project or read special
// or oversized files, output that is not UTF-8 or forges CI annotations,
// compilations that never end, programs that leave grandchildren or look for
// the caller's secrets, and two listings that differ only in a crate feature.
// Merged, with --no-merge and from the cache, every listing gets the same
// verdict, every innocent listing passes, and nothing leaks or is forged.
#include "e2e_support.hpp"
#include "util/utf8.hpp"

#include "support/workflow_commands.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::testing_support::reaches_a_terminal_raw;
using snipcheck::testing_support::snipcheck_annotations;
using snipcheck::text::read_file;

// Each listing's status; a refused include is that listing's failure (and exit 2 at the end).
const std::map<std::string, std::string> expected_statuses = {
    {"inc-absolute", "fail"},       {"inc-parent", "fail"},        {"inc-environ", "fail"},
    {"inc-symlink", "fail"},        {"inc-fifo", "fail"},          {"inc-huge", "fail"},
    {"innocent-includes", "pass"},  {"out-byte", "fail"},          {"out-stop-commands", "fail"},
    {"out-forged-error", "fail"},   {"out-legacy", "fail"},        {"out-compile-error", "fail"},
    {"out-escapes", "fail"},        {"innocent-output", "pass"},   {"compile-jobserver-fd", "fail"},
    {"compile-const-loop", "fail"}, {"innocent-compile", "pass"},  {"run-grandchild", "pass"},
    {"run-read-secrets", "pass"},   {"innocent-programs", "pass"}, {"crate-without-std", "pass"},
    {"crate-with-std", "pass"},     {"innocent-crates", "pass"},
};
constexpr int compile_limit_seconds = 15;
constexpr const char* passwd_line = "root:x:0:0:";

class HostileCombined : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_temp = fresh_test_folder("hostile-combined");
    // The project is a git work tree; the book is in it, the secret file beside it.
    m_book = m_temp / "project/book";
    fs::create_directories(m_temp / "project/.git");
    fs::copy(source_dir / "tests/e2e/hostile/combined", m_book, fs::copy_options::recursive);
    m_outside_secret = "snipcheck-combined-outside-" + std::to_string(::getpid());
    m_environ_secret = "snipcheck-combined-environ-" + std::to_string(::getpid());
    fs::create_directories(m_temp / "outside");
    std::ofstream(m_temp / "outside/secret.txt") << m_outside_secret << "\n";
    fs::create_symlink(m_temp / "outside/secret.txt", m_book / "src/leak.rs");
    EXPECT_EQ(::mkfifo((m_book / "src/pipe.rs").c_str(), 0644), 0);
    std::ofstream(m_book / "src/huge.rs").close();
    fs::resize_file(m_book / "src/huge.rs", 1500ull << 20); // a hole: no disk
  }
  void TearDown() override { fs::remove_all(m_temp); }

  // snipcheck on the book with the caller's secret in its environment; killed
  // after 600 s, so a hang fails the test instead of blocking it.
  Finished snipcheck(const std::string& build, const std::string& arguments) const
  {
    return run_shell("env SNIPCHECK_PROBE_SECRET=" + m_environ_secret + " timeout -s KILL 600 '" + binary.string() +
                         "' --book project/book --expected project/book/expected --build-dir '" + build +
                         "' --compile-timeout " + std::to_string(compile_limit_seconds) + " --color never " + arguments,
                     m_temp, m_temp);
  }

  json report(const std::string& name) const
  {
    const auto text = read_file(m_temp / name);
    EXPECT_TRUE(snipcheck::text::is_valid_utf8(text)) << name;
    for (const auto& secret : secrets()) {
      EXPECT_EQ(text.find(secret), std::string::npos) << name << " holds " << secret;
    }
    return json::parse(text);
  }

  static std::map<std::string, std::string> statuses(const json& report)
  {
    std::map<std::string, std::string> found;
    for (const auto& entry : report["results"]) {
      found[entry["id"].get<std::string>()] = entry["status"].get<std::string>();
    }
    return found;
  }

  std::vector<std::string> secrets() const { return {passwd_line, m_environ_secret, m_outside_secret}; }

  // Every regular file under `folder` that holds one of the secrets.
  std::vector<std::string> files_leaking(const fs::path& folder) const
  {
    std::vector<std::string> found;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file(ec) || it->is_symlink(ec) || it->file_size(ec) > (16u << 20)) {
        continue;
      }
      const auto content = read_file(it->path());
      for (const auto& secret : secrets()) {
        if (content.find(secret) != std::string::npos) {
          found.push_back(it->path().string() + " holds " + secret);
        }
      }
    }
    return found;
  }

  void expect_nothing_leaked_or_forged(const Finished& run, const std::string& how) const
  {
    for (const auto& secret : secrets()) {
      EXPECT_EQ(run.out.find(secret), std::string::npos) << how << ": " << secret;
      EXPECT_EQ(run.err.find(secret), std::string::npos) << how << ": " << secret;
    }
    EXPECT_FALSE(reaches_a_terminal_raw(run.out)) << how << "\n" << run.out;
    EXPECT_FALSE(reaches_a_terminal_raw(run.err)) << how << "\n" << run.err;
    EXPECT_TRUE(snipcheck::text::is_valid_utf8(run.out)) << how;
    // The grandchild died with the run.
    EXPECT_EQ(processes_with("snipcheck-combined-327"), std::vector<std::string>{}) << how << ": a grandchild survived";
  }

  fs::path m_temp;
  fs::path m_book;
  std::string m_outside_secret;
  std::string m_environ_secret;
};

TEST_F(HostileCombined, EveryProbeInOneBookIsContainedAndEveryInnocentListingIsReported)
{
  const auto merged = snipcheck((m_temp / "build").string(), "--no-cache --report github --report json=merged.json");
  ASSERT_NE(merged.exit_code, 137) << "the run hung\n" << merged.out << merged.err;
  EXPECT_EQ(merged.exit_code, 2) << merged.out << merged.err; // the refused includes are bad input
  EXPECT_NE(merged.err.find("the other listings were checked"), std::string::npos) << merged.err;
  const auto merged_report = report("merged.json");
  EXPECT_EQ(statuses(merged_report), expected_statuses);
  EXPECT_EQ(find_result(merged_report, "compile-const-loop")["actual"]["outcome"], "compile-timeout");
  EXPECT_EQ(find_result(merged_report, "out-byte")["actual"]["stdout_lossy"], true);
  expect_nothing_leaked_or_forged(merged, "merged");
  EXPECT_EQ(files_leaking(m_temp / "build"), std::vector<std::string>{});

  // Only snipcheck's own annotations, for exactly the failing listings (one per
  // error location), none forged.
  const auto annotations = snipcheck_annotations(merged.out);
  EXPECT_EQ(annotations.forged, std::vector<std::string>{});
  const std::set<std::string> annotated(annotations.ids.begin(), annotations.ids.end());
  std::set<std::string> failing;
  for (const auto& [id, status] : expected_statuses) {
    if (status == "fail") {
      failing.insert(id);
    }
  }
  EXPECT_EQ(annotated, failing) << merged.out;

  // One target per listing gives the same verdicts; so does a re-run from the cache.
  const auto alone = snipcheck((m_temp / "build-alone").string(), "--no-merge --report json=alone.json");
  EXPECT_EQ(alone.exit_code, 2) << alone.out << alone.err;
  EXPECT_EQ(statuses(report("alone.json")), expected_statuses);
  expect_nothing_leaked_or_forged(alone, "--no-merge");

  const auto cached = snipcheck((m_temp / "build-alone").string(), "--report json=cached.json");
  EXPECT_EQ(cached.exit_code, 2) << cached.out << cached.err;
  const auto cached_report = report("cached.json");
  EXPECT_EQ(statuses(cached_report), expected_statuses);
  EXPECT_EQ(find_result(cached_report, "innocent-output")["cached"], true);
  EXPECT_EQ(find_result(cached_report, "compile-const-loop")["actual"]["outcome"], "compile-timeout");
  expect_nothing_leaked_or_forged(cached, "cached");
  EXPECT_EQ(files_leaking(m_temp / "build-alone"), std::vector<std::string>{});
}

} // namespace
