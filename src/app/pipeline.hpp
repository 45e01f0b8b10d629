#pragma once
// The pipeline, the one place that wires the stages together:
// book -> expectations -> scratch workspace -> cargo -> verdicts.
// Reports and subcommands consume its CheckRun.

#include "app/options.hpp"
#include "book/listing.hpp"
#include "cargo/process.hpp"
#include "check/claims.hpp"
#include "check/compare.hpp"
#include "check/expectation.hpp"
#include "check/output_block.hpp"
#include "scratch/wrap.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace snipcheck::app {

struct ToolchainInfo
{
  std::string name;          // as given to rustup ("stable"), or the default's channel
  std::string rustc;         // first line of rustc -vV
  std::string rustc_verbose; // all of it: commit hash, host, LLVM version
  std::string argument;      // what is passed as +toolchain; empty: the default
  std::filesystem::path bin; // its own cargo and rustc (cargo::ResolvedToolchain::bin); empty: PATH's
};

struct ListingResult
{
  const book::Listing* listing = nullptr;
  std::string toolchain;
  std::string edition;
  check::Expectation expectation;
  std::optional<scratch::ScratchSource> source; // the file as compiled
  check::Observed observed;
  check::Verdict verdict;
  std::chrono::milliseconds duration{0};
  // --ignored: what an `ignore`d block without a claim does today (built, never judged).
  std::optional<check::Observed> probe;
  // Why it was not built: the book or its settings are wrong around it (a
  // missing include, a crate that does not exist). Its verdict is BadInput.
  std::vector<InputProblem> bad_input;
};

struct CheckRun
{
  book::Book book;
  std::vector<ToolchainInfo> toolchains;
  std::vector<std::string> editions;
  std::vector<ListingResult> results;
  std::chrono::milliseconds duration{0};
};

// Notes on what the pipeline does (cargo commands, notices) for -v.
using Log = std::function<void(const std::string&)>;

// Where a run is, for a live progress line.
struct Progress
{
  std::string cell;  // "stable 2021"
  std::string phase; // "building", "running ch05/5.1-1"
  int done = 0;      // listings finished in this cell
  int total = 0;
};
using ProgressFn = std::function<void(const Progress&)>;

// The book and its annotations, validated against each other (InputError).
struct LoadedBook
{
  book::Book book;
  check::Annotations annotations;
  check::MarkdownSettings markdown;  // [markdown] of snipcheck.toml
  check::OutputBlocks output_blocks; // by listing id
  // Kept apart from `book`, which a run takes over: what expectation() reads.
  book::Format format = book::Format::plain_text;
  std::set<std::string> module_names; // every `mod x` of the book (book::Book::module_names)

  // What the listing is expected to do in a cell: expected/, the book's
  // markers, and what [markdown] adds (fence claims, output blocks).
  check::Expectation expectation(const book::Listing& listing, const check::Cell& cell = {}) const;
};
LoadedBook load_book(const Options& options);

CheckRun run_check(const Options& options, cargo::CommandRunner& runner, const Log& log,
                   const ProgressFn& progress = {});

} // namespace snipcheck::app
