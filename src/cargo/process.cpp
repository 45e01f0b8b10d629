// The one translation unit that includes Boost.Process (v2: pidfd-based
// waiting on Linux, asio for the output pipes and the timeout).
#include "cargo/process.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>

#define BOOST_PROCESS_USE_STD_FS 1
// Compile the library's out-of-line parts here, once (src.hpp below).
#define BOOST_PROCESS_V2_SEPARATE_COMPILATION 1
// Boost 1.81's process v2 headers use these without including them.
#include <boost/optional.hpp>
#include <boost/type_traits/remove_pointer.hpp>
#include <type_traits>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>
#include <boost/process/v2/src.hpp> // the out-of-line parts, compiled here once

#include "util/errors.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <mutex>
#include <sched.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace snipcheck::cargo {

namespace asio = boost::asio;
namespace bp = boost::process::v2;

namespace {

// Set by the signal handler, read by every runner (ninja's SubprocessSet way:
// the handler does nothing else).
volatile std::sig_atomic_t g_interrupt_signal = 0;

extern "C" void on_interrupt(int signal_number)
{
  g_interrupt_signal = signal_number;
}

// ---------------------------------------------------------------------------
// Isolation, planned in the parent (which may allocate) and carried out in the
// child between fork and exec (which may only make system calls).

struct MountStep
{
  enum class Kind { tmpfs, bind_folder, bind_file, symlink };
  Kind kind = Kind::tmpfs;
  std::string source; // bind: the host path; symlink: the link's target; tmpfs: its options
  std::string target; // the place under the staging root
  bool read_only = true;
};

struct IsolationPlan
{
  int unshare_flags = 0;
  bool user_namespace = false;
  std::string uid_map; // "inside outside 1": the caller keeps its own uid
  std::string gid_map;
  std::string staging;  // where the new root is assembled before pivot_root
  std::string old_root; // where the old root goes, relative to the new one
  std::vector<MountStep> steps;
  std::string proc;
  std::string private_folder; // under staging; empty: none
  unsigned folder_owner = 0;
  std::string working_dir; // as seen in the view
  bool read_only_root = true;
};

// Creates every missing folder of `path`. Async-signal-safe.
bool make_folders(const char* path)
{
  char buffer[4096];
  const auto length = std::strlen(path);
  if (length >= sizeof(buffer)) {
    errno = ENAMETOOLONG;
    return false;
  }
  std::memcpy(buffer, path, length + 1);
  for (std::size_t k = 1; k <= length; ++k) {
    if (buffer[k] == '/' || buffer[k] == '\0') {
      const char kept = buffer[k];
      buffer[k] = '\0';
      if (::mkdir(buffer, 0755) != 0 && errno != EEXIST) {
        return false;
      }
      buffer[k] = kept;
    }
  }
  return true;
}

// Creates an empty file at `path` (and its folders) to bind a file onto.
bool make_file(const char* path)
{
  char parent[4096];
  const auto length = std::strlen(path);
  if (length >= sizeof(parent)) {
    errno = ENAMETOOLONG;
    return false;
  }
  std::memcpy(parent, path, length + 1);
  char* slash = std::strrchr(parent, '/');
  if (slash != nullptr && slash != parent) {
    *slash = '\0';
    if (!make_folders(parent)) {
      return false;
    }
  }
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return false;
  }
  ::close(fd);
  return true;
}

bool make_read_only(const char* target, bool recursive)
{
  mount_attr attributes{};
  attributes.attr_set = MOUNT_ATTR_RDONLY;
  if (::syscall(SYS_mount_setattr, AT_FDCWD, target, recursive ? AT_RECURSIVE : 0, &attributes, sizeof(attributes)) ==
      0) {
    return true;
  }
  if (errno != ENOSYS) {
    return false;
  }
  // Before Linux 5.12: remount the one bind read-only, keeping the locked flags.
  struct statvfs info
  {
  };
  if (::statvfs(target, &info) != 0) {
    return false;
  }
  unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
  flags |= (info.f_flag & ST_NOSUID) != 0 ? MS_NOSUID : 0;
  flags |= (info.f_flag & ST_NODEV) != 0 ? MS_NODEV : 0;
  flags |= (info.f_flag & ST_NOEXEC) != 0 ? MS_NOEXEC : 0;
  return ::mount(nullptr, target, nullptr, flags, nullptr) == 0;
}

