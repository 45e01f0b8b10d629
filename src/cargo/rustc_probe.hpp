#pragma once
// What a toolchain's rustc does that the build stage's proofs rely on, found
// by compiling a few lines once per toolchain and kept in the build folder.

#include "cargo/process.hpp"

#include <filesystem>
#include <string>

namespace snipcheck::cargo {

// Whether this rustc, given a crate in which a trait's path does not resolve
// (E0405), reports every error up to and including well-formedness checking
// (E0392 in the probe), runs its early lints, and stops before type-checking
// any function (no E0308, no unreachable-code warning): crate-wide, wherever
// the trait is. The probe is compiled by `rustc` (from `bin`, else PATH with
// `+toolchain`); the answer is kept in `cache_folder`, under the hash of
// `verbose_version` (rustc -vV). Any other outcome, or a probe that cannot
// run, is `false`: nothing is then settled on the strength of it.
bool unresolved_trait_stops_before_type_checking(CommandRunner& runner, const std::filesystem::path& bin,
                                                 const std::string& toolchain, const std::string& verbose_version,
                                                 const std::filesystem::path& cache_folder);

} // namespace snipcheck::cargo
