// The child's side of the sandbox, between fork and exec: only system calls
// (async-signal-safe), on what the parent planned (child_setup.hpp).
#include "cargo/child_setup.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace snipcheck::cargo {

namespace {

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

// A symlink at `step.target` to `step.source` (and its folders). Async-signal-safe.
bool make_symlink(const MountStep& step)
{
  char parent[4096];
  const auto length = std::min(step.target.size(), sizeof(parent) - 1);
  std::memcpy(parent, step.target.c_str(), length);
  parent[length] = '\0';
  if (char* slash = std::strrchr(parent, '/'); slash != nullptr && slash != parent) {
    *slash = '\0';
    make_folders(parent);
  }
  return ::symlink(step.source.c_str(), step.target.c_str()) == 0 || errno == EEXIST;
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
    case MountStep::Kind::symlink:
      if (!make_symlink(step)) {
        return false;
      }
      break;
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

bool pivot_into_view(const IsolationPlan& plan)
{
  const char* old_root_in_staging = plan.old_root_in_staging.c_str();
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

// Drops to an unprivileged uid and gid, with no supplementary groups.
bool become_user(unsigned id)
{
  return ::setgroups(0, nullptr) == 0 && ::setgid(id) == 0 && ::setuid(id) == 0;
}

// Reports errno through Boost.Process's error pipe and ends this process.
[[noreturn]] void fail(int error_pipe)
{
  const int error = errno;
  (void)::write(error_pipe, &error, sizeof(error));
  ::_exit(127);
}

// A: waits for B (`init`), then ends the way the program ended, as B reported
// it on `status_pipe`.
[[noreturn]] void end_with_program(pid_t init, const int status_pipe[2])
{
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

// B: reaps every process of the namespace until `program` ends, reports its
// status on `status_write` and ends, which kills whatever the program left behind.
[[noreturn]] void reap_until(pid_t program, int status_write)
{
  close_all_but(status_write);
  for (;;) {
    int status = 0;
    const pid_t ended = ::waitpid(-1, &status, 0);
    if (ended == program) {
      (void)::write(status_write, &status, sizeof(status));
      ::_exit(0); // the kernel now kills whatever the program left behind
    }
    if (ended < 0 && errno != EINTR) {
      ::_exit(127);
    }
  }
}

// A fresh network namespace has only `lo`, and it is down: brings it up, so a
// program can talk to itself over 127.0.0.1 and ::1 (the host stays out of reach).
bool bring_up_loopback()
{
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  struct ifreq request
  {
  };
  std::memcpy(request.ifr_name, "lo", 3);
  bool up = ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
  if (up) {
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP | IFF_RUNNING);
    up = ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
  }
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return up;
}

// C: limits, no capabilities, the unprivileged uid, the working folder. Returns 0 or errno.
int become_program(const Command& command, const IsolationPlan& plan)
{
  apply_limits(command.limits);
  if (!drop_capabilities()) {
    return errno;
  }
  if (command.sandbox.run_as_uid && !become_user(*command.sandbox.run_as_uid)) {
    return errno;
  }
  if (!clear_capability_sets() || ::chdir(plan.working_dir.c_str()) != 0) {
    return errno;
  }
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  return 0;
}

} // namespace

int prepare_child(const Command& command)
{
  if (command.sandbox.new_network_namespace) {
    if (::unshare(::geteuid() == 0 ? CLONE_NEWNET : CLONE_NEWUSER | CLONE_NEWNET) != 0 || !bring_up_loopback()) {
      return errno;
    }
  }
  apply_limits(command.limits);
  if (command.sandbox.run_as_uid && !become_user(*command.sandbox.run_as_uid)) {
    return errno;
  }
  // Boost.Process 1.81 closes only the descriptors above its error pipe
  // (close_handles.ipp compares an entry with itself): others' pipes leak.
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  return 0;
}

int enter_isolation(const Command& command, const IsolationPlan& plan, int error_pipe)
{
  if (::unshare(plan.unshare_flags) != 0) {
    return errno;
  }
  if (plan.user_namespace &&
      (!write_text("/proc/self/setgroups", "deny") || !write_text("/proc/self/uid_map", plan.uid_map) ||
       !write_text("/proc/self/gid_map", plan.gid_map))) {
    return errno;
  }
  if ((plan.unshare_flags & CLONE_NEWNET) != 0 && !bring_up_loopback()) {
    return errno;
  }
  int status_pipe[2];
  if (::pipe2(status_pipe, O_CLOEXEC) != 0) {
    return errno;
  }
  const pid_t init = ::fork();
  if (init < 0) {
    return errno;
  }
  if (init > 0) {
    end_with_program(init, status_pipe); // A
  }
  // B: pid 1 of the new namespace.
  ::close(status_pipe[0]);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (!enter_view(plan) || !pivot_into_view(plan)) {
    fail(error_pipe);
  }
  const pid_t program = ::fork();
  if (program < 0) {
    fail(error_pipe);
  }
  if (program > 0) {
    reap_until(program, status_pipe[1]);
  }
  // C: the program.
  ::close(status_pipe[1]);
  return become_program(command, plan);
}

} // namespace snipcheck::cargo
