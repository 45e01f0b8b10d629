#pragma once
// The only door to child processes. Everything above talks to a CommandRunner,
// so unit tests can replay captured cargo output instead of running cargo
// (as ninja's CommandRunner in src/build.h allows).

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace snipcheck::cargo {

// Resource limits applied to a child before it executes (setrlimit).
struct Limits
{
  std::optional<std::size_t> address_space_bytes;
  std::optional<std::size_t> cpu_seconds;
  std::optional<std::size_t> file_size_bytes;
  std::optional<std::size_t> processes;
};

enum class Environment { inherit, clear };

struct Command
{
  std::vector<std::string> argv; // argv[0] is looked up on PATH
  std::filesystem::path working_dir;
  Environment environment = Environment::inherit;
  std::map<std::string, std::string> set_env;   // applied on top
  std::vector<std::string> unset_env;           // removed from an inherited environment
  std::optional<std::chrono::milliseconds> timeout;
  std::size_t output_limit = 64 * 1024 * 1024;  // per stream; the rest is discarded
  Limits limits;
  bool own_process_group = true; // so a timeout kills the whole tree

  std::string display() const; // shell-like, for -v and reports
};

// How a child ended: these are kept apart (after Bear's ExitStatus).
struct ExitStatus
{
  enum class Kind { exited, signaled, timed_out, not_started };
  Kind kind = Kind::not_started;
  int code = 0;   // exit code when exited
  int signal = 0; // signal number when signaled

  bool success() const { return kind == Kind::exited && code == 0; }
  std::string describe() const;
};

struct CommandResult
{
  ExitStatus status;
  std::string out;
  std::string err;
  bool out_truncated = false;
  bool err_truncated = false;
  std::chrono::milliseconds duration{0};
  std::string start_error; // why it did not start (not_started)
};

class CommandRunner
{
public:
  virtual ~CommandRunner() = default;
  virtual CommandResult run(const Command& command) = 0;
};

std::unique_ptr<CommandRunner> make_process_runner();

// Finds an executable on PATH; empty when missing.
std::filesystem::path find_executable(const std::string& name);

} // namespace snipcheck::cargo
