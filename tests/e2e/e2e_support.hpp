#pragma once
// What the end-to-end tests share: where the real binary and the sources are,
// a fresh folder per test, and running a shell command with its output kept.
#include "util/text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace snipcheck::e2e {

namespace fs = std::filesystem;

inline const fs::path source_dir = SNIPCHECK_SOURCE_DIR;
inline const fs::path binary = SNIPCHECK_BINARY;

struct Finished
{
  int exit_code = -1;
  std::string out;
  std::string err;
};

// An empty folder named after the running test (created anew; the fixture removes it).
inline fs::path fresh_test_folder(const std::string& kind)
{
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  for (auto& c : name) {
    c = c == '/' ? '-' : c; // parameterized tests: "Case/Param"
  }
  const auto folder = fs::temp_directory_path() / ("snipcheck-" + kind + "-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

// Runs `command` with sh in `dir`; its stdout and stderr go through files in `scratch`.
inline Finished run_shell(const std::string& command, const fs::path& dir, const fs::path& scratch)
{
  const auto out = scratch / "stdout.txt";
  const auto err = scratch / "stderr.txt";
  const auto line = "cd '" + dir.string() + "' && " + command + " > '" + out.string() + "' 2> '" + err.string() +
                    "' < /dev/null";
  const int status = std::system(line.c_str());
  Finished finished;
  finished.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  finished.out = text::read_file(out);
  finished.err = text::read_file(err);
  return finished;
}

// The processes whose command line holds `marker` (pid: command line), read from /proc.
inline std::vector<std::string> processes_with(const std::string& marker)
{
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::ifstream in(entry.path() / "cmdline"); // the process may be gone: then nothing
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (auto& c : text) {
      c = c == '\0' ? ' ' : c;
    }
    if (text.find(marker) != std::string::npos) {
      found.push_back(entry.path().filename().string() + ": " + text);
    }
  }
  return found;
}

// The result for one listing id in a JSON report.
inline const nlohmann::json& find_result(const nlohmann::json& report, const std::string& id)
{
  for (const auto& entry : report["results"]) {
    if (entry["id"] == id) {
      return entry;
    }
  }
  throw std::runtime_error("no result for " + id);
}

} // namespace snipcheck::e2e
