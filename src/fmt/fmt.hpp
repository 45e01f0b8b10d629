#pragma once
// `snipcheck fmt`, a stage beside check (docs/fmt.md): rustfmt on every
// selected Rust listing, as the reader sees it, and the book's code blocks
// rewritten with the result. It reads the book's Listings, wraps fragments as
// scratch/ does, runs rustfmt through cargo/'s process runner and hands its
// FmtRun to report/ and to write_formatted.

#include "book/listing.hpp"
#include "cargo/process.hpp"
#include "fmt/reshape.hpp"
#include "fmt/rustfmt.hpp"
#include "scratch/wrap.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace snipcheck::formatting {

// One listing to format, with what its expectation says about it.
struct FmtListing
{
  const book::Listing* listing = nullptr;
  std::string edition;       // rustfmt's --edition
  scratch::WrapOptions wrap; // as check builds it: a fragment is formatted inside `fn main`
  KeepLines keep = KeepLines::no;
  std::optional<std::string> opted_out;            // why it is not formatted: "fmt = false in expected/ch01.toml"
  std::optional<std::string> recorded_fingerprint; // its expected/ entry's, when one is recorded and fresh
  std::filesystem::path config;                    // the book's rustfmt.toml for it; empty: none
};

struct FmtSettings
{
  RustfmtSettings rustfmt;
  bool markdown = false; // code lines may be hidden `# ` lines
  // Canonical folders of the book's project: a file outside them is never written.
  std::vector<std::filesystem::path> write_roots;
};

enum class FmtStatus { unchanged, changed, not_formatted, opted_out };

struct FmtResult
{
  const book::Listing* listing = nullptr;
  FmtStatus status = FmtStatus::unchanged;
  std::string reason;              // not_formatted, opted_out: why
  std::filesystem::path file;      // where its code is written: the book file, or the file it includes
  int first_line = 0;              // of `before` in `file`
  std::vector<std::string> before; // the block's code lines as written now, prefix included
  std::vector<std::string> after;  // changed: as rustfmt would have them
};

struct FmtRun
{
  std::vector<FmtResult> results; // one per listing, in the order given
};

// rustfmt's verdict on each listing; nothing is written. Throws Fatal when
// rustfmt fails as a program, InputError for a rustfmt.toml it rejects.
FmtRun format_listings(const std::vector<FmtListing>& listings, const FmtSettings& settings,
                       cargo::CommandRunner& runner);

// Writes the changed blocks, each file once and atomically: only their code
// lines change. A file edited since it was read is left alone (InputError).
// Returns the files written.
std::vector<std::filesystem::path> write_formatted(const FmtRun& run);

// The nearest rustfmt.toml or .rustfmt.toml in `folder` or above it, as rustfmt finds one.
std::optional<std::filesystem::path> find_rustfmt_config(std::filesystem::path folder);

} // namespace snipcheck::formatting