bool write_text(const char* path, const std::string& text)
{
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return written;
}

// Assembles the view under plan.staging and makes it the root. Runs in the
// namespaces' first process. Async-signal-safe.
bool enter_view(const IsolationPlan& plan)
{
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return false;
  }
  for (const auto& step : plan.steps) {
    const char* target = step.target.c_str();
    switch (step.kind) {
    case MountStep::Kind::tmpfs:
      if (!make_folders(target) || ::mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, step.source.c_str()) != 0) {
        return false;
      }
      break;
    case MountStep::Kind::bind_folder:
    case MountStep::Kind::bind_file:
      if (!(step.kind == MountStep::Kind::bind_folder ? make_folders(target) : make_file(target)) ||
          ::mount(step.source.c_str(), target, nullptr, MS_BIND | MS_REC, nullptr) != 0 ||
          (step.read_only && !make_read_only(target, true))) {
        return false;
      }
      break;
    case MountStep::Kind::symlink: {
      char parent[4096];
      const auto length = std::min(step.target.size(), sizeof(parent) - 1);
      std::memcpy(parent, target, length);
      parent[length] = '\0';
      if (char* slash = std::strrchr(parent, '/'); slash != nullptr && slash != parent) {
        *slash = '\0';
        make_folders(parent);
      }
      if (::symlink(step.source.c_str(), target) != 0 && errno != EEXIST) {
        return false;
      }
      break;
    }
    }
  }
  if (!make_folders(plan.proc.c_str()) ||
      ::mount("proc", plan.proc.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    return false;
  }
  if (!plan.private_folder.empty()) {
    if (!make_folders(plan.private_folder.c_str()) || ::chmod(plan.private_folder.c_str(), 0700) != 0 ||
        ::chown(plan.private_folder.c_str(), plan.folder_owner, plan.folder_owner) != 0) {
      return false;
    }
  }
  return true;
}

bool pivot_into_view(const IsolationPlan& plan, const char* old_root_in_staging)
{
  if (!make_folders(old_root_in_staging) || ::syscall(SYS_pivot_root, plan.staging.c_str(), old_root_in_staging) != 0 ||
      ::chdir("/") != 0 || ::umount2(plan.old_root.c_str(), MNT_DETACH) != 0) {
    return false;
  }
  ::rmdir(plan.old_root.c_str());
  return !plan.read_only_root || make_read_only("/", false);
}

// Drops every capability, for good: from the bounding set (so that executing
// a program as root grants none) and from the current sets.
bool drop_capabilities()
{
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return false;
  }
  for (int capability = 0; capability < 64; ++capability) {
    if (::prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0 && errno == EINVAL) {
      break;
    }
  }
  return true;
}

bool clear_capability_sets()
{
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  return ::syscall(SYS_capset, &header, data) == 0;
}

void apply_limits(const Limits& limits)
{
  const auto limit = [](int resource, const std::optional<std::size_t>& value) {
    if (value) {
      rlimit bound{static_cast<rlim_t>(*value), static_cast<rlim_t>(*value)};
      ::setrlimit(resource, &bound);
    }
  };
  limit(RLIMIT_AS, limits.address_space_bytes);
  limit(RLIMIT_CPU, limits.cpu_seconds);
  limit(RLIMIT_FSIZE, limits.file_size_bytes);
  limit(RLIMIT_NPROC, limits.processes);
}

