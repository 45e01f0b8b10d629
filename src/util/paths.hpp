#pragma once
// Whether a path lies inside a folder, for the places that confine what
// snipcheck reads or writes (book includes, bless's expected/ files).

#include <algorithm>
#include <filesystem>

namespace snipcheck::util {

// `path` is `folder` or lies below it. Both absolute and normal (canonical
// where symlinks matter): this compares names only.
inline bool is_within(const std::filesystem::path& path, const std::filesystem::path& folder)
{
  auto end = folder.end();
  if (folder.has_relative_path() && !folder.has_filename()) {
    --end; // "/a/b/" ends in an empty name that "/a/b/c" does not have
  }
  return std::mismatch(folder.begin(), end, path.begin(), path.end()).first == end;
}

} // namespace snipcheck::util
