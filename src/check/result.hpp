#pragma once
// The result model: what one check run found, listing by listing and cell by
// cell. The pipeline (app/) produces it; reports (report/) and subcommands
// read it. It depends on nothing above check/.

#include "book/listing.hpp"
#include "check/compare.hpp"
#include "check/expectation.hpp"
#include "scratch/wrap.hpp"
#include "util/errors.hpp"
#include "util/phase_timer.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::check {

// A verdict's place in the JSON report (docs/contract.md).
enum class Status { pass, fail, stale, skip, not_rust, error };

Status status_of(const Verdict& verdict);
std::string_view status_name(Status status); // pass, fail, stale, skip, not-rust, error
// Fail, stale or error: the listing needs attention. Pass, skip and not-rust do not.
bool is_failure(Status status);

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
  // Kept as text: scratch units, cache keys and cell tables all spell it so;
  // it was validated (util::parse_edition) where it was read.
  std::string edition;
  Expectation expectation;
  std::optional<scratch::ScratchSource> source; // the file as compiled
  Observed observed;
  Verdict verdict;
  std::chrono::milliseconds duration{0};
  // --ignored: what an `ignore`d block without a claim does today (built, never judged).
  std::optional<Observed> probe;
  // Why it was not built: the book or its settings are wrong around it (a
  // missing include, a crate that does not exist). Its verdict is BadInput.
  std::vector<InputProblem> bad_input;

  Status status() const { return status_of(verdict); }
  // Why it has its status, in one line (check::explain).
  std::string explanation() const { return explain(verdict, expectation, observed); }
  Cell cell() const { return {toolchain, edition}; }
};

struct CheckRun
{
  book::Book book;
  std::vector<ToolchainInfo> toolchains;
  std::vector<std::string> editions;
  std::vector<ListingResult> results;
  std::chrono::milliseconds duration{0};
  util::Timings timings; // where the time went, phase by phase
};

// The name of a cell, "stable 2021": progress lines, the matrix, CI titles.
std::string cell_name(std::string_view toolchain, std::string_view edition);
std::string cell_name(const ListingResult& result);

// One result per checked listing, in book order: the one from the first cell
// (toolchain, edition) that checked it. It speaks for its listing where only
// one can: bless records it, the errata report and the book's classes count
// it. A listing whose annotation or fence pins its edition carries that
// edition in every cell, so it is found by listing, never by comparing with
// the run's first result.
std::vector<const ListingResult*> primary_results(const CheckRun& run);

} // namespace snipcheck::check