// Ends this process the way `status` (a wait status) says the program ended.
[[noreturn]] void end_like(int status)
{
  if (WIFSIGNALED(status)) {
    const int signal_number = WTERMSIG(status);
    rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    struct sigaction default_action
    {
    };
    default_action.sa_handler = SIG_DFL;
    ::sigaction(signal_number, &default_action, nullptr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal_number);
    ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
    ::kill(::getpid(), signal_number);
    ::_exit(128 + signal_number);
  }
  ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

// Closes every descriptor but `keep` (-1: none).
void close_all_but(int keep)
{
  if (keep > 0) {
    ::close_range(0, static_cast<unsigned>(keep - 1), 0);
  }
  ::close_range(static_cast<unsigned>(keep + 1), ~0U, 0);
}

// Runs in the child between fork and exec. Without isolation: process group,
// network namespace, rlimits, then the unprivileged uid (last: it removes the
// right to do the rest). With isolation the child becomes a chain:
//   A (forked by Boost.Process, waited for by the runner): enters the
//     namespaces, waits for B and ends as the program ended;
//   B (pid 1 of the new pid namespace): assembles the view, waits for C; when
//     B ends, the kernel kills every process left in the namespace;
//   C: drops capabilities and uid, and returns here to be executed.
struct ChildSetup
{
  const Command* command;
  const IsolationPlan* plan; // null: no isolation
  pid_t parent;
  std::string old_root_in_staging;

  template <typename Launcher>
  bp::error_code on_exec_setup(Launcher& launcher, const std::filesystem::path&, const char* const*&)
  {
    if (command->own_process_group) {
      ::setpgid(0, 0);
    }
    // Die with the snipcheck thread that started us, even when it is SIGKILLed.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {
      ::_exit(127);
    }
    if (plan != nullptr) {
      return isolate(launcher.fd_whitelist.back());
    }
    if (command->sandbox.new_network_namespace) {
      if (::unshare(::geteuid() == 0 ? CLONE_NEWNET : CLONE_NEWUSER | CLONE_NEWNET) != 0) {
        return {errno, bp::system_category()};
      }
    }
    apply_limits(command->limits);
    if (command->sandbox.run_as_uid) {
      const auto id = *command->sandbox.run_as_uid;
      if (::setgroups(0, nullptr) != 0 || ::setgid(id) != 0 || ::setuid(id) != 0) {
        return {errno, bp::system_category()};
      }
    }
    // Boost.Process 1.81 closes only the descriptors above its error pipe
    // (close_handles.ipp compares an entry with itself): others' pipes leak.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    return {};
  }

  // Reports errno through Boost.Process's error pipe and ends this process.
  [[noreturn]] static void fail(int error_pipe)
  {
    const int error = errno;
    (void)::write(error_pipe, &error, sizeof(error));
    ::_exit(127);
  }

  bp::error_code isolate(int error_pipe)
  {
    if (::unshare(plan->unshare_flags) != 0) {
      return {errno, bp::system_category()};
    }
    if (plan->user_namespace &&
        (!write_text("/proc/self/setgroups", "deny") || !write_text("/proc/self/uid_map", plan->uid_map) ||
         !write_text("/proc/self/gid_map", plan->gid_map))) {
      return {errno, bp::system_category()};
    }
    int status_pipe[2];
    if (::pipe2(status_pipe, O_CLOEXEC) != 0) {
      return {errno, bp::system_category()};
    }
    const pid_t init = ::fork();
    if (init < 0) {
      return {errno, bp::system_category()};
    }
    if (init > 0) { // A
      ::close(status_pipe[1]);
      close_all_but(status_pipe[0]);
      int init_status = 0;
      while (::waitpid(init, &init_status, 0) < 0 && errno == EINTR) {
      }
      int program_status = 0;
      if (::read(status_pipe[0], &program_status, sizeof(program_status)) != sizeof(program_status)) {
        program_status = init_status; // B died before the program ended (killed with the tree)
      }
      end_like(program_status);
    }
    // B: pid 1 of the new namespace.
    ::close(status_pipe[0]);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (!enter_view(*plan) || !pivot_into_view(*plan, old_root_in_staging.c_str())) {
      fail(error_pipe);
    }
    const pid_t program = ::fork();
    if (program < 0) {
      fail(error_pipe);
    }
    if (program > 0) {
      close_all_but(status_pipe[1]);
      for (;;) {
        int status = 0;
        const pid_t ended = ::waitpid(-1, &status, 0);
        if (ended == program) {
          (void)::write(status_pipe[1], &status, sizeof(status));
          ::_exit(0); // the kernel now kills whatever the program left behind
        }
        if (ended < 0 && errno != EINTR) {
          ::_exit(127);
        }
      }
    }
    // C: the program.
    ::close(status_pipe[1]);
    apply_limits(command->limits);
    if (!drop_capabilities()) {
      return {errno, bp::system_category()};
    }
    if (command->sandbox.run_as_uid) {
      const auto id = *command->sandbox.run_as_uid;
      if (::setgroups(0, nullptr) != 0 || ::setgid(id) != 0 || ::setuid(id) != 0) {
        return {errno, bp::system_category()};
      }
    }
    if (!clear_capability_sets() || ::chdir(plan->working_dir.c_str()) != 0) {
      return {errno, bp::system_category()};
    }
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    return {};
  }
};

