// Fault injection (ctest label `heavy`): snipcheck is killed (SIGKILL, SIGINT,
// SIGTERM, SIGHUP) at random points of runs over a generated book of a few
// hundred listings. Afterwards nothing it started may be left, and a run
// that uses whatever cache the killed runs left must judge every listing as a
// clean --no-cache run does.
#include "e2e_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <random>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

// 200 listings in 4 chapters: they run, compile, panic or (a few: each is a
// target of its own) fail to compile.
std::string generated_book()
{
  std::string book;
  for (int chapter = 1; chapter <= 4; ++chapter) {
    book += "# " + std::to_string(chapter) + " Chapter\n\n";
    for (int k = 0; k < 50; ++k) {
      const auto n = std::to_string(chapter * 1000 + k);
      if (k % 25 == 7) {
        book += "```rust,compile_fail\nlet x: u32 = \"" + n + "\";\n```\n\n";
      } else if (k % 3 == 0) {
        book += "```rust\nprintln!(\"" + n + "\");\n```\n\n";
      } else if (k % 3 == 1) {
        book += "```rust,no_run\nlet x: u32 = " + n + ";\nlet _ = x;\n```\n\n";
      } else {
        book += "```rust,should_panic\npanic!(\"" + n + "\");\n```\n\n";
      }
    }
  }
  return book;
}

// Processes (cargo, rustc, programs) whose command line names `folder`.
std::vector<std::string> processes_in(const fs::path& folder)
{
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::ifstream in(entry.path() / "cmdline");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::replace(text.begin(), text.end(), '\0', ' ');
    if (text.find(folder.string()) != std::string::npos) {
      found.push_back(entry.path().filename().string() + ": " + text.substr(0, 200));
    }
  }
  return found;
}

struct Finish
{
  int exit_code = -1; // 128 + signal when killed
  std::chrono::milliseconds took{0};
};

class FaultInjection : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_temp = fresh_test_folder("faults");
    fs::create_directories(m_temp / "tmp");
    std::ofstream(m_temp / "book.md") << generated_book();
  }
  void TearDown() override { fs::remove_all(m_temp); }

  // Starts snipcheck; when `kill_after` is set, sends `signal_number` then.
  Finish run(const fs::path& build_dir, const std::vector<std::string>& extra,
             std::optional<std::chrono::milliseconds> kill_after = {}, int signal_number = 0) const
  {
    const auto started = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::chdir(m_temp.c_str());
      const int out = ::open((m_temp / "out.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(out, 1);
      ::dup2(out, 2);
      ::setenv("TMPDIR", (m_temp / "tmp").c_str(), 1);
      std::vector<std::string> arguments{
          binary.string(), "--book", (m_temp / "book.md").string(), "--build-dir", build_dir.string(),
          "--timeout",     "30"};
      arguments.insert(arguments.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& argument : arguments) {
        argv.push_back(argument.data());
      }
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    if (kill_after) {
      std::this_thread::sleep_for(*kill_after);
      ::kill(pid, signal_number);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    Finish result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return result;
  }

  // id -> status and outcome, from a JSON report.
  std::map<std::string, std::string> verdicts(const fs::path& report) const
  {
    std::map<std::string, std::string> result;
    const auto parsed = json::parse(read_file(report));
    for (const auto& entry : parsed["results"]) {
      result[entry["id"]] = entry["status"].get<std::string>() + " " + entry["actual"]["outcome"].get<std::string>();
    }
    return result;
  }

  fs::path m_temp;
};

TEST_F(FaultInjection, RunsKilledAtRandomPointsLeaveNothingAndNoWrongCachedVerdict)
{
  const auto clean_report = m_temp / "clean.json";
  const auto clean = run(m_temp / "clean-build", {"--no-cache", "--report", "json=" + clean_report.string()});
  ASSERT_TRUE(clean.exit_code == 0 || clean.exit_code == 1) << clean.exit_code;
  const auto expected = verdicts(clean_report);
  ASSERT_EQ(expected.size(), 200u) << read_file(clean_report).substr(0, 2000);

  const auto seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  const int signals[] = {SIGKILL, SIGINT, SIGTERM, SIGHUP};
  const auto build = m_temp / "build";
  // Cold runs take clean.took; a kill lands anywhere in it (reading, building, running, caching).
  const auto span = std::max<long>(200, clean.took.count());
  for (int round = 0; round < 6; ++round) {
    // Every third round starts from an empty cache, so that kills land in cold builds too.
    if (round % 3 == 0) {
      std::error_code ec;
      fs::remove_all(build / "cache", ec);
    }
    const int signal_number = signals[(round + seed) % 4];
    const auto after = std::chrono::milliseconds(std::uniform_int_distribution<long>(0, span)(random));
    SCOPED_TRACE(fmt::format("round {}: {} after {} ms", round, ::strsignal(signal_number), after.count()));
    const auto killed = run(build, {}, after, signal_number);
    if (signal_number == SIGKILL) {
      EXPECT_TRUE(killed.exit_code == 128 + SIGKILL || killed.exit_code <= 1) << killed.exit_code;
    } else {
      // 130, or the run was over (0, 1) or not yet able to take the signal: killed by it.
      EXPECT_TRUE(killed.exit_code == 130 || killed.exit_code <= 1 || killed.exit_code == 128 + signal_number)
          << killed.exit_code;
    }
    // Nothing the killed run started lives on (the kernel may take a moment to reap).
    for (int waited = 0; waited < 50 && (!fs::is_empty(m_temp / "tmp") || !processes_in(m_temp).empty()); ++waited) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(fs::is_empty(m_temp / "tmp"));
    EXPECT_EQ(processes_in(m_temp), std::vector<std::string>{});
  }
  const auto final_report = m_temp / "final.json";
  const auto final_run = run(build, {"--report", "json=" + final_report.string()});
  EXPECT_EQ(final_run.exit_code, clean.exit_code) << read_file(m_temp / "out.txt");
  const auto actual = verdicts(final_report);
  for (const auto& [id, verdict] : expected) {
    EXPECT_EQ(actual.count(id) != 0 ? actual.at(id) : "missing", verdict) << id;
  }
}

} // namespace
