#pragma once
// The version and the git commit snipcheck was built from, for `--version`.
// Defined in a source generated at build time (cmake/write_version.cmake).

#include <string_view>

namespace snipcheck {

// The project version from CMakeLists.txt: "0.1.0".
std::string_view version();
// The short commit hash, "-modified" appended for uncommitted changes;
// "unknown" when built outside a git checkout without -DSNIPCHECK_COMMIT.
std::string_view commit();
// What `snipcheck --version` prints: "snipcheck 0.1.0 (0123456789ab 2026-11-26)".
std::string_view version_line();

} // namespace snipcheck
