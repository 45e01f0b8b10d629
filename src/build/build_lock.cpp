#include "build/build_lock.hpp"

#include "cargo/process.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace snipcheck::build {

BuildLock BuildLock::acquire(const std::filesystem::path& build_dir, const util::Log& log)
{
  std::error_code ec;
  // Only its owner may read what was built and cached (listings' output, diagnostics).
  const bool created = std::filesystem::create_directories(build_dir, ec);
  if (ec) {
    // Say why the folder is missing (a read-only parent), not that the lock file is.
    throw Fatal(fmt::format("cannot create the build folder {}: {}; choose a writable folder with --build-dir",
                            build_dir.string(), ec.message()));
  }
  if (created) {
    std::filesystem::permissions(build_dir, std::filesystem::perms::owner_all, ec);
  }
  const auto path = build_dir / ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    throw Fatal(fmt::format("cannot write to the build folder {}: {}; choose a writable folder with --build-dir",
                            build_dir.string(), std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    log(fmt::format("waiting for another snipcheck run to finish with {}", build_dir.string()));
    // Polled, so that Ctrl-C (or SIGTERM, SIGHUP) ends the wait.
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR) {
        const int error = errno;
        ::close(fd);
        throw Fatal(fmt::format("cannot lock {}: {}", path.string(), std::strerror(error)));
      }
      if (cargo::interrupt_signal() != 0) {
        ::close(fd);
        throw cargo::Interrupted();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return BuildLock(fd);
}

BuildLock::BuildLock(BuildLock&& other) noexcept
  : m_fd(other.m_fd)
{
  other.m_fd = -1;
}

BuildLock::~BuildLock()
{
  if (m_fd >= 0) {
    ::close(m_fd); // releases the flock
  }
}

} // namespace snipcheck::build
