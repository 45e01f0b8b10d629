#include "check/bless_lock.hpp"

#include "util/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace snipcheck::check {

ExpectedFolderLock::ExpectedFolderLock(const std::filesystem::path& folder)
{
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  m_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (m_fd < 0) {
    throw Fatal(fmt::format("cannot open {} to lock it: {}", folder.string(), std::strerror(errno)));
  }
  while (::flock(m_fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      const auto error = errno;
      ::close(m_fd);
      throw Fatal(fmt::format("cannot lock {}: {}", folder.string(), std::strerror(error)));
    }
  }
}

ExpectedFolderLock::~ExpectedFolderLock()
{
  ::close(m_fd); // releases the lock
}

void remove_abandoned_temporaries(const std::filesystem::path& folder)
{
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const auto name = entry.path().filename().string();
    const auto marker = name.rfind(".tmp.");
    if (marker == std::string::npos || !name.substr(0, marker).ends_with(".toml")) {
      continue;
    }
    const auto pid_text = name.substr(marker + 5);
    if (pid_text.empty() || !std::all_of(pid_text.begin(), pid_text.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        pid_text.size() > 9) {
      continue;
    }
    const auto pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
}

} // namespace snipcheck::check
