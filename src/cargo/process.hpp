#pragma once
// The only door to child processes. Everything above talks to a CommandRunner,
// so unit tests can replay captured cargo output instead of running cargo
// (as ninja's CommandRunner in src/build.h allows).

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string_view>
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

// Isolation for running a book's code (never used for cargo itself).
struct Sandbox
{
  bool new_network_namespace = false; // no network: a fresh namespace with only a down loopback
  std::optional<unsigned> run_as_uid; // drop to this uid/gid (when started as root)
};

// The uid a book's programs run as when snipcheck runs as root: an unnamed
// uid reserved for this snipcheck process alone (a lock file per candidate
// keeps concurrent runs apart), so every process it owns after a run is a
// leftover of ours to kill.
unsigned sandbox_uid();

struct Command
{
  std::vector<std::string> argv; // argv[0] is looked up on PATH
  std::filesystem::path working_dir;
  Environment environment = Environment::inherit;
  std::map<std::string, std::string> set_env; // applied on top
  std::vector<std::string> unset_env;         // removed from an inherited environment
  std::optional<std::chrono::milliseconds> timeout;
  std::size_t output_limit = 64 * 1024 * 1024; // per stream; the rest is discarded
  Limits limits;
  Sandbox sandbox;
  bool own_process_group = true;     // so a timeout kills the whole tree
  bool kill_on_output_limit = false; // stop a program that prints without bound
  // Called with each complete line of standard output as it arrives (progress).
  std::function<void(std::string_view)> on_stdout_line;

  std::string display() const; // shell-like, for -v and reports
};

// How a child ended: these are kept apart (after Bear's ExitStatus).
struct ExitStatus
{
  enum class Kind { exited, signaled, timed_out, output_limit, not_started };
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

// Whether this machine lets an unprivileged process (or root) enter a new
// network namespace; probed once with a throwaway child.
bool network_isolation_available();

// Kills every process a sandboxed run left behind under `uid` (root only).
void kill_all_owned_by(unsigned uid);

// On SIGINT/SIGTERM: kill the running children's process groups (and any
// sandboxed leftovers), then exit 130. Installed once by the command line.
void install_interrupt_handler();

// Finds an executable on PATH; empty when missing.
std::filesystem::path find_executable(const std::string& name);

} // namespace snipcheck::cargo
