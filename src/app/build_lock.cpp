#include "app/build_lock.hpp"

#include "util/errors.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace snipcheck::app {

BuildLock BuildLock::acquire(const std::filesystem::path& build_dir, const Log& log)
{
  std::error_code ec;
  std::filesystem::create_directories(build_dir, ec);
  if (ec) {
    // Say why the folder is missing (a read-only parent), not that the lock file is.
    throw Fatal(fmt::format("cannot create the build folder {}: {}; choose a writable folder with --build-dir",
                            build_dir.string(), ec.message()));
  }
  const auto path = build_dir / ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw Fatal(fmt::format("cannot write to the build folder {}: {}; choose a writable folder with --build-dir",
                            build_dir.string(), std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    log(fmt::format("waiting for another snipcheck run to finish with {}", build_dir.string()));
    if (::flock(fd, LOCK_EX) != 0) {
      ::close(fd);
      throw Fatal(fmt::format("cannot lock {}: {}", path.string(), std::strerror(errno)));
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

} // namespace snipcheck::app
