#include "check/bless.hpp"

#include "check/compare.hpp"
#include "check/result.hpp"
#include "util/utf8.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace snipcheck::check {

namespace {

bool passes(const Expectation& expectation, const Observed& observed, const std::string& fingerprint)
{
  auto fresh = expectation;
  fresh.stale = false; // a changed fingerprint is rewritten anyway
  return !is_failure(status_of(compare(fresh, observed, fingerprint)));
}

} // namespace

BlessDecision decide_update(const book::Listing& listing, const Expectation& expectation, const Observed& observed)
{
  const bool annotated = !expectation.annotation_file.empty();
  BlessUpdate update;
  update.id = listing.id;
  update.fingerprint = listing.fingerprint();
  if (annotated) {
    update.written_id = expectation.moved_from.value_or(listing.id);
    // A fingerprint that still names this code (an older form, say) stays as written.
    if (expectation.recorded_fingerprint && listing.matches_fingerprint(*expectation.recorded_fingerprint)) {
      update.fingerprint = *expectation.recorded_fingerprint;
    }
  }
  const auto keep_entry = [&] { return annotated ? BlessDecision{update, {}} : BlessDecision{}; };
  if (expectation.outcome == Outcome::skip || expectation.outcome == Outcome::not_rust ||
      passes(expectation, observed, listing.fingerprint())) {
    return keep_entry();
  }

  // It behaves otherwise than expected: record what it does.
  auto fresh = expectation;
  fresh.stale = false;
  const auto verdict = compare(fresh, observed, listing.fingerprint());
  std::string refusal;
  const auto record = record_of(observed, refusal);
  if (!record) {
    return {std::nullopt, refusal};
  }
  const auto& recorded = record->expect;
  update.errors = record->errors;
  if (recorded == "run" && expectation.stdout_text) {
    if (!text::is_valid_utf8(observed.run->stdout_text)) {
      return {std::nullopt, "its output is not valid UTF-8, which an expected/ file (TOML) cannot hold"};
    }
    update.stdout_text = observed.run->stdout_text; // only where a maintainer chose to pin it
  }
  // Written out even when the fence says the same: an entry that lists errors
  // must say compile-fail itself, or the file would be rejected.
  update.expect = recorded;
  if (recorded == "compile-fail") {
    const auto* mismatch = std::get_if<verdict::ErrorMismatch>(&verdict);
    update.remove_error_lines = mismatch != nullptr && !mismatch->unmatched.empty();
  } else {
    update.remove_errors = true;
    update.remove_erratum = recorded == "compile" || recorded == "run";
  }
  if (!annotated) {
    update.comment =
        recorded == "compile-fail"
            ? fmt::format("blessed: fails with [{}]; say why (reason) or record an erratum and its fix",
                          fmt::join(*update.errors, ", "))
            : fmt::format("blessed: the book says {}, it does {}; say why (reason) or record an erratum and its fix",
                          outcome_name(expectation.outcome), recorded);
  }
  return {update, {}};
}

std::optional<CellRecord> record_of(const Observed& observed, std::string& refusal)
{
  switch (observed.build) {
  case Observed::Build::not_built: refusal = "it was not built"; return std::nullopt;
  case Observed::Build::timed_out:
    refusal = "it timed out while compiling; raise --compile-timeout, or mark it `skip` with a reason";
    return std::nullopt;
  case Observed::Build::failed: return CellRecord{"compile-fail", observed.error_codes()};
  case Observed::Build::compiled:
    if (!observed.run) {
      return CellRecord{"compile", std::nullopt};
    }
    if (observed.run->status.kind == cargo::ExitStatus::Kind::timed_out) {
      refusal = "its program timed out; raise --timeout, or mark it `skip` with a reason";
      return std::nullopt;
    }
    return CellRecord{observed.run->status.success() ? "run" : "run-fail", std::nullopt};
  }
  return std::nullopt;
}

PrimaryDecision decide_primary(const book::Listing& listing, const Expectation& expectation, const Observed& observed,
                               const Verdict& verdict)
{
  const auto refused = [](NotBlessed why, std::string reason) {
    return PrimaryDecision{{std::nullopt, std::move(reason)}, why};
  };
  const auto status = status_of(verdict);
  if (status == Status::error) {
    return refused(NotBlessed::environment, explain(verdict, expectation, observed));
  }
  if (std::holds_alternative<verdict::BadInput>(verdict)) {
    return refused(NotBlessed::bad_input, explain(verdict, expectation, observed));
  }
  if (status == Status::skip && expectation.outcome != Outcome::skip) {
    // A listing that needs an unavailable crate shows nothing to record: its E0432 is not what it does.
    return refused(NotBlessed::unavailable, skip_reason(verdict));
  }
  auto decision = decide_update(listing, expectation, observed);
  const auto why = decision.refusal.empty() ? NotBlessed::recorded : NotBlessed::cannot_record;
  return {std::move(decision), why};
}

bool behaves_as_expected(const Expectation& expectation, const Observed& observed, const std::string& fingerprint)
{
  return !is_failure(status_of(compare(expectation, observed, fingerprint)));
}

CellDecision decide_cell(const Cell& cell, const Observed& observed, const Cell& primary)
{
  const bool other_edition = cell.edition != primary.edition;
  const bool other_toolchain = cell.toolchain != primary.toolchain;
  CellDecision decision;
  decision.key = other_edition ? "edition-" + cell.edition : "toolchain-" + cell.toolchain;
  if (other_edition && other_toolchain) {
    decision.refusal =
        fmt::format("in {} {} it does otherwise than in {} {}; write `edition-{}` and "
                    "`toolchain-{}` tables by hand",
                    cell.toolchain, cell.edition, primary.toolchain, primary.edition, cell.edition, cell.toolchain);
    return decision;
  }
  decision.record = record_of(observed, decision.refusal);
  return decision;
}

BlessUpdate cell_entry_update(const book::Listing& listing, const Annotation* entry)
{
  BlessUpdate update;
  update.id = listing.id;
  if (entry != nullptr) {
    update.written_id = entry->id;
  }
  update.fingerprint = entry != nullptr && entry->fingerprint && listing.matches_fingerprint(*entry->fingerprint)
                           ? *entry->fingerprint
                           : listing.fingerprint();
  return update;
}

void add_cell(BlessUpdate& update, const CellDecision& cell, const Annotation* entry)
{
  update.cells[cell.key] = *cell.record;
  if (entry == nullptr) {
    update.comment = fmt::format("blessed: in {} it does {}; say why (reason)", cell.key, cell.record->expect);
  }
}

std::filesystem::path expected_file_name(const book::Listing& listing, const Expectation& expectation)
{
  const auto& entry_file = expectation.annotation_file;
  return entry_file.empty() ? std::filesystem::path(fmt::format("ch{:02}.toml", listing.chapter))
                            : entry_file.filename();
}

std::string expected_file_header(const std::filesystem::path& name, const std::filesystem::path& book)
{
  return fmt::format("# Expectations for chapter {} of {}.\n", name.stem().string().substr(2),
                     book.filename().string());
}

} // namespace snipcheck::check
