// Fault injection (ctest label `heavy`): bless is killed with SIGKILL, SIGINT,
// SIGTERM or SIGHUP at random points, and every expected/ file must stay whole:
// parseable, and equal to either its old or its new content.
#include "e2e_support.hpp"

#include "check/expectation.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>

extern char** environ;

namespace {

using namespace snipcheck::e2e;
using snipcheck::text::read_file;

const fs::path shared_build = SNIPCHECK_E2E_BUILD_DIR;
constexpr int chapters = 12;

// Each chapter: a listing that passes, one whose fence names the wrong error
// code, and one that panics where the book says it runs.
std::string generated_book()
{
  std::string book;
  for (int chapter = 1; chapter <= chapters; ++chapter) {
    book += fmt::format("# {}. Chapter\n\n## {}.1 Section\n\n", chapter, chapter);
    book += fmt::format("```rust\nfn main() {{ println!(\"{}\"); }}\n```\n\n", chapter);
    book += fmt::format("```rust,compile_fail,E0499\nfn main() {{ let v = vec![{}]; let w = v; println!(\"{{v:?}} "
                        "{{w:?}}\"); }}\n```\n\n",
                        chapter);
    book += fmt::format("```rust\nfn main() {{ let v: Vec<u8> = vec![{}]; println!(\"{{}}\", v[9]); }}\n```\n\n",
                        chapter);
  }
  return book;
}

// The expected/ files before bless: each holds a hand-written entry that bless must update.
std::map<std::string, std::string> old_files()
{
  std::map<std::string, std::string> files;
  for (int chapter = 1; chapter <= chapters; ++chapter) {
    files[fmt::format("ch{:02}.toml", chapter)] =
        fmt::format("# Chapter {}, by hand.\n[\"ch{:02}/{}.1-2\"]\nexpect = \"compile-fail\" # wrong code\n"
                    "errors = [\"E0499\"]\nreason = \"moves\"\n",
                    chapter, chapter, chapter);
  }
  return files;
}

void restore(const fs::path& folder, const std::map<std::string, std::string>& files)
{
  fs::remove_all(folder);
  fs::create_directories(folder);
  for (const auto& [name, content] : files) {
    std::ofstream(folder / name, std::ios::binary) << content;
  }
}

pid_t start_bless(const fs::path& dir, const fs::path& build)
{
  const std::vector<std::string> arguments{binary.string(), "--book",      (dir / "book.md").string(),
                                           "--expected",    (dir / "expected").string(),
                                           "--build-dir",   build.string(), "--quiet", "bless"};
  std::vector<char*> argv;
  for (const auto& argument : arguments) {
    argv.push_back(const_cast<char*>(argument.c_str()));
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    throw std::runtime_error("cannot start snipcheck");
  }
  return pid;
}

int wait_for(pid_t pid)
{
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

TEST(BlessFaults, AKilledBlessLeavesEveryExpectedFileWhole)
{
  const auto dir = fresh_test_folder("bless-faults");
  const auto build = shared_build / "bless-faults";
  std::ofstream(dir / "book.md") << generated_book();
  const auto old = old_files();

  // The new content: one bless that is not interrupted (it also fills the cache).
  restore(dir / "expected", old);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(WIFEXITED(wait_for(start_bless(dir, build))));
  std::map<std::string, std::string> fresh;
  for (const auto& [name, content] : old) {
    fresh[name] = read_file(dir / "expected" / name);
    ASSERT_NE(fresh[name], content) << name << " was not blessed";
  }
  // A warm bless, timed, to spread the kills over it.
  restore(dir / "expected", old);
  const auto warm_started = std::chrono::steady_clock::now();
  ASSERT_TRUE(WIFEXITED(wait_for(start_bless(dir, build))));
  const auto warm = std::chrono::steady_clock::now() - warm_started;
  (void)started;

  std::mt19937 random(20261126);
  const int signals[] = {SIGKILL, SIGINT, SIGTERM, SIGHUP};
  int killed_midway = 0;
  int partly_blessed = 0; // kills that landed between the first file written and the last
  for (int attempt = 0; attempt < 40; ++attempt) {
    restore(dir / "expected", old);
    const auto pid = start_bless(dir, build);
    const auto delay = std::uniform_int_distribution<long>(
        0, std::chrono::duration_cast<std::chrono::microseconds>(warm).count() * 12 / 10)(random);
    std::this_thread::sleep_for(std::chrono::microseconds(delay));
    const int signal = signals[std::uniform_int_distribution<int>(0, 3)(random)];
    ::kill(pid, signal);
    const auto status = wait_for(pid);
    killed_midway += WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) >= 128) ? 1 : 0;
    int blessed = 0;
    for (const auto& [name, content] : old) {
      const auto now = read_file(dir / "expected" / name);
      EXPECT_TRUE(now == content || now == fresh.at(name))
          << name << " is neither old nor new after signal " << signal << " at " << delay << " us:\n"
          << now;
      EXPECT_NO_THROW(snipcheck::check::parse_expectation_file(now, dir / "expected" / name));
      blessed += now == fresh.at(name) ? 1 : 0;
    }
    partly_blessed += blessed > 0 && blessed < chapters ? 1 : 0;
    // A bless after the kill finishes the job and leaves no temporary behind.
    ASSERT_TRUE(WIFEXITED(wait_for(start_bless(dir, build))));
    for (const auto& entry : fs::directory_iterator(dir / "expected")) {
      const auto name = entry.path().filename().string();
      EXPECT_TRUE(fresh.contains(name)) << "left behind: " << name;
      if (fresh.contains(name)) {
        EXPECT_EQ(read_file(entry.path()), fresh.at(name));
      }
    }
  }
  EXPECT_GT(killed_midway, 0) << "no attempt interrupted bless; the test measured nothing";
  std::cout << "killed " << killed_midway << " of 40 blesses, " << partly_blessed << " while writing\n";
  fs::remove_all(dir);
}

} // namespace
