#include "check/claims.hpp"

#include "book/rustdoc_rules.hpp"
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

// The info string without the claim tokens, so rustdoc's order rule sees the rest.
std::string without_claim_tokens(std::string_view info, const MarkdownSettings& settings)
{
  std::string rest;
  std::string token;
  const auto flush = [&] {
    if (!token.empty() && !settings.claims.contains(token)) {
      rest += (rest.empty() ? "" : ",") + token;
    }
    token.clear();
  };
  for (const char c : info) {
    if (c == ',' || c == ' ' || c == '\t') {
      flush();
    } else {
      token += c;
    }
  }
  flush();
  return rest;
}

// "as a program and as a test crate"
std::string forms_phrase(const Observed& observed)
{
  if (observed.forms.empty()) {
    return "as a program";
  }
  std::vector<std::string> parts;
  for (const auto& form : observed.forms) {
    parts.push_back("as a " + form);
  }
  return fmt::format("{}", fmt::join(parts, " and "));
}

std::string codes_of(const Observed& observed)
{
  return fmt::format("[{}]", fmt::join(observed.error_codes(), ", "));
}

// Where it failed: "(as a test crate)", "(test tests::larger_can_hold_smaller)".
std::string failed_form(const Observed& observed)
{
  if (observed.forms.size() < 2 && observed.form != "test crate") {
    return {};
  }
  if (!observed.failing_tests.empty()) {
    return fmt::format(" (as a test crate: test {} failed)", fmt::join(observed.failing_tests, ", "));
  }
  return fmt::format(" (as a {})", observed.form.empty() ? "program" : observed.form);
}

std::string advice(const FenceClaim& claim, const Observed& observed)
{
  MarkdownSettings settings;
  settings.claims = claim.tokens;
  const auto token = token_for(observed, settings);
  if (token.empty()) {
    return fmt::format("; remove `{}` from the fence (and `ignore`, so rustdoc checks it)", claim.token);
  }
  return fmt::format("; the fence should carry `{}` instead of `{}`", token, claim.token);
}

} // namespace

std::optional<Claim> find_claim(const book::Listing& listing, const MarkdownSettings& settings)
{
  if (settings.claims.empty() || listing.info.empty()) {
    return std::nullopt;
  }
  for (const auto& token : book::parse_lang_string(listing.info).unknown) {
    if (const auto found = settings.claims.find(token); found != settings.claims.end()) {
      return Claim{token, found->second};
    }
  }
  return std::nullopt;
}

void read_claimed_blocks_as_rust(book::Book& book, const MarkdownSettings& settings)
{
  if (book.format != book::Format::markdown || settings.claims.empty()) {
    return;
  }
  for (auto& listing : book.listings) {
    if (listing.is_rust || !find_claim(listing, settings)) {
      continue;
    }
    const auto rest = book::parse_lang_string(without_claim_tokens(listing.info, settings));
    if (!rest.is_rust) {
      continue; // `text,does_not_compile` is not code
    }
    listing.is_rust = true;
    listing.fence = rest.attributes;
    for (auto& line : listing.lines) {
      auto code = book::map_code_line(line.text);
      line.text = std::move(code.text);
      line.hidden = code.hidden;
    }
  }
}

bool is_unclaimed_ignored(const book::Listing& listing, const Expectation& expectation)
{
  return listing.is_rust && listing.fence.ignore && !expectation.claim && expectation.outcome == Outcome::skip &&
         expectation.from == "fence";
}

bool has_tests(const book::Listing& listing)
{
  return std::any_of(listing.lines.begin(), listing.lines.end(), [](const book::ListingLine& line) {
    const auto trimmed = text::trim(line.text);
    return trimmed.starts_with("#[test]") || trimmed.starts_with("#[cfg(test)]");
  });
}

void apply_claim(Expectation& expectation, const book::Listing& listing, const Annotation* annotation, const Cell& cell,
                 const MarkdownSettings& settings)
{
  if (!listing.is_rust) {
    return;
  }
  const auto claim = find_claim(listing, settings);
  if (!claim) {
    return;
  }
  if (annotation != nullptr) {
    if (annotation->expect) {
      return; // expected/ states the outcome: it wins over the book
    }
    for (const auto& key : {"edition-" + cell.edition, "toolchain-" + cell.toolchain}) {
      if (const auto found = annotation->cells.find(key); found != annotation->cells.end() && found->second.expect) {
        return;
      }
    }
  }
  expectation.claim = FenceClaim{claim->token, fmt::format("{}:{}", listing.files.front().string(), listing.fence_line),
                                 settings.claims};
  expectation.outcome = claim->outcome;
  if (annotation == nullptr) {
    expectation.from = "fence";
    expectation.reason.reset(); // "marked `ignore`" no longer applies
  }
  if (claim->outcome == Outcome::compile_fail) {
    if (!expectation.errors && !listing.fence.error_codes.empty()) {
      expectation.errors = std::set<std::string>(listing.fence.error_codes.begin(), listing.fence.error_codes.end());
    }
  } else {
    expectation.errors.reset();
    expectation.required.clear();
  }
  if (has_tests(listing)) {
    expectation.test_mode = true;
  }
}

std::string token_for(const Observed& observed, const MarkdownSettings& settings)
{
  std::optional<Outcome> outcome;
  if (observed.build == Observed::Build::failed) {
    outcome = Outcome::compile_fail;
  } else if (observed.build == Observed::Build::compiled && observed.run && !observed.run->status.success() &&
             observed.run->status.kind != cargo::ExitStatus::Kind::timed_out) {
    outcome = Outcome::run_fail;
  }
  if (!outcome) {
    return {};
  }
  for (const auto& [token, claimed] : settings.claims) {
    if (claimed == *outcome) {
      return token;
    }
  }
  return {};
}

std::string broken_claim_message(const Verdict& verdict, const Expectation& expectation, const Observed& observed)
{
  if (!expectation.claim) {
    return {};
  }
  const auto& claim = *expectation.claim;
  const auto head = fmt::format("claims {} (fence at {})", claim.token, claim.fence);
  return std::visit(
      Overloaded{
          [&](const verdict::UnexpectedSuccess&) {
            return fmt::format("{}, but it compiles ({}){}", head, forms_phrase(observed), advice(claim, observed));
          },
          [&](const verdict::UnexpectedFailure&) {
            return fmt::format("{}, but it does not compile: {}{}{}", head, codes_of(observed), failed_form(observed),
                               advice(claim, observed));
          },
          [&](const verdict::UnexpectedRunSuccess&) {
            const bool tests =
                std::find(observed.forms.begin(), observed.forms.end(), "test crate") != observed.forms.end();
            return fmt::format("{}, but it runs to the end without panicking ({}{}){}", head, forms_phrase(observed),
                               tests ? "; its tests pass" : "", advice(claim, observed));
          },
          [&](const verdict::RunFailed& failed) {
            return fmt::format("{}, but it fails when run: {}{}{}", head, failed.status.describe(),
                               failed_form(observed), advice(claim, observed));
          },
          [](const auto&) { return std::string(); },
      },
      verdict);
}

} // namespace snipcheck::check