// The mount point the new root is assembled on, in the child's own mount
// namespace: a folder that exists everywhere and that no view binds from.
std::string staging_folder()
{
  for (const char* candidate : {"/sys", "/mnt", "/srv", "/media"}) {
    std::error_code ec;
    if (std::filesystem::is_directory(candidate, ec)) {
      return candidate;
    }
  }
  return "/sys";
}

IsolationPlan plan_isolation(const Command& command)
{
  const auto& view = *command.sandbox.view;
  IsolationPlan plan;
  plan.unshare_flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC;
  if (command.sandbox.new_network_namespace) {
    plan.unshare_flags |= CLONE_NEWNET;
  }
  if (::geteuid() != 0) {
    plan.unshare_flags |= CLONE_NEWUSER;
    plan.user_namespace = true;
    plan.uid_map = fmt::format("{0} {0} 1", ::geteuid());
    plan.gid_map = fmt::format("{0} {0} 1", ::getegid());
  }
  plan.staging = staging_folder();
  plan.old_root = "/.snipcheck-old-root";
  const auto at = [&](const std::filesystem::path& path) { return plan.staging + path.lexically_normal().string(); };
  plan.steps.push_back({MountStep::Kind::tmpfs, "mode=0755,size=16m", plan.staging, false});
  for (const auto* folder : {"/tmp", "/var/tmp", "/dev/shm"}) {
    plan.steps.push_back({MountStep::Kind::tmpfs, "mode=1777,size=256m", at(folder), false});
  }
  for (const auto& device : view.devices) {
    plan.steps.push_back({MountStep::Kind::bind_file, "/dev/" + device, at("/dev/" + device), false});
  }
  for (const auto& [name, target] :
       std::initializer_list<std::pair<const char*, const char*>>{{"fd", "/proc/self/fd"},
                                                                  {"stdin", "/proc/self/fd/0"},
                                                                  {"stdout", "/proc/self/fd/1"},
                                                                  {"stderr", "/proc/self/fd/2"}}) {
    plan.steps.push_back({MountStep::Kind::symlink, target, at(std::string("/dev/") + name), false});
  }
  std::vector<std::pair<std::filesystem::path, bool>> binds;
  for (const auto& path : view.read_only) {
    binds.emplace_back(std::filesystem::absolute(path).lexically_normal(), true);
  }
  for (const auto& path : view.writable) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec); // a target folder cargo has not made yet
    binds.emplace_back(std::filesystem::absolute(path).lexically_normal(), false);
  }
  std::stable_sort(binds.begin(), binds.end(),
                   [](const auto& a, const auto& b) { return a.first.string().size() < b.first.string().size(); });
  for (const auto& [path, read_only] : binds) {
    std::error_code ec;
    const auto status = std::filesystem::symlink_status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
      continue;
    }
    if (std::filesystem::is_symlink(status)) {
      plan.steps.push_back(
          {MountStep::Kind::symlink, std::filesystem::read_symlink(path, ec).string(), at(path), read_only});
    } else {
      const auto kind =
          std::filesystem::is_directory(status) ? MountStep::Kind::bind_folder : MountStep::Kind::bind_file;
      plan.steps.push_back({kind, path.string(), at(path), read_only});
    }
  }
  if (!view.private_folder.empty()) {
    plan.private_folder = at(view.private_folder);
    plan.folder_owner = command.sandbox.run_as_uid.value_or(::geteuid());
  }
  for (const auto& [source, place] : view.files_at) {
    plan.steps.push_back({MountStep::Kind::bind_file, source.string(), at(place), true});
  }
  plan.proc = at("/proc");
  plan.working_dir =
      std::filesystem::absolute(command.working_dir.empty() ? std::filesystem::current_path() : command.working_dir)
          .lexically_normal()
          .string();
  return plan;
}

