#pragma once
// What `snipcheck fmt` says (docs/fmt.md): pure functions of a finished
// FmtRun. A line per listing that is not clean, a unified diff per listing at
// the book's lines for `--check`, and a summary.

#include "fmt/fmt.hpp"

#include <string>

namespace snipcheck::report {

enum class FmtMode { check, write };

// "would reformat ch01/1.1-2  src/ch01.md:12-20", "not formatted ch01/1.1-3 ...: why";
// empty for a listing that is formatted already.
std::string fmt_line(const formatting::FmtResult& result, FmtMode mode);

// A changed listing's block as a unified diff of its file, at the file's own lines.
std::string fmt_diff(const formatting::FmtResult& result);

// "fmt: 12 listings: 2 reformatted, 9 unchanged, 1 not formatted, 0 opted out".
std::string fmt_summary(const formatting::FmtRun& run, FmtMode mode);

} // namespace snipcheck::report
