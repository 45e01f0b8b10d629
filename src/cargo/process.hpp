#pragma once
// The only door to child processes. Everything above talks to a CommandRunner,
// so unit tests can replay captured cargo output instead of running cargo
// (as ninja's CommandRunner in src/build.h allows). The sandbox that contains
// a book's code, at compile time and at run time, lives here too.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
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

// What an isolated child sees of the file system: a root of its own holding
// only these paths, bound at their own places; an empty private /tmp, /var/tmp
// and /dev/shm; a /proc showing its own processes only; a /dev of a few devices.
struct FileView
{
  std::vector<std::filesystem::path> read_only;
  std::vector<std::filesystem::path> writable;
  std::vector<std::string> devices; // names under /dev
  // Single files bound read-only at another place: {host path, place in the view}.
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> files_at;
  // A folder made empty in the private /tmp and owned by the child (its working folder).
  std::filesystem::path private_folder;
};

// Isolation for running a book's code.
struct Sandbox
{
  bool new_network_namespace = false; // no network: a fresh namespace with only its loopback, up
  std::optional<unsigned> run_as_uid; // drop to this uid/gid (when started as root)
  // Private pid, mount and IPC namespaces with this view (see isolation_available()).
  // Every process the child leaves behind dies with it; capabilities are dropped.
  std::optional<FileView> view;
};

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

// Thrown by a runner when SIGINT, SIGTERM or SIGHUP arrived; the child's whole
// tree is killed by then. The command line turns it into exit code 130.
class Interrupted : public std::runtime_error
{
public:
  Interrupted()
    : std::runtime_error("interrupted")
  {}
};

class CommandRunner
{
public:
  virtual ~CommandRunner() = default;
  virtual CommandResult run(const Command& command) = 0;
  // A runner for one slot of commands run one after another (the programs of
  // run::run_programs), or nothing: then this one runs them. The process
  // runner's starts a run helper, a small process that starts the slot's
  // programs, so that starting one costs the same however large snipcheck grew.
  virtual std::unique_ptr<CommandRunner> runner_for_slot() { return nullptr; }
};

std::unique_ptr<CommandRunner> make_process_runner();

// When argv says this process is a run helper (started by a slot's runner):
// serves its requests and returns its exit code. Nothing otherwise.
std::optional<int> run_as_helper(int argc, char** argv);

// Whether this machine lets snipcheck (root or not: through a user namespace)
// enter private pid, mount, network and IPC namespaces with a FileView; probed
// once with a throwaway child. When not, `why` says what failed.
bool isolation_available(std::string* why = nullptr);

// The system part of every view: /usr, the merged-/usr links, the few files of
// /etc that programs and linkers read (never /etc/shadow), and `devices`.
FileView system_view(std::vector<std::string> devices);

// An unnamed uid reserved for one program slot of this snipcheck process, when
// it runs as root: a lock file per candidate uid, in a folder only root can
// write, keeps slots and concurrent runs apart, so every process the uid owns
// is a leftover of that slot's listing. Throws Fatal when none is free.
class SandboxUid
{
public:
  static SandboxUid acquire();
  SandboxUid(SandboxUid&& other) noexcept;
  SandboxUid(const SandboxUid&) = delete;
  SandboxUid& operator=(const SandboxUid&) = delete;
  SandboxUid& operator=(SandboxUid&&) = delete;
  ~SandboxUid();

  unsigned uid() const { return m_uid; }

private:
  SandboxUid(unsigned uid, int fd)
    : m_uid(uid)
    , m_fd(fd)
  {}
  unsigned m_uid = 0;
  int m_fd = -1;
};

// Opens (creating) `folder`/`name` for a lock without following a symlink, after
// checking that the folder is a real folder that only its owner (root) can write.
// Returns -1 when the name is taken by something else than a regular file; throws
// Fatal when the folder is unsafe or cannot be made.
int open_lock_file(const std::filesystem::path& folder, const std::string& name);

// Kills every process running as `uid` (root only).
void kill_all_owned_by(unsigned uid);

// SIGINT, SIGTERM and SIGHUP only set a flag (as ninja's SubprocessSet does);
// runners see it, kill their children and throw Interrupted. Installed once by
// the command line.
void install_interrupt_handler();

// The signal that interrupted the run, or 0.
int interrupt_signal();

// Finds an executable on PATH; empty when missing.
std::filesystem::path find_executable(const std::string& name);

} // namespace snipcheck::cargo
