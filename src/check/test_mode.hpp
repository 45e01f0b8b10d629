#pragma once
// Test mode (docs/claims.md): a listing built the way `cargo test` builds it,
// `cfg(test)` on and its `#[test]` functions run, besides as a program. A
// listing that is clearly a library is built as one (not wrapped in `main`).
// The forms' results are folded into one Observed: the first form that fails
// decides, so a claim of failure holds when any form fails, and a claim of
// success only when every form succeeds.

#include "book/listing.hpp"
#include "check/compare.hpp"
#include "check/expectation.hpp"
#include "scratch/wrap.hpp"

#include <string>
#include <vector>

namespace snipcheck::check {

// One way of building a listing.
struct BuildForm
{
  std::string name = "program"; // "program", "library", "test crate"
  scratch::WrapOptions wrap;
  bool test_harness = false; // a Cargo test target: `--test`, runs its #[test] functions
  bool runs = false;
};

// How the listing is built: one form, or in test mode the program (or the
// library) and the test crate.
std::vector<BuildForm> build_forms(const book::Listing& listing, const Expectation& expectation);

// A listing with no `fn main`, only items at its top level, and a `pub` API
// or a tests module: a library, as its author meant it.
bool looks_like_library(const book::Listing& listing);

// Folds the forms' results (same order as build_forms) into one.
Observed combine_forms(const std::vector<BuildForm>& forms, std::vector<Observed> observed);

// The names of the tests a libtest binary reports as failed ("test x ... FAILED").
std::vector<std::string> failed_tests(const std::string& test_stdout);

} // namespace snipcheck::check
