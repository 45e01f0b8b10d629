#include "check/compare.hpp"

#include "check/claims.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace snipcheck::check {

namespace {

template <class... Ts>
struct Overloaded : Ts...
{
  using Ts::operator()...;
};

std::string normalize_output(std::string text)
{
  std::string result;
  for (const auto& line : text::split_lines(text)) {
    result += text::trim_end(line);
    result += '\n';
  }
  return result;
}

// A Markdown `compile_fail` block that states no codes passes on any error in
// rustdoc; a misspelt import (E0432/E0433), a missing crate (E0463) or a
// syntax error (no code) then hides that the example no longer shows anything.
// Stricter than rustdoc on purpose: README.md, "Differences from rustdoc".
bool failed_for_the_wrong_reason(const Expectation& expectation, const std::set<std::string>& actual)
{
  if (expectation.from != "fence" || expectation.errors || !expectation.required.empty() || actual.empty()) {
    return false;
  }
  return std::all_of(actual.begin(), actual.end(), [](const std::string& code) {
    return code == "E0432" || code == "E0433" || code == "E0463" || code == "error";
  });
}

Verdict compare_compile_fail(const Expectation& expectation, const Observed& observed)
{
  if (observed.build == Observed::Build::compiled) {
    return verdict::UnexpectedSuccess{};
  }
  const auto actual = observed.error_codes();
  verdict::ErrorMismatch mismatch;
  if (failed_for_the_wrong_reason(expectation, actual)) {
    mismatch.unexpected = actual;
    return mismatch;
  }
  if (expectation.errors) {
    std::set_difference(expectation.errors->begin(), expectation.errors->end(), actual.begin(), actual.end(),
                        std::inserter(mismatch.missing, mismatch.missing.end()));
    std::set_difference(actual.begin(), actual.end(), expectation.errors->begin(), expectation.errors->end(),
                        std::inserter(mismatch.unexpected, mismatch.unexpected.end()));
  }
  for (const auto& marker : expectation.required) {
    const bool found = std::any_of(observed.diagnostics.begin(), observed.diagnostics.end(), [&](const Diagnostic& d) {
      const bool on_line = d.listing_line == marker.listing_line ||
                           std::find(d.other_listing_lines.begin(), d.other_listing_lines.end(), marker.listing_line) !=
                               d.other_listing_lines.end();
      return d.level == "error" && on_line && (!marker.code || d.code == *marker.code);
    });
    if (!found) {
      mismatch.unmatched.push_back(marker);
    }
  }
  if (mismatch.missing.empty() && mismatch.unexpected.empty() && mismatch.unmatched.empty()) {
    return verdict::Pass{};
  }
  return mismatch;
}

Verdict compare_run(const Expectation& expectation, const Observed& observed)
{
  if (observed.build != Observed::Build::compiled) {
    return verdict::UnexpectedFailure{};
  }
  if (!observed.run) {
    return verdict::EnvironmentFailure{"the listing compiled but was not run"};
  }
  const auto& run = *observed.run;
  if (run.status.kind == cargo::ExitStatus::Kind::timed_out) {
    return verdict::TimedOut{};
  }
  if (run.status.kind == cargo::ExitStatus::Kind::not_started) {
    return verdict::EnvironmentFailure{"the listing's program could not be started"};
  }
  if (run.status.kind == cargo::ExitStatus::Kind::output_limit) {
    return verdict::RunFailed{run.status}; // a flood of output is never the expected behaviour
  }
  if (expectation.outcome == Outcome::run_fail) {
    return run.status.success() ? Verdict{verdict::UnexpectedRunSuccess{}} : Verdict{verdict::Pass{}};
  }
  if (!run.status.success()) {
    return verdict::RunFailed{run.status};
  }
  if (expectation.stdout_text) {
    const auto expected = normalize_output(*expectation.stdout_text);
    const auto actual = normalize_output(run.stdout_text);
    if (expected != actual) {
      return verdict::OutputMismatch{unified_diff(expected, actual)};
    }
  }
  return verdict::Pass{};
}

} // namespace

std::set<std::string> Observed::error_codes() const
{
  std::set<std::string> codes;
  for (const auto& diagnostic : diagnostics) {
    if (diagnostic.level == "error") {
      codes.insert(diagnostic.code.empty() ? "error" : diagnostic.code);
    }
  }
  return codes;
}

std::string Observed::outcome_name() const
{
  switch (build) {
  case Build::not_built: return "not-built";
  case Build::failed: return "compile-fail";
  case Build::compiled:
    if (!run) {
      return "compile";
    }
    if (run->status.kind == cargo::ExitStatus::Kind::timed_out) {
      return "timeout";
    }
    return run->status.success() ? "run" : "run-fail";
  }
  return "not-built";
}

