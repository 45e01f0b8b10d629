// End-to-end: the costs of a big book grow with the book, not faster (issue 21).
// A run killed half-way keeps what it finished; a program that timed out in a
// batch costs one time limit, not two; the per-run clean-up scans nothing.
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <csignal>
#include <fstream>
#include <map>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

class Scaling : public ::testing::Test
{
protected:
  void SetUp() override { m_temp = fresh_test_folder("scaling"); }
  void TearDown() override { fs::remove_all(m_temp); }

  // A Markdown book: `tiny` listings in chapter 1 (each asserts and passes),
  // then chapter 2 holding `tail`.
  fs::path write_book(int tiny, const std::string& tail) const
  {
    std::string book = "# 1 Tiny\n\n## 1.1 Listings\n\n";
    for (int k = 1; k <= tiny; ++k) {
      book += "```rust\nfn f" + std::to_string(k) + "(x: u32) -> u32 { x + " + std::to_string(k) +
              " }\nfn main() { assert_eq!(f" + std::to_string(k) + "(1), " + std::to_string(k + 1) + "); }\n```\n\n";
    }
    book += "# 2 Tail\n\n## 2.1 Last\n\n```rust\n" + tail + "\n```\n";
    const auto path = m_temp / "book.md";
    std::ofstream(path) << book;
    fs::create_directories(m_temp / "expected");
    return path;
  }

  std::string command(const std::string& more) const
  {
    return "'" + binary.string() + "' --book book.md --expected expected --build-dir build --color never " + more;
  }

  Finished snipcheck(const std::string& more) const { return run_shell(command(more), m_temp, m_temp); }

  std::size_t cache_entries() const
  {
    std::size_t count = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_temp / "build" / "cache", ec)) {
      count += entry.path().extension() == ".json" ? 1 : 0;
    }
    return count;
  }

  json report(const std::string& name) const { return json::parse(read_file(m_temp / name)); }

  fs::path m_temp;
};

// Before: the cache was written when the whole cell had finished, so a run
// killed during the programs of a large book kept nothing.
TEST_F(Scaling, ARunKilledHalfWayKeepsTheListingsItFinished)
{
  constexpr int tiny = 60;
  write_book(tiny, "fn main() { std::thread::sleep(std::time::Duration::from_secs(60)); }");
  const pid_t pid = start_binary(
      m_temp,
      {"--book", "book.md", "--expected", "expected", "--build-dir", "build", "--timeout", "90", "--jobs", "2", "-q"},
      m_temp / "killed.out", m_temp / "killed.err");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(4);
  while (cache_entries() < static_cast<std::size_t>(tiny) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid, SIGKILL); // the sleeper is still running: the run is not finished
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it was killed";
  ASSERT_EQ(cache_entries(), static_cast<std::size_t>(tiny)) << "every tiny listing was cached as it finished";

  // The next run of chapter 1 (the same limit: it is part of the key) answers
  // every listing from the cache, without cargo.
  const auto again = snipcheck("-v --timeout 90 --report json=cached.json chapter 1");
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.err.find("cargo"), std::string::npos) << again.err;
  const auto cached = report("cached.json");
  EXPECT_EQ(cached["summary"]["cached"], tiny);
  EXPECT_EQ(cached["summary"]["pass"], tiny);
  // And the cached verdicts are a clean run's.
  const auto clean = snipcheck("--no-cache --timeout 90 --report json=clean.json chapter 1");
  ASSERT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  const auto fresh = report("clean.json");
  EXPECT_EQ(fresh["summary"]["cached"], 0);
  for (const auto& result : fresh["results"]) {
    const auto& other = find_result(cached, result["id"]);
    EXPECT_EQ(other["status"], result["status"]) << result["id"];
    EXPECT_EQ(other["actual"], result["actual"]) << result["id"];
  }
}

// Before: a member of a batch whose program hit --timeout was built and run
// alone, and hit it again: twice the limit for one verdict.
TEST_F(Scaling, AProgramThatTimesOutInABatchIsNotRunAgainAlone)
{
  write_book(3, "fn main() { let mut n: u64 = 0; loop { n = std::hint::black_box(n + 1); } }");
  const auto merged = snipcheck("-v --timeout 2 --report json=merged.json");
  EXPECT_EQ(merged.exit_code, 1) << merged.out << merged.err;
  EXPECT_EQ(merged.err.find("building and running it alone"), std::string::npos) << merged.err;
  const auto lone = snipcheck("--no-merge --no-cache --timeout 2 --report json=lone.json");
  EXPECT_EQ(lone.exit_code, 1) << lone.out << lone.err;
  const auto a = report("merged.json");
  const auto b = report("lone.json");
  ASSERT_EQ(a["results"].size(), b["results"].size());
  for (const auto& result : a["results"]) {
    const auto& other = find_result(b, result["id"]);
    EXPECT_EQ(other["status"], result["status"]) << result["id"];
    EXPECT_EQ(other["actual"]["outcome"], result["actual"]["outcome"]) << result["id"];
  }
  EXPECT_EQ(find_result(a, "ch02/2.1-1")["actual"]["outcome"], "timeout");
}

