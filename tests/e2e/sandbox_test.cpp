// End-to-end: running a book's code is contained (issue: run listings safely),
// and bad input or interruptions never crash or corrupt anything.
#include "cargo/process.hpp"
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

class Hostile : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_temp = fresh_test_folder("sandbox");
    fs::create_directories(m_temp / "tmp");
  }
  void TearDown() override { fs::remove_all(m_temp); }

  // Starts snipcheck with argv in m_temp; returns its pid.
  pid_t start(const std::vector<std::string>& arguments) const
  {
    // TMPDIR of its own, so that run folders left behind are seen.
    return start_binary(m_temp, arguments, m_temp / "out.txt", m_temp / "err.txt", m_temp / "tmp");
  }

  Finished wait_for(pid_t pid) const
  {
    int status = 0;
    ::waitpid(pid, &status, 0);
    Finished finished;
    finished.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    finished.out = read_file(m_temp / "out.txt");
    finished.err = read_file(m_temp / "err.txt");
    return finished;
  }

  Finished snipcheck(const std::vector<std::string>& arguments) const { return wait_for(start(arguments)); }

  std::vector<std::string> hostile(const std::string& selector, const std::string& timeout = "2") const
  {
    return {"--book",
            (source_dir / "tests/e2e/books/hostile.txt").string(),
            "--expected",
            (source_dir / "tests/e2e/books/hostile-expected").string(),
            "--build-dir",
            (m_temp / "build").string(),
            "--timeout",
            timeout,
            "--no-cache",
            "--report",
            "json=" + (m_temp / "report.json").string(),
            selector};
  }

  json result(const std::string& id) const { return find_result(json::parse(read_file(m_temp / "report.json")), id); }

  // Processes still running a program of this test's book from a snipcheck
  // run folder (other tests may run at once: match the program's name too).
  static std::vector<std::string> leftovers()
  {
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
      std::ifstream cmdline(entry.path() / "cmdline");
      std::string text((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
      std::replace(text.begin(), text.end(), '\0', ' ');
      if (text.find("snipcheck-run-") != std::string::npos) {
        found.push_back(entry.path().filename().string() + " " + text);
      }
    }
    return found;
  }

  // Waits (up to a minute) until -v has announced `count` programs running, and a moment more.
  void wait_until_running(int count) const
  {
    for (int waited = 0; waited < 600; ++waited) {
      const auto err = read_file(m_temp / "err.txt");
      int started = 0;
      for (auto at = err.find("snipcheck-run-"); at != std::string::npos; at = err.find("snipcheck-run-", at + 1)) {
        ++started;
      }
      if (started >= count) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }

  // What snipcheck left in its temporary folder.
  std::vector<std::string> temporary_files() const
  {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(m_temp / "tmp")) {
      names.push_back(entry.path().string());
    }
    return names;
  }

  fs::path m_temp;
};

