#pragma once
// What a failed build lacked that the book cannot give it: a crate that is not
// available, a compiler-internal crate (rustc-dev), a native library the linker
// cannot find. A listing whose every error comes from that cannot be checked
// on this machine: compare() skips it with the reason, the ignored-blocks
// inventory says so (README "Differences from rustdoc", docs/contract.md).

#include "check/compare.hpp"
#include "check/expectation.hpp"

#include <set>
#include <string>

namespace snipcheck::check {

struct Unavailable
{
  std::set<std::string> crates;           // not available: the book's dependencies should name them
  std::set<std::string> compiler_crates;  // rustc's own (`rustc_ast`): the rustc-dev component, on nightly
  std::set<std::string> native_libraries; // `-lextlib` that the linker cannot find

  bool empty() const { return crates.empty() && compiler_crates.empty() && native_libraries.empty(); }
  // "needs crate log, which is not available: add it to the book's dependencies", ...
  std::string reason() const;
};

// What the build lacked, when that is all it failed on (empty otherwise):
// - crates named by rustc (E0432, E0433, E0463) that are not std's, not among
//   the listing's dependencies and not something the listing declares (a
//   module or type for a path `x::y`, any item for `use x;`);
// - with them, what follows from them: E0752 under `#[tokio::main]`, a derive's
//   helper attribute, a `#![no_std]` block's panic handler, a method (E0599)
//   when the listing imports from a missing crate, E0554 for rustc_private;
// - native libraries, when a link error's only cause is libraries that `-l`
//   does not find (a symbol nothing defines stays the listing's failure).
// Nothing when the expectation claims the crate errors themselves (E0432, ...).
Unavailable unavailable(const Expectation& expectation, const Observed& observed);

} // namespace snipcheck::check