std::vector<std::string> child_environment(const Command& command)
{
  std::map<std::string, std::string> variables;
  if (command.environment == Environment::inherit) {
    for (char** entry = environ; *entry != nullptr; ++entry) {
      std::string_view text(*entry);
      const auto equals = text.find('=');
      if (equals != std::string_view::npos) {
        variables.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
      }
    }
    for (const auto& name : command.unset_env) {
      variables.erase(name);
    }
  }
  for (const auto& [name, value] : command.set_env) {
    variables[name] = value;
  }
  std::vector<std::string> result;
  for (const auto& [name, value] : variables) {
    result.push_back(name + "=" + value);
  }
  return result;
}

// Reads a pipe to its end, keeping at most `limit` bytes.
class CappedReader
{
public:
  CappedReader(asio::readable_pipe& pipe, std::string& sink, bool& truncated, std::size_t limit,
               std::function<void()> on_limit, std::function<void(std::string_view)> on_line = {})
    : m_pipe(pipe)
    , m_sink(sink)
    , m_truncated(truncated)
    , m_limit(limit)
    , m_on_limit(std::move(on_limit))
    , m_on_line(std::move(on_line))
  {}

  void start()
  {
    m_pipe.async_read_some(asio::buffer(m_chunk), [this](const bp::error_code& ec, std::size_t n) {
      const auto room = m_limit > m_sink.size() ? m_limit - m_sink.size() : 0;
      m_sink.append(m_chunk.data(), std::min(n, room));
      if (m_on_line) {
        for (auto end = m_sink.find('\n', m_line_start); end != std::string::npos;
             end = m_sink.find('\n', m_line_start)) {
          m_on_line(std::string_view(m_sink).substr(m_line_start, end - m_line_start));
          m_line_start = end + 1;
        }
      }
      if (n > room && !m_truncated) {
        m_truncated = true;
        if (m_on_limit) {
          m_on_limit();
        }
      }
      if (!ec) {
        start();
      } else if (m_on_end) {
        m_on_end();
      }
    });
  }

  void on_end(std::function<void()> callback) { m_on_end = std::move(callback); }

private:
  asio::readable_pipe& m_pipe;
  std::string& m_sink;
  bool& m_truncated;
  std::size_t m_limit;
  std::function<void()> m_on_limit;
  std::function<void(std::string_view)> m_on_line;
  std::function<void()> m_on_end;
  std::size_t m_line_start = 0;
  std::array<char, 65536> m_chunk{};
};