Verdict compare(const Expectation& expectation, const Observed& observed, const std::string& current_fingerprint)
{
  if (expectation.outcome == Outcome::not_rust) {
    return verdict::NotRust{};
  }
  if (expectation.stale) {
    return verdict::Stale{expectation.recorded_fingerprint.value_or(""), current_fingerprint};
  }
  if (expectation.outcome == Outcome::skip) {
    return verdict::Skipped{expectation.reason.value_or("")};
  }
  if (observed.build == Observed::Build::not_built) {
    return verdict::EnvironmentFailure{observed.environment_problem};
  }
  switch (expectation.outcome) {
  case Outcome::compile:
    return observed.build == Observed::Build::compiled ? Verdict{verdict::Pass{}}
                                                       : Verdict{verdict::UnexpectedFailure{}};
  case Outcome::compile_fail: return compare_compile_fail(expectation, observed);
  case Outcome::run:
  case Outcome::run_fail: return compare_run(expectation, observed);
  default: return verdict::Pass{};
  }
}

std::string_view status_name(const Verdict& verdict)
{
  return std::visit(Overloaded{
                        [](const verdict::Pass&) { return std::string_view("pass"); },
                        [](const verdict::Skipped&) { return std::string_view("skip"); },
                        [](const verdict::NotRust&) { return std::string_view("not-rust"); },
                        [](const verdict::Stale&) { return std::string_view("stale"); },
                        [](const verdict::EnvironmentFailure&) { return std::string_view("error"); },
                        [](const auto&) { return std::string_view("fail"); },
                    },
                    verdict);
}

std::string explain(const Verdict& verdict, const Expectation& expectation, const Observed& observed)
{
  if (auto claim = broken_claim_message(verdict, expectation, observed); !claim.empty()) {
    return claim; // docs/claims.md
  }
  const auto codes = observed.error_codes();
  return std::visit(
      Overloaded{
          [](const verdict::Pass&) { return std::string("behaved as expected"); },
          [](const verdict::Skipped& skipped) { return fmt::format("skipped: {}", skipped.reason); },
          [](const verdict::NotRust&) { return std::string("not Rust"); },
          [&](const verdict::Stale& stale) {
            std::string now;
            switch (observed.build) {
            case Observed::Build::compiled: now = "it now compiles"; break;
            case Observed::Build::failed: now = fmt::format("it now fails with [{}]", fmt::join(codes, ", ")); break;
            case Observed::Build::not_built: now = "it was not built"; break;
            }
            return fmt::format(
                "stale: the listing changed since it was annotated (fingerprint {} recorded, {} now); {}, "
                "annotated as {}; review it, then `snipcheck bless` it",
                stale.recorded, stale.current, now, outcome_name(expectation.outcome));
          },
          [&](const verdict::UnexpectedSuccess&) {
            return fmt::format("expected to fail with {}, but it compiled",
                               expectation.errors ? fmt::format("[{}]", fmt::join(*expectation.errors, ", "))
                                                  : std::string("an error"));
          },
          [&](const verdict::UnexpectedFailure&) {
            return fmt::format("expected to {}, but it failed to compile with [{}]", outcome_name(expectation.outcome),
                               fmt::join(codes, ", "));
          },
          [&](const verdict::ErrorMismatch& mismatch) {
            std::vector<std::string> parts;
            if (!mismatch.unexpected.empty()) {
              parts.push_back(fmt::format("unexpected [{}]", fmt::join(mismatch.unexpected, ", ")));
            }
            if (!mismatch.missing.empty()) {
              parts.push_back(fmt::format("missing [{}]", fmt::join(mismatch.missing, ", ")));
            }
            for (const auto& marker : mismatch.unmatched) {
              parts.push_back(fmt::format("no error{} on listing line {}", marker.code ? " " + *marker.code : "",
                                          marker.listing_line));
            }
            return fmt::format("failed to compile, but not as expected: {} (got [{}])", fmt::join(parts, "; "),
                               fmt::join(codes, ", "));
          },
          [](const verdict::RunFailed& failed) { return fmt::format("ran but failed: {}", failed.status.describe()); },
          [](const verdict::UnexpectedRunSuccess&) {
            return std::string("expected to panic or exit non-zero, but it succeeded");
          },
          [](const verdict::TimedOut&) { return std::string("timed out; the whole process tree was killed"); },
          [](const verdict::OutputMismatch& mismatch) {
            return mismatch.where.empty()
                       ? std::string("printed something else than expected")
                       : fmt::format("printed something else than the output block at {} shows", mismatch.where);
          },
          [](const verdict::EnvironmentFailure& failure) {
            return fmt::format("not checked, the environment failed: {}", failure.message);
          },
          [](const verdict::BadInput& bad) { return fmt::format("not checked, bad input: {}", bad.message); },
      },
      verdict);
}

std::string unified_diff(const std::string& expected, const std::string& actual)
{
  const auto a = text::split_lines(expected);
  const auto b = text::split_lines(actual);
  // Longest common subsequence; listings print little, so O(n*m) is fine.
  std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::string diff = "--- expected\n+++ actual\n";
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      diff += " " + a[i] + "\n";
      ++i;
      ++j;
    } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
      diff += "-" + a[i++] + "\n";
    } else {
      diff += "+" + b[j++] + "\n";
    }
  }
  return diff;
}

} // namespace snipcheck::check
