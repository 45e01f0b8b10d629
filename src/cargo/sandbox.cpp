// The sandbox's parts outside the child: the system part of every view,
// whether this machine allows isolation, and the uids that programs run under
// as root, each locked by one slot.
#include "cargo/process.hpp"

#include "util/errors.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace snipcheck::cargo {

namespace {

// Where root keeps the sandbox uid locks: a folder only root can write, so a
// listing cannot plant a symlink there.
const std::filesystem::path sandbox_lock_folder = "/run/snipcheck";

} // namespace

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
      const auto result = make_process_runner()->run(probe);
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

} // namespace snipcheck::cargo