TEST_F(Hostile, EndlessLoopTimesOutWithinItsLimitAndLeavesNothing)
{
  const auto run = snipcheck(hostile("1.1"));
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto entry = result("ch01/1.1-1");
  EXPECT_EQ(entry["status"], "fail");
  EXPECT_EQ(entry["actual"]["outcome"], "timeout");
  EXPECT_NE(entry["message"].get<std::string>().find("timed out"), std::string::npos);
  // It ran its limit and was stopped. No upper wall-clock bound (CI machines are busy):
  // a hang would never write the report, and ctest's TIMEOUT ends it.
  EXPECT_GE(entry["duration_ms"].get<double>(), 2000);
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

TEST_F(Hostile, ForkBombIsContained)
{
  const auto run = snipcheck(hostile("1.2"));
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(result("ch01/1.2-1")["actual"]["outcome"], "timeout");
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

TEST_F(Hostile, MemoryHogIsStoppedByItsLimit)
{
  const auto run = snipcheck(hostile("1.3", "20"));
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto entry = result("ch01/1.3-1");
  EXPECT_EQ(entry["actual"]["outcome"], "run-fail"); // allocation failure aborts, well before the timeout
  EXPECT_NE(entry["message"].get<std::string>().find("ran but failed"), std::string::npos);
}

TEST_F(Hostile, OutputFloodIsCutAtTheCap)
{
  const auto run = snipcheck(hostile("1.4", "20"));
  EXPECT_EQ(run.exit_code, 1);
  const auto entry = result("ch01/1.4-1");
  EXPECT_NE(entry["message"].get<std::string>().find("output limit"), std::string::npos) << entry.dump();
  EXPECT_LE(entry["actual"]["stdout"].get<std::string>().size(), 1024u * 1024u);
}

TEST_F(Hostile, PanicIsWhatRunFailExpects)
{
  const auto run = snipcheck(hostile("1.5"));
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(result("ch01/1.5-1")["actual"]["exit_code"], 101);
}

TEST_F(Hostile, NetworkIsCutOffWhereTheMachineAllows)
{
  if (!snipcheck::cargo::isolation_available()) {
    GTEST_SKIP() << "this machine allows no private network namespace; snipcheck prints a notice instead";
  }
  // The host's own loopback: a listener the sandboxed program must not reach.
  const int host_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int yes = 1;
  ::setsockopt(host_listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(47631);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool listening = ::bind(host_listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
                         ::listen(host_listener, 4) == 0;
  const auto run = snipcheck(hostile("1.6"));
  ::close(host_listener);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(result("ch01/1.6-1")["actual"]["stdout"], "no network\n");
  // Its own loopback is up: a listener on 127.0.0.1 and its client exchange bytes.
  EXPECT_EQ(result("ch01/1.6-2")["status"], "pass") << result("ch01/1.6-2").dump();
  EXPECT_EQ(result("ch01/1.6-2")["actual"]["stdout"], "ping pong\n");
  EXPECT_EQ(result("ch01/1.6-3")["actual"]["stdout"], "host loopback out of reach\n") << "host listener: " << listening;
}

TEST_F(Hostile, EnvironmentIsClearedAndTheFolderIsFresh)
{
  const auto run = snipcheck(hostile("1.7"));
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto lines = snipcheck::text::split_lines(result("ch01/1.7-1")["actual"]["stdout"].get<std::string>());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "HOME,LANG,PATH,RUST_BACKTRACE,TMPDIR");
  EXPECT_NE(lines[1].find("snipcheck-run-"), std::string::npos);
  EXPECT_FALSE(fs::exists(lines[1])); // removed after the run
}

TEST_F(Hostile, InterruptKillsChildrenAndExits)
{
  // Warm the build so the interrupt lands while the listing runs.
  snipcheck(hostile("1.1", "1"));
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    SCOPED_TRACE(::strsignal(signal_number));
    auto arguments = hostile("1.1", "60");
    arguments.insert(arguments.begin(), "-v");
    const pid_t pid = start(arguments);
    wait_until_running(1);
    ::kill(pid, signal_number);
    const auto run = wait_for(pid);
    // The README's promise, for all three. Not 1: the listing's 60 s limit did not end it first.
    EXPECT_EQ(run.exit_code, 130) << run.err;
    EXPECT_EQ(leftovers(), std::vector<std::string>{});
    EXPECT_EQ(temporary_files(), std::vector<std::string>{}); // no run folder, no program copy
    EXPECT_FALSE(fs::exists(m_temp / "report.json.tmp"));     // nothing half-written
  }
}

TEST_F(Hostile, InterruptWithMoreProgramsThanSixteenKillsThemAll)
{
  // 20 listings that sleep, all running at once (-j 20): every one must die.
  std::string book = "# 1 Sleepers\n\n";
  for (int k = 1; k <= 20; ++k) {
    book += "```rust\nstd::thread::sleep(std::time::Duration::from_secs(600));\n```\n\n";
  }
  std::ofstream(m_temp / "sleepers.md") << book;
  const std::vector<std::string> arguments{"-v",
                                           "--book",
                                           (m_temp / "sleepers.md").string(),
                                           "--build-dir",
                                           (m_temp / "build").string(),
                                           "--timeout",
                                           "120",
                                           "--no-cache",
                                           "-j",
                                           "20"};
  snipcheck({"--book", (m_temp / "sleepers.md").string(), "--build-dir", (m_temp / "build").string(), "--timeout", "1",
             "-j", "20", "--no-cache"}); // build once
  const pid_t pid = start(arguments);
  wait_until_running(20);
  ::kill(pid, SIGHUP);
  const auto run = wait_for(pid);
  EXPECT_EQ(run.exit_code, 130) << run.err;
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
  EXPECT_EQ(temporary_files(), std::vector<std::string>{});
}

// The run helpers snipcheck (pid `parent`) started: their pids.
std::vector<pid_t> run_helpers_of(pid_t parent)
{
  std::vector<pid_t> helpers;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue; // not a process (/proc/net/stat is a folder)
    }
    std::ifstream cmdline(entry.path() / "cmdline");
    std::string text((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    std::ifstream stat_file(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
    const auto after_name = stat.rfind(')');
    if (text.find("--internal-run-helper") == std::string::npos || after_name == std::string::npos) {
      continue;
    }
    std::istringstream fields(stat.substr(after_name + 2));
    std::string state;
    pid_t ppid = 0;
    fields >> state >> ppid;
    if (ppid == parent) {
      helpers.push_back(std::stoi(name));
    }
  }
  return helpers;
}

// The programs run from a helper process per slot; when it dies, that is the
// environment failing (exit 3), never the listing's verdict, and its program
// dies with it.
TEST_F(Hostile, AKilledRunHelperIsAnEnvironmentFailure)
{
  snipcheck(hostile("1.1", "1")); // build first
  fs::remove(m_temp / "report.json");
  auto arguments = hostile("1.1", "60");
  arguments.insert(arguments.begin(), "-v");
  const pid_t pid = start(arguments);
  wait_until_running(1);
  const auto helpers = run_helpers_of(pid);
  ASSERT_EQ(helpers.size(), 1u) << "one slot, one helper";
  ::kill(helpers.front(), SIGKILL);
  const auto run = wait_for(pid);
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("run helper"), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find("FAIL"), std::string::npos) << run.out;
  EXPECT_FALSE(fs::exists(m_temp / "report.json")) << "no verdict was reported";
  // The program died with its helper (PR_SET_PDEATHSIG down the chain).
  for (int waited = 0; waited < 20 && !leftovers().empty(); ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
  EXPECT_EQ(temporary_files(), std::vector<std::string>{});
}

TEST_F(Hostile, TwoRunsOnOneBuildFolderTakeTurns)
{
  snipcheck(hostile("1.5"));                      // build first, so the two runs overlap while running
  const pid_t first = start(hostile("1.1", "3")); // holds the build folder for about 3 s
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // The second run, on the same build folder, from a sibling folder of its own.
  const auto other_dir = m_temp / "second";
  fs::create_directories(other_dir);
  const auto second =
      run_shell("'" + binary.string() + "' --book '" + (source_dir / "tests/e2e/books/hostile.txt").string() +
                    "' --expected '" + (source_dir / "tests/e2e/books/hostile-expected").string() + "' --build-dir '" +
                    (m_temp / "build").string() + "' --no-cache 1.5",
                other_dir, other_dir);
  const auto first_run = wait_for(first);
  EXPECT_EQ(first_run.exit_code, 1) << first_run.out << first_run.err; // the endless loop timed out
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.err.find("waiting for another snipcheck run"), std::string::npos);
}

} // namespace
