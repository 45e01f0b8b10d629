// Which source decides what a listing is expected to do (docs/contract.md):
// the maintainers' expected/ entry over the book's own markers (fence
// attributes in Markdown, inline `// Error!` / `//~ ERROR` comments), over the
// default (it compiles; not-rust for blocks in other languages).
#include "check/expectation.hpp"

#include <algorithm>

namespace snipcheck::check {

namespace {

// The entry as it applies in one cell: per-cell fields over the entry's own.
Annotation annotation_in_cell(const Annotation& annotation, const Cell& cell)
{
  Annotation merged = annotation;
  for (const auto& key : {"edition-" + cell.edition, "toolchain-" + cell.toolchain}) {
    const auto found = annotation.cells.find(key);
    if (found == annotation.cells.end()) {
      continue;
    }
    const auto& differs = found->second;
    if (differs.expect) {
      merged.expect = differs.expect;
      if (*differs.expect != Outcome::compile_fail) {
        merged.errors.reset();
        merged.error_lines.clear();
      }
    }
    if (differs.errors)
      merged.errors = differs.errors;
    if (!differs.error_lines.empty())
      merged.error_lines = differs.error_lines;
    if (differs.stdout_text)
      merged.stdout_text = differs.stdout_text;
    if (differs.reason)
      merged.reason = differs.reason;
    if (differs.erratum)
      merged.erratum = differs.erratum;
    if (differs.fix)
      merged.fix = differs.fix;
  }
  return merged;
}

// What a Markdown block's fence says it does, as rustdoc reads it.
void apply_fence(const book::FenceAttributes& fence, Expectation& expectation)
{
  expectation.from = "fence";
  if (fence.ignore) {
    expectation.outcome = Outcome::skip;
    expectation.reason = "marked `ignore` in the book";
  } else if (fence.compile_fail) {
    expectation.outcome = Outcome::compile_fail;
    if (!fence.error_codes.empty()) {
      expectation.errors = std::set<std::string>(fence.error_codes.begin(), fence.error_codes.end());
    }
  } else if (fence.should_panic) {
    expectation.outcome = fence.no_run ? Outcome::compile : Outcome::run_fail;
  } else {
    expectation.outcome = fence.no_run ? Outcome::compile : Outcome::run;
  }
  if (fence.edition) {
    expectation.edition = fence.edition;
  }
}

// What the book itself says: its fence (Markdown), its inline markers, else the default.
Expectation book_expectation(const book::Listing& listing, book::Format format,
                             const std::set<std::string>& book_modules)
{
  Expectation expectation;
  expectation.required = find_inline_markers(listing, format);
  for (const auto& [name, keyword] : listing.declarations()) {
    expectation.declared_names.insert(name);
    if (keyword != "fn" && keyword != "const" && keyword != "static" && keyword != "macro_rules") {
      expectation.declared_modules.insert(name); // mod, struct, enum, trait, type, union, `as`
    }
  }
  expectation.declared_names.insert(book_modules.begin(), book_modules.end());
  expectation.declared_modules.insert(book_modules.begin(), book_modules.end());
  expectation.rustc_private =
      std::any_of(listing.lines.begin(), listing.lines.end(), [](const book::ListingLine& line) {
        return line.text.find("feature(rustc_private)") != std::string::npos;
      });
  if (!listing.is_rust) {
    expectation.outcome = Outcome::not_rust;
    expectation.from = "default";
  } else if (format == book::Format::markdown) {
    apply_fence(listing.fence, expectation);
  } else if (!expectation.required.empty()) {
    expectation.outcome = Outcome::compile_fail;
    expectation.from = "inline";
  } else {
    expectation.outcome = Outcome::compile;
    expectation.from = "default";
  }
  if (!expectation.required.empty() && listing.is_rust && expectation.outcome != Outcome::skip) {
    expectation.outcome = Outcome::compile_fail;
    if (expectation.from == "default") {
      expectation.from = "inline";
    }
  }
  return expectation;
}

// The maintainers' entry (already merged for the cell) over what the book says.
void apply_annotation(const Annotation& annotation, const book::Listing& listing, Expectation& expectation)
{
  expectation.from = annotation.file.parent_path().filename().string() + "/" + annotation.file.filename().string();
  if (annotation.expect) {
    expectation.outcome = *annotation.expect;
  }
  if (annotation.errors) {
    expectation.errors = annotation.errors;
  }
  for (const int line : annotation.error_lines) {
    expectation.required.push_back({line, std::nullopt});
  }
  if (expectation.outcome != Outcome::compile_fail) {
    expectation.required.clear();
    expectation.errors.reset();
  }
  if (annotation.stdout_text) {
    expectation.stdout_text = annotation.stdout_text;
  }
  if (annotation.edition) {
    expectation.edition = annotation.edition;
  }
  expectation.reason = annotation.reason;
  expectation.erratum = annotation.erratum;
  expectation.fix = annotation.fix;
  expectation.recorded_fingerprint = annotation.fingerprint;
  expectation.stale = annotation.fingerprint && !listing.matches_fingerprint(*annotation.fingerprint);
  expectation.annotation_file = annotation.file;
  expectation.annotation_line = annotation.line;
  if (annotation.id != listing.id) {
    expectation.moved_from = annotation.id;
  }
  expectation.wrap = {annotation.wrap, annotation.elide, annotation.crate_type, annotation.prelude,
                      annotation.epilogue};
  expectation.deps = annotation.deps;
  expectation.test_mode = annotation.test_mode;
  expectation.fmt = annotation.fmt;
  expectation.allowed_lints = annotation.allow;
}

} // namespace

Expectation expectation_for(const book::Listing& listing, const Annotation* entry, book::Format format,
                            const Cell& cell, const std::set<std::string>& book_modules)
{
  auto expectation = book_expectation(listing, format, book_modules);
  if (entry != nullptr) {
    apply_annotation(annotation_in_cell(*entry, cell), listing, expectation);
  }
  return expectation;
}

} // namespace snipcheck::check
