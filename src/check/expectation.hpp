#pragma once
// What a listing is expected to do (docs/contract.md), from the strongest source down:
// the maintainers' expected/chNN.toml, the book's own markers (fence
// attributes, `// Error!` and `//~ ERROR E0106` comments), then the default.
// File format: docs in README.md, "Expectation files".

#include "book/listing.hpp"
#include "scratch/workspace.hpp"
#include "scratch/wrap.hpp"
#include "util/errors.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace snipcheck::check {

enum class Outcome { compile, compile_fail, run, run_fail, skip, not_rust };

std::optional<Outcome> parse_outcome(std::string_view name);
std::string_view outcome_name(Outcome outcome);

using Dependency = scratch::Dependency;

// One entry of expected/chNN.toml, as the maintainer wrote it.
struct Annotation
{
  std::string id;
  std::filesystem::path file;
  int line = 0; // where the entry's table starts
  std::optional<Outcome> expect;
  std::optional<std::set<std::string>> errors;
  std::vector<int> error_lines;
  std::optional<std::string> stdout_text;
  std::optional<std::string> edition;
  std::string prelude;
  std::string epilogue;
  std::vector<Dependency> deps;
  scratch::ElideMode elide = scratch::ElideMode::none;
  scratch::WrapMode wrap = scratch::WrapMode::automatic;
  scratch::CrateType crate_type = scratch::CrateType::bin;
  std::optional<std::string> reason;
  std::optional<std::string> erratum;
  std::optional<std::string> fix;
  std::optional<std::string> fingerprint;
  bool test_mode = false; // mode = "test": built as `cargo test` builds it too (docs/claims.md)
  bool fmt = true;        // fmt = false: `snipcheck fmt` leaves it as written (docs/fmt.md)
  // allow = ["clippy::NAME"]: lints `snipcheck lint` does not report for this
  // listing (docs/lint.md); with the line of each name. Needs a `reason`.
  std::vector<std::pair<std::string, int>> allow;
  // Per-cell differences, "edition-2024" or "toolchain-nightly": what the
  // listing does in that edition or toolchain (expect, errors, error-lines,
  // stdout, reason, erratum, fix), applied over the fields above.
  std::map<std::string, Annotation> cells;
};

using Annotations = std::map<std::string, Annotation>; // by listing id

// The entry for a listing id, or nullptr when the maintainers wrote none.
const Annotation* find_annotation(const Annotations& annotations, const std::string& id);

// Parses one expected/ file; every problem is collected, then thrown as one InputError.
Annotations parse_expectation_file(std::string_view content, const std::filesystem::path& path);
// Loads every chNN.toml in `folder` (a missing folder is an empty set).
Annotations load_expectations(const std::filesystem::path& folder);

// An error the book itself claims, on a listing line.
struct InlineMarker
{
  int listing_line = 0;
  std::optional<std::string> code; // from `//~ ERROR E0106`; none for `// Error!`
};
// compiletest's `//~ ERROR` in every format; `// Error!` and `// ERROR:` only
// where the code is all a book can mark (plain text, LaTeX): in Markdown, as
// for rustdoc, the fence says what a block does and such comments are prose.
std::vector<InlineMarker> find_inline_markers(const book::Listing& listing, book::Format format);

// A fence token that claims an outcome (`does_not_compile`), docs/claims.md.
struct FenceClaim
{
  std::string token;
  std::string fence;                     // where the fence is: "src/ch04.md:12"
  std::map<std::string, Outcome> tokens; // every configured claim token, to name the right one
};

// A block after a runnable listing that shows its output (docs/claims.md).
struct OutputBlock
{
  std::filesystem::path file;
  int first_line = 0; // the block's content lines in `file`
  int last_line = 0;
  std::string info;            // "text", "console"
  std::string text;     // as written, '\n'-terminated lines
  std::string expected; // what the program must print: the text, or a transcript's output
  bool transcript = false; // `$ cargo run` and cargo's lines: stdout and stderr are compared
};

// The merged expectation the checker compares against.
struct Expectation
{
  Outcome outcome = Outcome::compile;
  std::optional<std::set<std::string>> errors; // exact set; unset: any errors
  std::vector<InlineMarker> required;          // each must see an error on its line
  std::optional<std::string> stdout_text;
  std::string from; // "expected/ch02.toml", "fence", "inline", "default"
  std::optional<std::string> reason;
  std::optional<std::string> erratum;
  std::optional<std::string> fix;
  std::optional<std::string> recorded_fingerprint;
  bool stale = false;
  // The id the entry was written under, when its listing has moved to another
  // id since (blocks inserted or removed before it); `bless` rewrites it.
  std::optional<std::string> moved_from;
  std::filesystem::path annotation_file; // the expected/ file holding the entry; empty: none
  int annotation_line = 0;               // where the entry starts in it
  scratch::WrapOptions wrap;
  std::vector<Dependency> deps;
  std::optional<std::string> edition;
  std::optional<FenceClaim> claim;         // the outcome comes from this fence token
  bool test_mode = false;                  // built as `cargo test` builds it, too
  bool fmt = true;                         // `snipcheck fmt` formats it (expected/'s `fmt = false` says no)
  // Lints (or lint groups) `snipcheck lint` does not report for it, from its
  // expected/ entry, each with the line that names it there.
  std::vector<std::pair<std::string, int>> allowed_lints;
  std::optional<OutputBlock> output_block; // what the book shows it prints
  // Modules and items the listing declares, and modules other listings of the
  // book declare: rustc's "cannot find module or crate `x`" about one of them
  // is the listing's own error (a module it left out), never a missing crate.
  // A path `x::y` can only start at a module or type (declared_modules), so a
  // method named `log` does not make the `log` crate the listing's own; `use
  // x;` can name any item (declared_names).
  std::set<std::string> declared_names;
  std::set<std::string> declared_modules;
  bool rustc_private = false; // `#![feature(rustc_private)]`: `rustc_*` crates are the compiler's own
};

// The (toolchain, edition) a listing is checked in, for per-cell annotations.
struct Cell
{
  std::string toolchain; // "stable", "nightly", "1.80"
  std::string edition;   // "2021"
};

// `book_modules`: Book::module_names, the modules any listing of the book declares.
Expectation expectation_for(const book::Listing& listing, const Annotation* annotation, book::Format format,
                            const Cell& cell = {}, const std::set<std::string>& book_modules = {});

// Each entry bound to the listing it was written for (docs/contract.md): by its id when
// the code still matches its recorded fingerprint (or it records none, or the
// id is an explicit fence `id=NAME`); else by fingerprint, to the nearest
// unclaimed listing of the same chapter whose code matches (the listing moved);
// else by its id (the listing changed: stale). An entry that finds no listing
// at all is an orphan.
struct MatchedAnnotations
{
  Annotations by_listing;            // keyed by the id of the listing each entry now belongs to
  std::vector<InputProblem> orphans; // entries whose listing vanished
  std::vector<const Annotation*> orphan_entries; // into the Annotations passed in
};
MatchedAnnotations match_annotations(const Annotations& annotations, const book::Book& book);

// Annotations that match no listing of the book: a typo or a removed listing.
std::vector<InputProblem> orphan_annotations(const Annotations& annotations, const book::Book& book);

// A note for a listing whose entry moved: where the entry is and the id it was written under.
std::optional<std::string> moved_note(const book::Listing& listing, const Expectation& expectation);

} // namespace snipcheck::check
