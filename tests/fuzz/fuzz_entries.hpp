#pragma once
// What each fuzz target does with one input, shared with
// tests/unit/fuzz_regression_test.cpp so a saved crash replays exactly as the
// fuzzer ran it. An entry returns, or throws InputError for bad input (a clean
// failure); a broken invariant throws std::logic_error, and anything else
// escaping (another exception, a sanitizer report, a hang) is a bug.

#include "book/latex_reader.hpp"
#include "book/markdown_reader.hpp"
#include "book/text_reader.hpp"
#include "check/bless.hpp"
#include "check/expectation.hpp"
#include "scratch/wrap.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::fuzz {

inline void require(bool condition, std::string_view what)
{
  if (!condition) {
    throw std::logic_error(std::string(what));
  }
}

// What every reader promises the later stages: unique ids (expected/ is keyed
// by them) and lines that point into the files the listing names.
inline void check_book(const book::Book& book, int book_lines)
{
  std::set<std::string> ids;
  for (const auto& listing : book.listings) {
    require(ids.insert(listing.id).second, "duplicate listing id " + listing.id);
    require(!listing.files.empty(), listing.id + ": no file");
    require(listing.fence_line >= 1 && listing.fence_line <= book_lines, listing.id + ": fence line out of range");
    for (const auto& line : listing.lines) {
      require(line.file_index >= 0 && static_cast<std::size_t>(line.file_index) < listing.files.size(),
              listing.id + ": file index out of range");
      require(line.source_line >= 1, listing.id + ": source line below 1");
      require(line.file_index != 0 || line.source_line <= book_lines, listing.id + ": source line past the end");
    }
    // The pure functions the pipeline runs on every listing the reader yields.
    (void)listing.fingerprint();
    (void)listing.visible_text();
    (void)listing.first_line();
    (void)listing.last_line();
    (void)check::find_inline_markers(listing, book::Format::plain_text);
    (void)check::find_inline_markers(listing, book::Format::markdown);
    (void)listing.declarations();
    // Wrapping with every scaffolding mode keeps a line map that covers the
    // compiled text and points only at the listing's own lines.
    for (const auto elide : {scratch::ElideMode::none, scratch::ElideMode::todo, scratch::ElideMode::bodies}) {
      scratch::WrapOptions options;
      options.elide = elide;
      const auto source = scratch::wrap_listing(listing, options);
      require(static_cast<std::size_t>(std::count(source.text.begin(), source.text.end(), '\n')) ==
                  source.origins.size(),
              listing.id + ": line map and compiled text differ in length");
      for (const auto& origin : source.origins) {
        require(origin.origin != scratch::Origin::listing ||
                    (origin.line >= 1 && static_cast<std::size_t>(origin.line) <= listing.lines.size()),
                listing.id + ": line map points outside the listing");
      }
    }
  }
}

inline int line_count(std::string_view data)
{
  return static_cast<int>(text::split_lines(data).size());
}

inline void text_book(std::string_view data)
{
  check_book(book::parse_text_book(data, "fuzz.txt"), line_count(data));
}

// Other readers may also break lines at a lone '\r' (md4c does): an upper bound.
inline int any_line_count(std::string_view data)
{
  return static_cast<int>(std::count(data.begin(), data.end(), '\n') + std::count(data.begin(), data.end(), '\r')) + 1;
}

inline void markdown_book(std::string_view data)
{
  check_book(book::parse_markdown_file(data, "fuzz.md"), any_line_count(data));
}

// A folder that does not exist, so \lstinputlisting{relative} finds nothing.
inline void latex_book(std::string_view data)
{
  check_book(book::parse_latex_file(data, "/nonexistent/fuzz.tex"), any_line_count(data));
}

inline void expectation_file(std::string_view data)
{
  (void)check::parse_expectation_file(data, "expected/ch02.toml");
}

// Bless round trip. `snipcheck bless` only edits files that load_expectations
// accepted (run_check loads them first), so other inputs are skipped. Blessed
// with an update for its first entry, the file must stay valid TOML, carry the
// new fingerprint, and be a fixed point when blessed again with the same update.
inline void bless_round_trip(std::string_view data)
{
  try {
    (void)check::parse_expectation_file(data, "expected/ch02.toml");
  } catch (const InputError&) {
    return;
  }
  const auto document = toml::parse(data, std::string_view("expected/ch02.toml"));
  if (document.empty()) {
    return;
  }
  const std::string id(document.begin()->first.str());
  // Which fields the update touches varies with the input, deterministically.
  const auto choice = data.size();
  check::BlessUpdate update;
  update.id = id;
  update.fingerprint = "0123456789abcdef";
  if (choice & 1) {
    update.expect = "compile-fail";
  }
  if (choice & 2) {
    update.errors = std::set<std::string>{"E0106", "E0428"};
  } else if (choice & 4) {
    update.remove_errors = true;
  }
  if (choice & 8) {
    update.stdout_text = "line 1\n\"quoted\" \\ tab\t\n";
  }
  std::vector<check::BlessUpdate> updates{update};
  if ((choice & 16) && !document.contains("ch02/9.9-1")) {
    // A listing the file does not know yet: appended as a new entry. (Bless
    // gets one update per listing, so never two for one id.)
    updates.push_back(
        {.id = "ch02/9.9-1", .expect = "compile", .fingerprint = "fedcba9876543210", .comment = "blessed: review"});
  }
  const std::string content(data);
  const auto blessed = check::bless_file(content, "expected/ch02.toml", updates);
  toml::table reparsed;
  try {
    reparsed = toml::parse(blessed.content, std::string_view("expected/ch02.toml"));
  } catch (const toml::parse_error& error) {
    throw std::logic_error(fmt::format("blessed file is not TOML (line {}): {}\n--- blessed:\n{}",
                                       error.source().begin.line, error.description(), blessed.content));
  }
  const auto* table = reparsed.get_as<toml::table>(id);
  require(table != nullptr, "blessed entry is gone: " + id + "\n--- blessed:\n" + blessed.content);
  require((*table)["fingerprint"].value<std::string>() == update.fingerprint,
          "blessed entry lacks the new fingerprint\n--- blessed:\n" + blessed.content);
  const auto again = check::bless_file(blessed.content, "expected/ch02.toml", updates);
  require(again.content == blessed.content,
          "bless is not a fixed point\n--- first:\n" + blessed.content + "\n--- second:\n" + again.content);
}

using Entry = void (*)(std::string_view);

// Fuzz target name (tests/fuzz/<name>.cpp, corpus/<name>/) -> its entry.
inline const std::map<std::string, Entry>& entries()
{
  static const std::map<std::string, Entry> all = {
      {"fuzz_text_book", text_book},          {"fuzz_markdown_book", markdown_book}, {"fuzz_latex_book", latex_book},
      {"fuzz_expectation", expectation_file}, {"fuzz_bless", bless_round_trip},
  };
  return all;
}

// The body of every LLVMFuzzerTestOneInput: InputError is the expected, clean
// failure; anything else escapes and libFuzzer reports it as a crash.
inline int run_one(Entry entry, const std::uint8_t* data, std::size_t size)
{
  try {
    entry(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const InputError&) {
  }
  return 0;
}

} // namespace snipcheck::fuzz
