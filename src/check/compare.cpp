#include "check/compare.hpp"

#include "check/claims.hpp"
#include "check/unavailable.hpp"

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

Verdict compare_compile_fail(const Expectation& expectation, const Observed& observed)
{
  if (observed.build == Observed::Build::compiled) {
    return verdict::UnexpectedSuccess{expectation.errors};
  }
  const auto actual = observed.error_codes();
  verdict::ErrorMismatch mismatch;
  mismatch.errors = actual;
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
    return verdict::UnexpectedFailure{expectation.outcome, observed.error_codes()};
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
  case Build::timed_out: return "compile-timeout";
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
    return verdict::Stale{expectation.recorded_fingerprint.value_or(""), current_fingerprint, observed.build,
                          observed.error_codes(), expectation.outcome};
  }
  if (expectation.outcome == Outcome::skip) {
    return verdict::Skipped{expectation.reason.value_or("")};
  }
  if (observed.build == Observed::Build::not_built) {
    return verdict::EnvironmentFailure{observed.environment_problem};
  }
  if (observed.build == Observed::Build::timed_out) {
    return verdict::TimedOut{true}; // whatever it claims: a listing whose build never ends is never a pass
  }
  if (const auto missing = unavailable(expectation, observed); !missing.empty()) {
    // Whatever the listing claims, it cannot be checked on this machine; never a pass.
    return verdict::Skipped{missing.reason()};
  }
  switch (expectation.outcome) {
  case Outcome::compile:
    return observed.build == Observed::Build::compiled
               ? Verdict{verdict::Pass{}}
               : Verdict{verdict::UnexpectedFailure{expectation.outcome, observed.error_codes()}};
  case Outcome::compile_fail: return compare_compile_fail(expectation, observed);
  case Outcome::run:
  case Outcome::run_fail: return compare_run(expectation, observed);
  default: return verdict::Pass{};
  }
}

std::string skip_reason(const Verdict& verdict)
{
  const auto* skipped = std::get_if<verdict::Skipped>(&verdict);
  return skipped != nullptr ? skipped->reason : std::string();
}

std::string explain(const Verdict& verdict, const Expectation& expectation, const Observed& observed)
{
  if (auto claim = broken_claim_message(verdict, expectation, observed); !claim.empty()) {
    return claim; // docs/claims.md
  }
  return explain(verdict);
}

std::string explain(const Verdict& verdict)
{
  return std::visit(
      Overloaded{
          [](const verdict::Pass&) { return std::string("behaved as expected"); },
          [](const verdict::Skipped& skipped) { return fmt::format("skipped: {}", skipped.reason); },
          [](const verdict::NotRust&) { return std::string("not Rust"); },
          [](const verdict::Stale& stale) {
            std::string now;
            switch (stale.now) {
            case Observed::Build::compiled: now = "it now compiles"; break;
            case Observed::Build::failed:
              now = fmt::format("it now fails with [{}]", fmt::join(stale.errors, ", "));
              break;
            case Observed::Build::not_built: now = "it was not built"; break;
            case Observed::Build::timed_out: now = "it timed out while compiling"; break;
            }
            return fmt::format(
                "stale: the listing changed since it was annotated (fingerprint {} recorded, {} now); {}, "
                "annotated as {}; review it, then `snipcheck bless` it",
                stale.recorded, stale.current, now, outcome_name(stale.annotated));
          },
          [](const verdict::UnexpectedSuccess& success) {
            return fmt::format("expected to fail with {}, but it compiled",
                               success.expected_errors ? fmt::format("[{}]", fmt::join(*success.expected_errors, ", "))
                                                       : std::string("an error"));
          },
          [](const verdict::UnexpectedFailure& failure) {
            return fmt::format("expected to {}, but it failed to compile with [{}]", outcome_name(failure.expected),
                               fmt::join(failure.errors, ", "));
          },
          [](const verdict::ErrorMismatch& mismatch) {
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
                               fmt::join(mismatch.errors, ", "));
          },
          [](const verdict::RunFailed& failed) { return fmt::format("ran but failed: {}", failed.status.describe()); },
          [](const verdict::UnexpectedRunSuccess&) {
            return std::string("expected to panic or exit non-zero, but it succeeded");
          },
          [](const verdict::TimedOut& timed_out) {
            return std::string(timed_out.while_compiling
                                   ? "timed out while compiling; rustc and every process it started were killed "
                                     "(raise --compile-timeout if it is merely slow)"
                                   : "timed out; the whole process tree was killed");
          },
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
