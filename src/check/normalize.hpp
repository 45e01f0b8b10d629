#pragma once
// Normalization of rustc's rendered messages, as an ordered list of named
// passes (after trybuild's src/normalize.rs): each pass rewrites one kind of
// machine-specific detail so that what the user reads points at the book and
// does not depend on where the scratch workspace or the toolchain live.
// New passes go at the end, each with its own small test.

#include <functional>
#include <string>
#include <vector>

namespace snipcheck::check {

// Where a scratch file's line is in the book, if it is a listing line.
struct BookPlace
{
  std::string file;
  int line = 0; // 0: not a listing line (prelude, synthetic)
};

struct NormalizeContext
{
  std::string scratch_file;   // as rustc prints it, e.g. "ch02/src/bin/ch02_2_3_1.rs"
  std::string workspace_root; // absolute
  std::function<BookPlace(int scratch_line)> place;
};

struct NormalizePass
{
  std::string name;
  std::function<std::string(const std::string&, const NormalizeContext&)> apply;
};

const std::vector<NormalizePass>& normalize_passes();

std::string normalize(const std::string& rendered, const NormalizeContext& context);

} // namespace snipcheck::check
