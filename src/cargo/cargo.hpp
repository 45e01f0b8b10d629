#pragma once
// How snipcheck drives cargo: one hardened command line (after trybuild's
// src/cargo.rs) and the reading of `--message-format=json` output, split back
// to the targets that produced each message. Message format:
// https://doc.rust-lang.org/cargo/reference/external-tools.html#json-messages

#include "cargo/process.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::cargo {

struct CargoSettings
{
  std::filesystem::path workspace;             // folder with the workspace Cargo.toml
  std::filesystem::path target_dir;            // shared by every package
  std::string toolchain;                       // rustup toolchain name; empty: the default
  bool offline = false;                        // a local directory registry is configured
  std::vector<std::filesystem::path> readable; // more folders cargo may read (a local registry)
  // The toolchain's own bin/ (ResolvedToolchain::bin): cargo and rustc run from
  // there, without rustup's proxies. Empty: `cargo [+toolchain]` from PATH.
  std::filesystem::path toolchain_bin;
  // cargo's CARGO_HOME, private to the build folder (see prepare_cargo_home);
  // empty: the user's.
  std::filesystem::path cargo_home;
  // Wall-clock limit of each listing's rustc (see compile_limit.hpp); unset: none.
  std::optional<std::chrono::milliseconds> compile_timeout;
  // `snipcheck lint` (docs/lint.md): the workspace's own targets (the listings,
  // never the crates they use) are compiled by this clippy-driver instead of
  // rustc, with these lint-level flags (`-W`, `-A`, in order); empty: rustc.
  std::filesystem::path clippy_driver;
  std::vector<std::string> clippy_flags;
};

// Creates the private CARGO_HOME `home` of crates.io mode once, seeded from
// the user's: each of the user's downloaded crates (`registry/cache`) and
// index entries (`registry/index`) becomes a symbolic link, which cargo reads
// but, isolated, cannot write through (the user's are mounted read-only). New
// downloads, unpacked sources, git checkouts and cargo's locks land in `home`
// only; no config.toml or credentials are copied.
void prepare_cargo_home(const std::filesystem::path& home);

// `cargo [+toolchain] <subcommand> --message-format=json ...` with a clean,
// reproducible environment: of the caller's, only PATH, HOME, the toolchain's
// homes and proxy settings reach cargo (no RUSTFLAGS, RUSTC_BOOTSTRAP,
// CARGO_PROFILE_*, no secret for `env!`); no colours, no incremental; limits
// on memory and time. Where the machine allows, cargo runs isolated (see
// isolation_available()): it sees the system, the toolchain, `readable` and,
// writable, its workspace, target folder and private CARGO_HOME only, so a
// listing's `include_str!` reaches nothing else, and no `.cargo/config.toml`
// above the build folder (or in CARGO_HOME) applies; offline, it has no network.
Command cargo_command(const CargoSettings& settings, const std::string& subcommand,
                      const std::vector<std::string>& arguments);

struct SourceSpan
{
  std::string file; // as rustc printed it (relative to the workspace)
  int line = 0;
  int column = 0;
};

// One edit of a machine-applicable suggestion: the text between two places
// of `file` (lines 1-based; columns 1-based, in characters as rustc counts
// them; the end exclusive) becomes `replacement`.
struct Replacement
{
  std::string file; // as rustc printed it (relative to the workspace)
  int line_start = 0;
  int column_start = 0;
  int line_end = 0;
  int column_end = 0;
  std::string replacement;
};

// A suggestion rustc or clippy marks MachineApplicable (what `cargo fix`
// applies): its edits go in together or not at all.
struct Suggestion
{
  std::string message; // the help's words: "remove `return`"
  std::vector<Replacement> edits;
};

struct CompilerMessage
{
  std::string target_src_path; // which target (listing) produced it
  std::string level;           // error, warning, note, ...
  std::string code;            // E0106, a lint name, or empty
  std::string message;
  std::optional<SourceSpan> span;              // primary span, followed out of macro expansions
                                               // into the target's own file where possible
  std::vector<SourceSpan> other_primary_spans; // e.g. both ends of a mismatched delimiter
  std::string rendered;
  std::vector<Suggestion> suggestions; // the machine-applicable ones, in the target's own file
};

struct BuildMessages
{
  std::vector<CompilerMessage> messages;
  std::set<std::string> built;                    // src_paths with an artifact
  std::map<std::string, std::string> executables; // src_path -> executable
  std::optional<bool> finished_successfully;      // from "build-finished"
};

// Parses cargo's JSON lines; lines that are not JSON are ignored.
BuildMessages parse_cargo_messages(std::string_view json_lines);

// True for rustc's summary lines ("aborting due to 2 previous errors").
bool is_summary_message(const CompilerMessage& message);

// The caller's environment as it may reach cargo and rustc (see cargo_command).
std::map<std::string, std::string> toolchain_environment();

// Whether cargo_command runs cargo and rustc isolated on this machine, and if
// not, why: no private namespaces, or a RUSTC_WRAPPER (which needs its own
// files and network).
struct CompileIsolation
{
  bool isolated = false;
  std::string why_not;
};
CompileIsolation compile_isolation();

// What of the caller's setup changes what a listing's build and run can see
// or do: whether compiling and running are isolated, and the compiler
// wrapper. A cached verdict is keyed on it (docs/internals.md).
std::string build_setup_identity();

// A toolchain as rustup resolves it, once per run.
struct ResolvedToolchain
{
  // `rustc -vV`; its first line reads "rustc 1.95.0 (59807616e 2026-04-14)".
  std::string verbose_version;
  // Its sysroot's bin/, holding cargo and rustc: running them from there skips
  // a proxy per process and is certainly the rustc whose -vV keys the cache.
  // Empty when the sysroot has no cargo next to rustc: the proxies on PATH.
  std::filesystem::path bin;
};

// Resolves `toolchain` (empty: the default) with `rustc [+toolchain] --print
// sysroot`, then asks that sysroot's rustc for -vV. Throws Fatal when the
// toolchain is missing or broken.
ResolvedToolchain resolve_toolchain(CommandRunner& runner, const std::string& toolchain);

// The clippy-driver of a toolchain whose bin/ is `bin` (ResolvedToolchain::bin).
// Throws Fatal naming `rustup component add clippy` when it has none.
std::filesystem::path resolve_clippy_driver(const std::filesystem::path& bin, const std::string& toolchain);

// What `clippy-driver -W help` lists: every lint and lint group rustc and
// clippy know. Throws Fatal when the driver does not run.
std::string clippy_lint_help(CommandRunner& runner, const std::filesystem::path& clippy_driver);

// The rustfmt of `toolchain` (empty: the default), from its sysroot's bin/ as
// resolve_toolchain finds it; without one there, the `rustfmt` on PATH for the
// default toolchain. Throws Fatal naming `rustup component add rustfmt`.
std::filesystem::path resolve_rustfmt(CommandRunner& runner, const std::string& toolchain);

} // namespace snipcheck::cargo
