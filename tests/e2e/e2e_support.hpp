#pragma once
// What the end-to-end tests share: where the real binary and the sources are,
// a fresh folder per test, and running a shell command with its output kept.
#include "util/text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <vector>
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
  const auto line =
      "cd '" + dir.string() + "' && " + command + " > '" + out.string() + "' 2> '" + err.string() + "' < /dev/null";
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

// Starts the real binary with `arguments` in `dir`, in the background, its
// stdout and stderr into those files, with `tmpdir` as TMPDIR when given.
// Returns its pid (waitpid it).
inline pid_t start_binary(const fs::path& dir, const std::vector<std::string>& arguments, const fs::path& out,
                          const fs::path& err, const fs::path& tmpdir = {})
{
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::chdir(dir.c_str());
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    if (!tmpdir.empty()) {
      ::setenv("TMPDIR", tmpdir.c_str(), 1);
    }
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const auto& argument : arguments) {
      argv.push_back(const_cast<char*>(argument.c_str()));
    }
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
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

// Each listing's status ("pass", "fail", ...) in the JSON report at `path`.
inline std::map<std::string, std::string> report_statuses(const fs::path& path)
{
  const auto report =
      nlohmann::json::parse(text::read_file(path)); // kept: a range-for over a temporary's member dangles
  std::map<std::string, std::string> statuses;
  for (const auto& entry : report["results"]) {
    statuses[entry["id"].get<std::string>()] = entry["status"].get<std::string>();
  }
  return statuses;
}

} // namespace snipcheck::e2e