// How long output may still arrive after the child ended: a leftover that
// escaped the process group (only possible without isolation) cannot hold the run.
constexpr std::chrono::milliseconds drain_time{500};
constexpr std::chrono::milliseconds interrupt_poll{50};

class ProcessRunner : public CommandRunner
{
public:
  CommandResult run(const Command& command) override
  {
    if (g_interrupt_signal != 0) {
      throw Interrupted();
    }
    CommandResult result;
    const auto started = std::chrono::steady_clock::now();
    const bool isolated = command.sandbox.view.has_value();
    // In a view the program may sit at a place that exists there only.
    auto executable = isolated && command.argv.at(0).starts_with('/') ? std::filesystem::path(command.argv.at(0))
                                                                      : find_executable(command.argv.at(0));
    if (executable.empty()) {
      result.status.kind = ExitStatus::Kind::not_started;
      result.start_error = fmt::format("`{}` not found on PATH", command.argv.at(0));
      return result;
    }
    std::optional<IsolationPlan> plan;
    if (isolated) {
      plan = plan_isolation(command);
    }
    asio::io_context context;
    asio::readable_pipe out_pipe(context);
    asio::readable_pipe err_pipe(context);
    std::vector<std::string> arguments(command.argv.begin() + 1, command.argv.end());
    const auto environment = child_environment(command);
    std::optional<bp::process> child;
    try {
      child.emplace(context, executable, arguments, bp::process_stdio{nullptr, out_pipe, err_pipe},
                    bp::process_start_dir(command.working_dir.empty() || isolated ? std::filesystem::current_path()
                                                                                  : command.working_dir),
                    bp::process_environment(environment),
                    ChildSetup{&command, plan ? &*plan : nullptr, ::getpid(),
                               plan ? plan->staging + plan->old_root : std::string()});
    } catch (const std::exception& error) {
      result.status.kind = ExitStatus::Kind::not_started;
      result.start_error = error.what();
      return result;
    }
    const auto pid = child->id();
    bool output_limited = false;
    const auto stop_on_limit = [&] {
      if (command.kill_on_output_limit) {
        output_limited = true;
        kill_tree(pid, command.own_process_group);
      }
    };
    CappedReader out_reader(out_pipe, result.out, result.out_truncated, command.output_limit, stop_on_limit,
                            command.on_stdout_line);
    CappedReader err_reader(err_pipe, result.err, result.err_truncated, command.output_limit, stop_on_limit);
    asio::steady_timer drain(context);
    int open_pipes = 2;
    const auto pipe_ended = [&] {
      if (--open_pipes == 0) {
        drain.cancel(); // all output is in
      }
    };
    out_reader.on_end(pipe_ended);
    err_reader.on_end(pipe_ended);
    out_reader.start();
    err_reader.start();

    bool timed_out = false;
    bool interrupted = false;
    bool ended = false;
    asio::steady_timer timer(context);
    if (command.timeout) {
      timer.expires_after(*command.timeout);
      timer.async_wait([&](const bp::error_code& ec) {
        if (!ec) {
          timed_out = true;
          kill_tree(pid, command.own_process_group);
        }
      });
    }
    asio::steady_timer poll(context);
    std::function<void()> watch_for_interrupt = [&] {
      poll.expires_after(interrupt_poll);
      poll.async_wait([&](const bp::error_code& ec) {
        if (ec || ended) {
          return;
        }
        if (g_interrupt_signal != 0 && !interrupted) {
          interrupted = true;
          kill_tree(pid, command.own_process_group);
        }
        watch_for_interrupt();
      });
    };
    watch_for_interrupt();
    int native_status = 0;
    int drain_rounds = 0;
    std::function<void()> drain_then_close = [&] {
      drain.expires_after(drain_time);
      drain.async_wait([&](const bp::error_code& ec) {
        if (ec) {
          return;
        }
        // Output still waiting in a pipe is read first (a busy machine may
        // have kept us from it); a leftover that writes on is cut off.
        int waiting = 0;
        int bytes = 0;
        for (auto* pipe : {&out_pipe, &err_pipe}) {
          if (pipe->is_open() && ::ioctl(pipe->native_handle(), FIONREAD, &bytes) == 0) {
            waiting += bytes;
          }
        }
        if (waiting > 0 && ++drain_rounds < 10) {
          drain_then_close();
          return;
        }
        bp::error_code ignored;
        out_pipe.close(ignored);
        err_pipe.close(ignored);
      });
    };
    child->async_wait([&](const bp::error_code&, int) {
      native_status = child->native_exit_code();
      ended = true;
      timer.cancel();
      poll.cancel();
      // End the group with the child; then give the pipes a moment, no more.
      if (command.own_process_group) {
        ::kill(-pid, SIGKILL);
      }
      if (open_pipes > 0) {
        drain_then_close();
      }
    });
    context.run();
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    child->detach();
    if (interrupted) {
      throw Interrupted();
    }
    if (timed_out) {
      result.status.kind = ExitStatus::Kind::timed_out;
    } else if (output_limited) {
      result.status.kind = ExitStatus::Kind::output_limit;
    } else if (WIFSIGNALED(native_status)) {
      result.status.kind = ExitStatus::Kind::signaled;
      result.status.signal = WTERMSIG(native_status);
    } else {
      result.status.kind = ExitStatus::Kind::exited;
      result.status.code = WEXITSTATUS(native_status);
    }
    return result;
  }

private:
  static void kill_tree(int pid, bool group)
  {
    if (group) {
      ::kill(-pid, SIGKILL);
    }
    ::kill(pid, SIGKILL);
  }
};

