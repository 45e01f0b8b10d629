#pragma once
// The local crates behind a book's path dependency: the crate, every crate
// its Cargo.toml names by `path` (in [dependencies], [dev-dependencies],
// [build-dependencies], their [target.'cfg(...)'] forms and
// [workspace.dependencies]), and theirs, transitively; and the workspace
// manifest it inherits from (`x.workspace = true`). cargo reads all of them,
// so the compile sandbox must show all of them (read-only).

#include "util/errors.hpp"

#include <filesystem>
#include <vector>

namespace snipcheck::scratch {

struct PathCrates
{
  std::vector<std::filesystem::path> folders;   // the crate's own first; absolute, lexically normal
  std::vector<std::filesystem::path> manifests; // workspace manifests inherited from (single files)
  std::vector<InputProblem> problems;           // a path cargo would not find, at its manifest's line
};

PathCrates path_crates(const std::filesystem::path& crate_folder);

} // namespace snipcheck::scratch
