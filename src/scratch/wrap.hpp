#pragma once
// Turns a listing into the Rust source file that is compiled, the way rustdoc
// does for doctests (wrap in `fn main`, hoist `#![...]` and `extern crate`),
// plus the maintainers' scaffolding from expected/ (prelude, elided bodies).
// Every line of the result remembers where it came from, so diagnostics can
// be reported at the book's lines.

#include "book/listing.hpp"

#include <string>
#include <vector>

namespace snipcheck::scratch {

// automatic: rustdoc's rule; main: always wrap; none: the listing is the file;
// async_main: wrap in `#[tokio::main] async fn main() -> Result<..>` for async fragments.
enum class WrapMode { automatic, main, none, async_main };
enum class ElideMode { none, todo, bodies };
enum class CrateType { bin, lib, proc_macro };

struct WrapOptions
{
  WrapMode wrap = WrapMode::automatic;
  ElideMode elide = ElideMode::none;
  CrateType crate_type = CrateType::bin;
  std::string prelude;  // placed before the listing, hidden from the book
  std::string epilogue; // placed after the listing, inside `main` when wrapped
};

enum class Origin { synthetic, prelude, listing, epilogue };

struct LineOrigin
{
  Origin origin = Origin::synthetic;
  int line = 0; // 1-based line of the listing (or of the prelude)
};

struct ScratchSource
{
  std::string text;
  std::vector<LineOrigin> origins; // origins[k] describes line k+1 of `text`
  bool wrapped_in_main = false;

  LineOrigin origin_of(int scratch_line) const;
};

// rustdoc's test for "don't wrap": a top-level `fn main` item (or `fn main(` among a top-level
// macro call's tokens), and no statement that is not an item. A `fn main` in a comment, string,
// module, impl or macro_rules does not count.
bool has_main_function(const std::vector<std::string>& code_lines);

ScratchSource wrap_listing(const book::Listing& listing, const WrapOptions& options);

} // namespace snipcheck::scratch
