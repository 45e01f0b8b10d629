#pragma once
// Paths shared by the unit tests.
#include <filesystem>

namespace snipcheck::testing {

inline std::filesystem::path source_dir()
{
  return SNIPCHECK_SOURCE_DIR;
}

inline std::filesystem::path bundled_book()
{
  return source_dir() / "snippets" / "intermediate-rust-programming.txt";
}

} // namespace snipcheck::testing
