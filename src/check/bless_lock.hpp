#pragma once
// One bless at a time edits an expected/ folder.

#include <filesystem>

namespace snipcheck::check {

// Holds an exclusive lock on the expected/ folder (flock on the folder itself,
// so nothing is left behind), for one read-modify-write of its files: two
// blesses at once then both keep their changes. Creates the folder. Throws Fatal.
class ExpectedFolderLock
{
public:
  explicit ExpectedFolderLock(const std::filesystem::path& folder);
  ~ExpectedFolderLock();
  ExpectedFolderLock(const ExpectedFolderLock&) = delete;
  ExpectedFolderLock& operator=(const ExpectedFolderLock&) = delete;

private:
  int m_fd = -1;
};

// Removes temporary files (chNN.toml.tmp.PID) that a bless killed between
// writing and renaming left in `folder`; only those of processes no longer alive.
void remove_abandoned_temporaries(const std::filesystem::path& folder);

} // namespace snipcheck::check
