#pragma once
// A finished run built by hand, for the report tests: one result of every
// status, an erratum, a broken fence claim, an output block that shows
// something else, an ignored block with its probe. One cell (stable 2021);
// add_second_edition() makes it a matrix.

#include "check/compare.hpp"
#include "check/result.hpp"

#include <string>
#include <utility>
#include <vector>

namespace snipcheck::testing {

class ReportFixture
{
public:
  ReportFixture()
  {
    run.book.path = "book.md";
    run.book.format = book::Format::markdown;
    run.toolchains = {{"stable", "rustc 1.95.0 (59807616e 2026-04-14)", "", ""}};
    run.editions = {"2021"};
    run.duration = std::chrono::milliseconds(1500);
    auto& listings = run.book.listings;
    listings.reserve(10); // the results point into it
    add_passing(listings);
    add_failing(listings);
    add_ignored(listings);
    add_output_block(listings);
    add_erratum(listings);
    add_broken_claim(listings);
    add_environment_failure(listings);
    add_stale(listings);
    add_output_mismatch(listings);
  }
  ReportFixture(const ReportFixture&) = delete;
  ReportFixture& operator=(const ReportFixture&) = delete;

  const check::ListingResult& result(const std::string& id) const
  {
    for (const auto& result : run.results) {
      if (result.listing->id == id) {
        return result;
      }
    }
    throw std::out_of_range(id);
  }

  // Each result once more, in edition 2024; the failing listing passes there.
  void add_second_edition()
  {
    run.editions.push_back("2024");
    const auto first_cell = run.results;
    for (auto result : first_cell) {
      result.edition = "2024";
      if (result.listing->id == "ch01/1.1-2") {
        result.verdict = check::verdict::Pass{};
      }
      run.results.push_back(std::move(result));
    }
  }

  check::CheckRun run;

private:
  static book::Listing listing(std::string id, int chapter, std::string section, int ordinal, int fence_line,
                               std::vector<std::string> lines)
  {
    book::Listing listing;
    listing.id = std::move(id);
    listing.chapter = chapter;
    listing.section = std::move(section);
    listing.ordinal = ordinal;
    listing.files = {"book.md"};
    listing.fence_line = fence_line;
    listing.info = "rust";
    for (std::size_t k = 0; k < lines.size(); ++k) {
      listing.lines.push_back({lines[k], fence_line + 1 + static_cast<int>(k)});
    }
    return listing;
  }

  check::ListingResult& add(std::vector<book::Listing>& listings, book::Listing listing, check::Verdict verdict,
                            int milliseconds)
  {
    listings.push_back(std::move(listing));
    check::ListingResult result;
    result.listing = &listings.back();
    result.toolchain = "stable";
    result.edition = "2021";
    result.expectation.from = "default";
    result.verdict = std::move(verdict);
    result.duration = std::chrono::milliseconds(milliseconds);
    run.results.push_back(std::move(result));
    return run.results.back();
  }

  static check::Diagnostic error(std::string code, std::string message, int book_line, int listing_line, int column)
  {
    check::Diagnostic diagnostic;
    diagnostic.level = "error";
    diagnostic.code = std::move(code);
    diagnostic.message = std::move(message);
    diagnostic.book_file = "book.md";
    diagnostic.book_line = book_line;
    diagnostic.listing_line = listing_line;
    diagnostic.column = column;
    return diagnostic;
  }

  static check::RunOutput exited(int code, std::string out, std::string err = "")
  {
    return {{cargo::ExitStatus::Kind::exited, code, 0}, std::move(out), std::move(err), false};
  }

  void add_passing(std::vector<book::Listing>& listings)
  {
    auto& result = add(listings, listing("ch01/1.1-1", 1, "1.1", 1, 3, {"fn main() {}"}), check::verdict::Pass{}, 120);
    result.observed.build = check::Observed::Build::compiled;
    result.observed.run = exited(0, "");
    result.expectation.outcome = check::Outcome::run;
    result.observed.cached = true;
  }

  void add_failing(std::vector<book::Listing>& listings)
  {
    auto& result = add(listings, listing("ch01/1.1-2", 1, "1.1", 2, 7, {"fn main() {", "    let x: u32 = \"a\";", "}"}),
                       check::verdict::UnexpectedFailure{check::Outcome::compile, {"E0308"}}, 250);
    result.observed.build = check::Observed::Build::failed;
    result.observed.diagnostics = {error("E0308", "mismatched types", 9, 2, 18)};
    result.observed.command = "cargo build --bin ch01_1_1_2";
  }

