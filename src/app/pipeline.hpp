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
#include "check/result.hpp"
#include "scratch/wrap.hpp"
#include "util/log.hpp"

#include <set>
#include <string>

namespace snipcheck::app {

// The result model lives in check/ (reports read it without app/); these
// names keep the pipeline's callers short.
using check::CheckRun;
using check::ListingResult;
using check::ToolchainInfo;
using util::Log;
using util::Progress;
using util::ProgressFn;

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

// The readers' settings: includes may read inside the book's project (its
// folder and snipcheck.toml's, each widened to its git work tree) and the
// `include-roots` of snipcheck.toml.
book::ReadSettings book_read_settings(const Options& options);

CheckRun run_check(const Options& options, cargo::CommandRunner& runner, const Log& log,
                   const ProgressFn& progress = {});

} // namespace snipcheck::app
