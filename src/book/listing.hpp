#pragma once
// First stage of the pipeline: a book's source becomes a list of Listings.
// A Listing is one fenced block, rebuilt as the book's reader sees it, with the
// source line of every line so later stages can report at the book's own lines.

#include "book/include_roots.hpp"
#include "util/errors.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::book {

enum class Format { plain_text, markdown, latex };

// What a Markdown fence's info string says about its block (rustdoc's LangString).
struct FenceAttributes
{
  bool ignore = false;
  bool no_run = false;
  bool compile_fail = false;
  bool should_panic = false;
  bool test_harness = false;
  bool standalone_crate = false;        // never merged with other listings (rustdoc 2024)
  std::vector<std::string> error_codes; // E0106 ...
  std::optional<std::string> edition;   // "2021"
};

struct ListingLine
{
  std::string text;
  int source_line = 0; // 1-based line in `file`
  int file_index = 0;  // index into Listing::files (0 is the book file)
  bool hidden = false; // compiled but not shown (rustdoc's `# ` lines)
};

struct Listing
{
  std::string id; // chNN/S.S-k, or a Markdown fence's id=NAME
  int chapter = 0;
  std::string chapter_title;                // "Advanced Lifetimes", as the book titles the chapter
  std::string section;                      // innermost numbered section, "2.3"
  int ordinal = 0;                          // 1-based within the section
  std::vector<std::filesystem::path> files; // files[0]: where the fence is
  int fence_line = 0;
  int close_line = 0; // the closing fence in files[0]; 0 when the format has none
  std::vector<ListingLine> lines;
  bool is_rust = true;
  std::string info; // the fence's info string, as written
  FenceAttributes fence;
  // Bad input found while reading it (a missing {{#include}} file or anchor):
  // the listing is not built, the problem is its result, and the run exits 2.
  std::vector<InputProblem> problems;

  int first_line() const; // first and last visible line in files[0]
  int last_line() const;
  std::string visible_text() const; // what the reader sees, '\n'-terminated lines
  // Hash of the visible code's tokens: whitespace and comments do not count,
  // so reflowing or commenting a listing keeps its annotations (docs/contract.md).
  // The cache keys on exact source bytes instead, never on this.
  std::string fingerprint() const;
  // Whether a fingerprint recorded in expected/ names this listing's code: the
  // token fingerprint, or the byte fingerprint older versions recorded.
  bool matches_fingerprint(std::string_view recorded) const;
  // Names the code declares, hidden lines included, each with its keyword:
  // `mod garden` -> {garden, mod}; also fn, struct, enum, trait, type, union,
  // const, static, macro_rules! and `use ... as name` (not `extern crate x`).
  std::map<std::string, std::string> declarations() const;
};

struct Book
{
  std::filesystem::path path;
  Format format = Format::plain_text;
  std::string edition = "2021"; // the book's own default, e.g. from book.toml
  std::vector<Listing> listings;
  // Bad input outside any listing (an include in prose): reported, the rest is checked, exit 2.
  std::vector<InputProblem> problems;
  // Worth saying, not wrong (a missing mdBook chapter read as empty): stderr, exit code unaffected.
  std::vector<InputProblem> notices;
  // Every `mod x` a Rust listing declares: another listing's `x::` or `use x::`
  // names a module it left out, not a crate.
  std::set<std::string> module_names;
};

// Reads a book in any supported format, chosen from the path (a folder with
// book.toml, *.md, *.tex, anything else as plain text). Throws InputError.
// The paths in the Book and its errors are display_path()s. Includes read
// only inside `settings`' roots (default: the book's project).
Book read_book(const std::filesystem::path& path, const ReadSettings& settings = {});

// The tokens of Rust code as the fingerprint sees them: comments and
// whitespace dropped, literals kept byte for byte, one token per punctuation
// character. Text that is not Rust is split at whitespace.
std::vector<std::string> fingerprint_tokens(std::string_view code, bool is_rust);

// Whether the listing's id came from a fence attribute `id=NAME`, not from its position.
bool has_explicit_id(const Listing& listing);

// `path` as reports show it: lexically normal and relative to `working_folder`
// (`../src/a.md` from a subfolder), or absolute when the two share only the root.
std::filesystem::path display_path(const std::filesystem::path& path, const std::filesystem::path& working_folder);

// Id helpers shared by readers: "ch02/2.3-1".
std::string make_listing_id(int chapter, const std::string& section, int ordinal);

} // namespace snipcheck::book
