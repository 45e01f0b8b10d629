#pragma once
// What a run tells its caller while it works: notes for -v, and where it is
// for a live progress line. Kept apart from the result model, so that a stage
// that only logs (the build lock) needs nothing else.

#include <functional>
#include <string>

namespace snipcheck::util {

// Notes on what the pipeline does (cargo commands, notices) for -v.
using Log = std::function<void(const std::string&)>;

// Where a run is, for a live progress line.
struct Progress
{
  std::string cell;  // "stable 2021"
  std::string phase; // "building", "running ch05/5.1-1"
  int done = 0;      // listings finished in this cell
  int total = 0;
};
using ProgressFn = std::function<void(const Progress&)>;

} // namespace snipcheck::util
