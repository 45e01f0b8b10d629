#pragma once
// The compile-time limit of one listing. cargo runs snipcheck itself as its
// RUSTC_WORKSPACE_WRAPPER (for the workspace's own targets, the listings, not
// the crates they use): it runs that rustc with a wall-clock limit of its own,
// in a process group of its own, with no inherited descriptor but 0-2 and
// without cargo's jobserver (a listing's `include_bytes!("/proc/self/fd/N")`
// cannot block on cargo's pipe). At the limit it kills rustc's tree and says
// so in a rustc-style JSON diagnostic, which cargo hands back as the target's
// compiler message: the limit is per target, from the moment cargo starts it,
// so a slow neighbour or a busy jobserver never counts against a listing.

#include "cargo/cargo.hpp"

#include <chrono>
#include <optional>
#include <string_view>

namespace snipcheck::cargo {

// Set (to the limit in milliseconds) in cargo's environment: cargo's children
// that are snipcheck act as the wrapper.
inline constexpr const char* compile_limit_variable = "SNIPCHECK_COMPILE_LIMIT_MS";

// Set (to a clippy-driver) in cargo's environment for `snipcheck lint`: the
// wrapper runs it in rustc's place, as `clippy-driver rustc ARGS`.
inline constexpr const char* clippy_driver_variable = "SNIPCHECK_CLIPPY_DRIVER";

// The code of the compiler message that says a target hit the limit.
inline constexpr std::string_view compile_timeout_code = "snipcheck::compile-timeout";

bool is_compile_timeout(const CompilerMessage& message);

// The environment and view entries that make cargo run its workspace's rustc
// through this limit (nothing when `limit` is unset or snipcheck's own
// executable cannot be found, or a RUSTC_WRAPPER is set).
void apply_compile_limit(Command& command, std::optional<std::chrono::milliseconds> limit);

// The wrapper's side: `argv[1]` is the rustc to run, the rest its arguments.
// Returns the exit code for the wrapper (rustc's own, or 1 at the limit).
int run_rustc_within_limit(int argc, char** argv, std::chrono::milliseconds limit);

// The limit when this process was started as the wrapper; nothing otherwise.
std::optional<std::chrono::milliseconds> wrapper_limit_from_environment();

} // namespace snipcheck::cargo