  void add_ignored(std::vector<book::Listing>& listings)
  {
    auto& result = add(listings, listing("ch01/1.1-3", 1, "1.1", 3, 13, {"fn main() { loop {} }"}),
                       check::verdict::Skipped{"marked `ignore`"}, 0);
    listings.back().info = "rust,ignore";
    result.expectation.outcome = check::Outcome::skip;
    result.expectation.reason = "marked `ignore`";
    result.expectation.from = "fence";
    check::Observed probe;
    probe.build = check::Observed::Build::compiled;
    result.probe = probe;
  }

  void add_output_block(std::vector<book::Listing>& listings)
  {
    auto text = listing("ch01/1.1-4", 1, "1.1", 4, 17, {"$ cargo run"});
    text.is_rust = false;
    text.info = "console";
    auto& result = add(listings, std::move(text), check::verdict::NotRust{}, 0);
    result.expectation.outcome = check::Outcome::not_rust;
    result.expectation.from = "fence";
  }

  void add_erratum(std::vector<book::Listing>& listings)
  {
    auto& result = add(listings,
                       listing("ch02/2.1-1", 2, "2.1", 1, 20,
                               {"fn main() {", "    let s = String::new();", "    let t = s;", "    println!(\"{s}\");", "}"}),
                       check::verdict::Pass{}, 300);
    result.expectation.outcome = check::Outcome::compile_fail;
    result.expectation.errors = std::set<std::string>{"E0382"};
    result.expectation.erratum = "uses `s` after moving it";
    result.expectation.fix = "call `s.clone()`";
    result.expectation.from = "expected/ch02.toml";
    result.observed.build = check::Observed::Build::failed;
    result.observed.diagnostics = {error("E0382", "borrow of moved value: `s`", 24, 4, 16)};
  }

  void add_broken_claim(std::vector<book::Listing>& listings)
  {
    auto& result = add(listings, listing("ch02/2.1-2", 2, "2.1", 2, 28, {"fn main() { let v = 1; }"}),
                       check::verdict::UnexpectedSuccess{std::nullopt}, 200);
    listings.back().info = "rust,does_not_compile";
    result.expectation.outcome = check::Outcome::compile_fail;
    result.expectation.from = "fence";
    result.expectation.claim =
        check::FenceClaim{"does_not_compile", "book.md:28", {{"does_not_compile", check::Outcome::compile_fail}}};
    result.observed.build = check::Observed::Build::compiled;
    result.observed.forms = {"program"};
    result.observed.form = "program";
  }

  void add_environment_failure(std::vector<book::Listing>& listings)
  {
    auto& result = add(listings, listing("ch02/2.1-3", 2, "2.1", 3, 32, {"fn main() {}"}),
                       check::verdict::EnvironmentFailure{"cargo was killed by signal 9"}, 0);
    result.observed.environment_problem = "cargo was killed by signal 9";
  }

  void add_stale(std::vector<book::Listing>& listings)
  {
    auto& result = add(listings, listing("ch02/2.1-4", 2, "2.1", 4, 36, {"fn main() { let _ = 2; }"}),
                       check::verdict::Stale{"0123abcd", "4567ef01", check::Observed::Build::compiled, {}, check::Outcome::compile}, 100);
    result.expectation.from = "expected/ch02.toml";
    result.expectation.stale = true;
    result.observed.build = check::Observed::Build::compiled;
  }

  void add_output_mismatch(std::vector<book::Listing>& listings)
  {
    auto& result = add(listings, listing("ch03/3.1-1", 3, "3.1", 1, 40, {"fn main() { println!(\"hullo\"); }"}),
                       check::verdict::OutputMismatch{check::unified_diff("hello\n", "hullo\n"), "book.md:44-44"},
                       150);
    result.expectation.outcome = check::Outcome::run;
    result.expectation.stdout_text = "hello\n";
    result.expectation.from = "fence";
    result.expectation.output_block = check::OutputBlock{"book.md", 44, 44, "text", "hello\n", "hello\n", false};
    result.observed.build = check::Observed::Build::compiled;
    result.observed.run = exited(0, "hullo\n");
  }
};

} // namespace snipcheck::testing