// Before: as root, every program run ended with kill_all_owned_by, a fork of
// snipcheck whose cost grew with its memory, so each run cost more than the
// last. Isolated, a program's processes die with its pid namespace: only a
// slot taking its uid kills that uid's leftovers (once per slot and round).
TEST_F(Scaling, IsolatedProgramsNeedNoKillingAfterEachRun)
{
  if (::geteuid() != 0 || std::system("strace -V >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "needs root (sandbox uids) and strace";
  }
  constexpr int programs = 12;
  write_book(programs - 1, "fn main() {}");
  const auto run = run_shell("strace -f -qq -e trace=kill -o strace.txt " + command("-q --jobs 2"), m_temp, m_temp);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  if (run.err.find("allows no private namespaces") != std::string::npos) {
    GTEST_SKIP() << "programs run without isolation here";
  }
  int kills = 0;
  for (const auto& line : snipcheck::text::split_lines(read_file(m_temp / "strace.txt"))) {
    kills += line.find("kill(-1, SIGKILL)") != std::string::npos ? 1 : 0;
  }
  EXPECT_LE(kills, 2) << "one per slot, not one per program (" << programs << ")";
}

// The processes snipcheck itself forks (not its threads, not what its
// children fork) in a run of `programs` tiny listings, counted under strace.
int snipcheck_forks(const Finished& run, const fs::path& trace)
{
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  std::set<std::string> snipcheck; // the main thread (the first to call clone) and its threads
  std::map<std::string, bool> pending_is_thread;
  int forks = 0;
  const auto record = [&](const std::string& pid, bool thread, const std::string& line) {
    const auto equals = line.rfind("= ");
    if (equals == std::string::npos || line.compare(equals + 2, 1, "-") == 0 || !snipcheck.contains(pid)) {
      return;
    }
    if (thread) {
      snipcheck.insert(line.substr(equals + 2, line.find_first_not_of("0123456789", equals + 2) - equals - 2));
    } else {
      ++forks;
    }
  };
  for (const auto& line : snipcheck::text::split_lines(read_file(trace))) {
    const auto pid = line.substr(0, line.find(' '));
    if (snipcheck.empty()) {
      snipcheck.insert(pid);
    }
    if (line.find("resumed>") != std::string::npos) {
      record(pid, pending_is_thread[pid], line);
    } else if (line.find("<unfinished") != std::string::npos) {
      pending_is_thread[pid] = line.find("CLONE_THREAD") != std::string::npos;
    } else if (line.find("clone") != std::string::npos || line.find("fork(") != std::string::npos) {
      record(pid, line.find("CLONE_THREAD") != std::string::npos, line);
    }
  }
  return forks;
}

// Before: every program was started by a fork of snipcheck (and its sandbox
// forked twice more from that copy), so each run copied snipcheck's page
// tables, which grow with the book. Programs are now started by a run helper
// per slot: snipcheck forks as often for 24 programs as for 4.
TEST_F(Scaling, SnipcheckForksPerSlotNotPerProgram)
{
  if (std::system("strace -V >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "needs strace";
  }
  const auto forks_for = [&](int programs) {
    write_book(programs - 1, "fn main() {}");
    fs::remove_all(m_temp / "build");
    const auto trace = m_temp / ("strace-" + std::to_string(programs) + ".txt");
    const auto run = run_shell("strace -f -qq -e trace=clone,clone3,fork,vfork -e signal=none -o '" + trace.string() +
                                   "' " + command("-q --jobs 2"),
                               m_temp, m_temp);
    return snipcheck_forks(run, trace);
  };
  const int few = forks_for(4);
  const int many = forks_for(24);
  EXPECT_GT(few, 0) << "the trace names snipcheck's forks";
  EXPECT_LE(many, few + 2) << "forks of snipcheck: " << few << " for 4 programs, " << many << " for 24";
}

// --timings names the phases, and the JSON report holds them.
TEST_F(Scaling, TimingsNameEveryPhase)
{
  write_book(4, "fn main() {}");
  const auto run = snipcheck("-q --timings --report json=report.json");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  for (const auto* phase :
       {"read", "plan", "cache lookup", "workspace", "cargo", "runs", "cache store", "compare", "floor"}) {
    EXPECT_NE(run.err.find(phase), std::string::npos) << phase << " in\n" << run.err;
  }
  const auto timings = report("report.json")["timings"];
  EXPECT_GT(timings["wall_ms"].get<double>(), 0);
  bool cargo_round = false;
  for (const auto& phase : timings["phases"]) {
    if (phase["phase"] == "cargo") {
      cargo_round = true;
      EXPECT_EQ(phase["round"], 1);
      EXPECT_GT(phase["count"].get<int>(), 0);
    }
  }
  EXPECT_TRUE(cargo_round) << timings.dump(2);
}

} // namespace
