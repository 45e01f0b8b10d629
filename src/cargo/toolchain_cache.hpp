#pragma once
// What rustup and rustc said about a toolchain (resolve_toolchain), kept in
// the build folder so that a re-run starts no process to learn it again. An
// answer is reused only while everything it was derived from is unchanged:
// rustup's inputs, and the files of the toolchain it chose (docs/internals.md,
// "Speed: the result cache").

#include "cargo/cargo.hpp"

#include <chrono>
#include <filesystem>
#include <string>

namespace snipcheck::cargo {

// Everything rustup's choice for `toolchain` (empty: the default) depends on,
// as one text: the name, the environment rustc is given (toolchain_environment,
// so PATH, RUSTUP_HOME, CARGO_HOME), the working folder, and the size, times,
// inode and mode of rustup's settings.toml and toolchains/ folder, of every
// rust-toolchain and rust-toolchain.toml from `working_dir` up to the root
// (a missing one too), and of the `rustc` that PATH finds (rustup's proxy).
std::string toolchain_inputs(const std::string& toolchain, const std::filesystem::path& working_dir);

// The same facts of the files whose code answers `rustc -vV` and runs every
// build: bin/rustc, bin/cargo, and lib/'s librustc_driver-* and libLLVM*
// files. Empty when the sysroot has no librustc_driver in lib/ (a layout this
// cannot vouch for): such a toolchain is asked every time.
std::string sysroot_identity(const std::filesystem::path& sysroot);

// resolve_toolchain, answered from `cache_file` when it holds an answer whose
// toolchain_inputs (for the current folder) and sysroot_identity both equal
// today's; otherwise asked and stored there. Nothing is stored when a file it
// depends on was modified or replaced less than `settle` before asking (file
// times advance by clock ticks, so a later change in the same tick could leave
// them equal; tests pass 0), or when the inputs changed while asking. A
// toolchain found without cargo beside rustc is never cached.
ResolvedToolchain resolve_toolchain_cached(CommandRunner& runner, const std::string& toolchain,
                                           const std::filesystem::path& cache_file,
                                           std::chrono::nanoseconds settle = std::chrono::seconds(2));

} // namespace snipcheck::cargo
