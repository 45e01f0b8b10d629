// What a machine lacks is a skip with its reason, never a listing's failure
// (issue 19, items 7 and 8): rustc's and the linkers' own messages, captured
// with cargo --message-format=json into tests/data/unavailable/ from the
// listing in the comment above each test, replayed through compare().
#include "cargo/cargo.hpp"
#include "check/compare.hpp"
#include "check/expectation.hpp"
#include "check/inventory.hpp"
#include "check/result.hpp"
#include "check/unavailable.hpp"
#include "test_support.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

namespace snipcheck::check {
namespace {

// The listing's errors as cargo reported them, as the build stage records them.
Observed replayed(const std::string& name)
{
  const auto captured = text::read_file(testing::source_dir() / "tests" / "data" / "unavailable" / (name + ".jsonl"));
  Observed observed;
  observed.build = Observed::Build::failed;
  for (const auto& message : cargo::parse_cargo_messages(captured).messages) {
    if (message.level == "error" && !cargo::is_summary_message(message)) {
      Diagnostic diagnostic;
      diagnostic.level = message.level;
      diagnostic.code = message.code;
      diagnostic.message = message.message;
      diagnostic.rendered = message.rendered;
      observed.diagnostics.push_back(std::move(diagnostic));
    }
  }
  EXPECT_FALSE(observed.diagnostics.empty()) << name;
  return observed;
}

// The expectation the book gives the listing (a Markdown fence) with its declarations.
Expectation expectation_of(const std::string& code, book::FenceAttributes fence = {})
{
  book::Listing listing;
  listing.id = "listing";
  listing.files = {"book.md"};
  listing.is_rust = true;
  listing.fence = fence;
  int line = 0;
  for (const auto& text : text::split_lines(code)) {
    listing.lines.push_back({std::string(text), ++line});
  }
  return expectation_for(listing, nullptr, book::Format::markdown, {"stable", "2021"}, {});
}

std::string verdict_of(const Expectation& expectation, const Observed& observed)
{
  const auto verdict = compare(expectation, observed, "f");
  return std::string(status_name(status_of(verdict))) + ": " + skip_reason(verdict);
}

book::FenceAttributes no_run()
{
  book::FenceAttributes fence;
  fence.no_run = true;
  return fence;
}

// 8a. A method named `log` is no module: `log::debug!` and `use log::{...}` still need the crate.
TEST(Unavailable, AMethodNamedLikeTheCrateDoesNotMakeItTheListingsOwn)
{
  const auto expectation = expectation_of("use log::{info, warn};\n"
                                          "struct Logger { prefix: String }\n"
                                          "impl Logger {\n"
                                          "    fn log(&self, message: &str) {\n"
                                          "        info!(\"{}: {}\", self.prefix, message);\n"
                                          "        log::debug!(\"logged\");\n"
                                          "    }\n"
                                          "}\n"
                                          "fn main() { log::error!(\"done\"); }\n");
  EXPECT_EQ(verdict_of(expectation, replayed("log_method")),
            "skip: needs crate log, which is not available: add it to the book's dependencies");
  // A module named `log` is the listing's own: rustc's error is about it.
  EXPECT_EQ(verdict_of(expectation_of("mod log {}\nfn main() { log::error!(\"x\"); }\n"), replayed("log_method")),
            "fail: ");
}

// 8b. E0599 (`par_iter` of rayon's prelude) and E0752 (`#[tokio::main]`) follow from the missing crates.
TEST(Unavailable, WhatFollowsFromMissingTokioAndRayonIsPartOfIt)
{
  const auto observed = replayed("tokio_rayon");
  EXPECT_EQ(verdict_of(expectation_of("use rayon::prelude::*;\n#[tokio::main]\nasync fn main() {}\n"), observed),
            "skip: needs crates rayon, tokio, which are not available: add them to the book's dependencies");
  // A method that no import of a missing crate can bring is the listing's own error.
  auto without_import = observed;
  std::erase_if(without_import.diagnostics,
                [](const Diagnostic& diagnostic) { return diagnostic.message.find("`rayon`") != std::string::npos; });
  EXPECT_EQ(verdict_of(expectation_of("#[tokio::main]\nasync fn main() {}\n"), without_import), "fail: ");
}

// 8c. `__::Add =>` is an exercise's blank: rustc's E0433, and the listing fails as in rustdoc.
TEST(Unavailable, AnExercisesBlankIsNoCrate)
{
  EXPECT_EQ(verdict_of(expectation_of("enum Op { Add, Sub }\n"), replayed("blank")), "fail: ");
}

// 8d. rustc_ast and rustc_session come with rustc-dev on nightly; on stable E0554 says nightly too.
TEST(Unavailable, CompilerCratesNeedRustcDevOnNightly)
{
  const auto expectation = expectation_of("#![feature(rustc_private)]\nextern crate rustc_ast;\n"
                                          "extern crate rustc_session;\nfn main() {}\n");
  const std::string reason =
      "skip: needs the compiler's own crates rustc_ast, rustc_session, which come with the rustc-dev component of a "
      "nightly toolchain (`rustup component add rustc-dev --toolchain nightly`, and check the listing on nightly)";
  EXPECT_EQ(verdict_of(expectation, replayed("rustc_private")), reason);
  EXPECT_EQ(verdict_of(expectation, replayed("rustc_private_nightly")), reason);
  // Without rustc_private a crate of that name is an ordinary one (rustc_version is on crates.io).
  EXPECT_EQ(verdict_of(expectation_of("extern crate rustc_ast;\nfn main() {}\n"), replayed("rustc_private_nightly")),
            "skip: needs crates rustc_ast, rustc_session, which are not available: add them to the book's "
            "dependencies");
}

// 7. `#[link(name = "extlib")]` in a no_run block: the library is not on this machine (rust-lld and GNU ld).
TEST(Unavailable, ANativeLibraryTheLinkerCannotFindIsASkip)
{
  const auto expectation =
      expectation_of("#[link(name = \"extlib\")]\nextern \"C\" { fn ext_compute(x: i32) -> i32; }\n"
                     "fn main() {}\n",
                     no_run());
  for (const auto* capture : {"native_missing", "native_missing_gnu_ld"}) {
    EXPECT_EQ(verdict_of(expectation, replayed(capture)),
              "skip: needs native library extlib, which the linker cannot find on this machine")
        << capture;
  }
  EXPECT_EQ(describe_ignored(replayed("native_missing")).state, "needs-library");
  // libm is found, and nothing defines the symbol: the listing's own failure.
  for (const auto* capture : {"native_undefined", "native_undefined_gnu_ld"}) {
    EXPECT_EQ(verdict_of(expectation, replayed(capture)), "fail: ") << capture;
  }
}

} // namespace
} // namespace snipcheck::check