// Where root keeps the sandbox uid locks: a folder only root can write, so a
// listing cannot plant a symlink there.
const std::filesystem::path sandbox_lock_folder = "/run/snipcheck";

} // namespace

std::string Command::display() const
{
  std::string text;
  for (const auto& [name, value] : set_env) {
    // What the caller's shell already has (PATH, HOME) would only hide what matters.
    const char* inherited = std::getenv(name.c_str());
    if (inherited == nullptr || value != inherited) {
      text += fmt::format("{}={} ", name, value);
    }
  }
  for (const auto& argument : argv) {
    if (!text.empty() && !text.ends_with(' ')) {
      text += ' ';
    }
    text += argument.find_first_of(" \"'$") == std::string::npos ? argument : fmt::format("'{}'", argument);
  }
  return text;
}

std::string ExitStatus::describe() const
{
  switch (kind) {
  case Kind::exited: return fmt::format("exit code {}", code);
  case Kind::signaled: return fmt::format("killed by signal {} ({})", signal, ::strsignal(signal));
  case Kind::timed_out: return "timed out";
  case Kind::output_limit: return "stopped: printed more than the output limit";
  case Kind::not_started: return "not started";
  }
  return "unknown";
}

std::unique_ptr<CommandRunner> make_process_runner()
{
  return std::make_unique<ProcessRunner>();
}

