#pragma once
// The content of a book's path crate, for the result cache: every file cargo
// and rustc may compile from it, so that an edit is never answered from the
// cache (docs/internals.md, "Speed: the result cache").

#include <filesystem>
#include <string>

namespace snipcheck::build {

// A hash of every file under `crate` (dot-folders and folders named `target`
// below the top included: `#[path]`, `include!` and build scripts read them),
// but the crate's own build output, a top-level `target/` holding cargo's
// CACHEDIR.TAG; and, the same way, of every crate its Cargo.toml names with
// a `path` in [dependencies] or [build-dependencies] (also under [target.*]).
std::string path_crate_hash(const std::filesystem::path& crate);

} // namespace snipcheck::build
