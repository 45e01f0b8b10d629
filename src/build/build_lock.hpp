#pragma once
// One snipcheck run per build folder at a time: a second run waits for the
// first (flock on <build-dir>/.lock) instead of corrupting its workspace.

#include "util/log.hpp"

#include <filesystem>

namespace snipcheck::build {

class BuildLock
{
public:
  // Creates the build folder if needed; throws Fatal when it cannot.
  static BuildLock acquire(const std::filesystem::path& build_dir, const util::Log& log);
  BuildLock(BuildLock&& other) noexcept;
  BuildLock(const BuildLock&) = delete;
  BuildLock& operator=(const BuildLock&) = delete;
  BuildLock& operator=(BuildLock&&) = delete;
  ~BuildLock();

private:
  explicit BuildLock(int fd)
    : m_fd(fd)
  {}
  int m_fd = -1;
};

} // namespace snipcheck::build