FileView system_view(std::vector<std::string> devices)
{
  FileView view;
  view.devices = std::move(devices);
  view.read_only = {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"};
  // What the C library, the linker driver and TLS read; never shadow or keys.
  for (const auto* file : {"passwd", "group", "nsswitch.conf", "hosts", "host.conf", "resolv.conf", "gai.conf",
                           "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "ssl/certs", "ca-certificates",
                           "ca-certificates.conf", "localtime", "os-release", "services", "protocols"}) {
    view.read_only.push_back(std::filesystem::path("/etc") / file);
  }
  return view;
}

bool isolation_available(std::string* why)
{
  static const std::pair<bool, std::string> probed = [] {
    Command probe;
    probe.argv = {"true"};
    probe.environment = Environment::clear;
    probe.working_dir = "/";
    probe.timeout = std::chrono::seconds(30);
    probe.sandbox.new_network_namespace = true;
    probe.sandbox.view = system_view({"null"});
    try {
      const auto result = ProcessRunner().run(probe);
      if (result.status.success()) {
        return std::pair<bool, std::string>{true, ""};
      }
      return std::pair<bool, std::string>{
          false, result.start_error.empty() ? result.status.describe() + " " + result.err : result.start_error};
    } catch (const Interrupted&) {
      return std::pair<bool, std::string>{false, "interrupted"};
    }
  }();
  if (why != nullptr) {
    *why = probed.second;
  }
  return probed.first;
}

int open_lock_file(const std::filesystem::path& folder, const std::string& name)
{
  if (::mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST) {
    throw Fatal(fmt::format("cannot create {}: {}", folder.string(), std::strerror(errno)));
  }
  const int directory = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat info
  {
  };
  if (directory < 0 || ::fstat(directory, &info) != 0 || info.st_uid != ::geteuid() || (info.st_mode & 022) != 0) {
    if (directory >= 0) {
      ::close(directory);
    }
    throw Fatal(fmt::format("{} must be a folder that only {} can write (is it a symlink, or writable by others?)",
                            folder.string(), ::geteuid() == 0 ? "root" : "you"));
  }
  const int fd = ::openat(directory, name.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  ::close(directory);
  if (fd >= 0 && (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode))) {
    ::close(fd);
    return -1;
  }
  return fd;
}

SandboxUid SandboxUid::acquire()
{
  // Not 62000-62999: snipcheck before 2026-11 locked those in /tmp, and must not share them.
  constexpr unsigned base = 61000;
  for (unsigned candidate = 0; candidate < 1000; ++candidate) {
    const int fd = open_lock_file(sandbox_lock_folder, fmt::format("uid-{}.lock", base + candidate));
    // Held until released: the uid is this slot's alone meanwhile.
    if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      kill_all_owned_by(base + candidate); // a crashed run's leftovers
      return SandboxUid(base + candidate, fd);
    }
    if (fd >= 0) {
      ::close(fd);
    }
  }
  throw Fatal(fmt::format("no free sandbox uid in {}-{}: 1000 listings running at once?", base, base + 999));
}

SandboxUid::SandboxUid(SandboxUid&& other) noexcept
  : m_uid(other.m_uid)
  , m_fd(other.m_fd)
{
  other.m_fd = -1;
}

SandboxUid::~SandboxUid()
{
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

void kill_all_owned_by(unsigned uid)
{
  if (::geteuid() != 0) {
    return;
  }
  // kill(-1) from a process running as `uid` reaches exactly that uid's processes.
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setgroups(0, nullptr) == 0 && ::setgid(uid) == 0 && ::setuid(uid) == 0) {
      ::kill(-1, SIGKILL);
    }
    ::_exit(0);
  }
  if (child > 0) {
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

void install_interrupt_handler()
{
  struct sigaction action
  {
  };
  action.sa_handler = on_interrupt;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    ::sigaction(signal_number, &action, nullptr);
  }
}

int interrupt_signal()
{
  return g_interrupt_signal;
}

std::filesystem::path find_executable(const std::string& name)
{
  if (name.find('/') != std::string::npos) {
    return ::access(name.c_str(), X_OK) == 0 ? std::filesystem::path(name) : std::filesystem::path();
  }
  const char* path = std::getenv("PATH");
  std::string_view directories = path != nullptr ? path : "/usr/bin:/bin";
  while (!directories.empty()) {
    const auto colon = directories.find(':');
    const auto directory = directories.substr(0, colon);
    if (!directory.empty()) {
      auto candidate = std::filesystem::path(directory) / name;
      if (::access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
    }
    if (colon == std::string_view::npos) {
      break;
    }
    directories.remove_prefix(colon + 1);
  }
  return {};
}

} // namespace snipcheck::cargo
