#pragma once
// What a Markdown book claims beyond rustdoc (docs/claims.md): fence tokens
// such as `does_not_compile` or `panics` that rustdoc treats as CSS classes,
// mapped to outcomes by `[markdown] claims` in snipcheck.toml, and checked
// even on `ignore`d blocks. Also the message a broken claim gets, and the
// token the block should carry instead.

#include "book/listing.hpp"
#include "check/compare.hpp"
#include "check/expectation.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace snipcheck::check {

// The `[markdown]` table of snipcheck.toml. Empty: rustdoc's rules, exactly.
struct MarkdownSettings
{
  std::map<std::string, Outcome> claims;  // fence token -> the outcome it claims
  std::vector<std::string> output_blocks; // info strings of blocks that show a listing's output
};

struct Claim
{
  std::string token; // as written in the fence: "does_not_compile"
  Outcome outcome = Outcome::compile_fail;
};

// The first claim token of the listing's fence, if `settings` maps one.
std::optional<Claim> find_claim(const book::Listing& listing, const MarkdownSettings& settings);

// A block rustdoc reads as not Rust only because a claim token came before
// `ignore` (`does_not_compile,ignore`) is Rust for snipcheck: it carries a claim.
void read_claimed_blocks_as_rust(book::Book& book, const MarkdownSettings& settings);

// Applies the listing's claim over rustdoc's expectation, unless an expected/
// entry states the outcome (in this cell): then the entry wins.
void apply_claim(Expectation& expectation, const book::Listing& listing, const Annotation* annotation, const Cell& cell,
                 const MarkdownSettings& settings);

// An `ignore`d block that claims nothing: the --ignored inventory says what it does today.
bool is_unclaimed_ignored(const book::Listing& listing, const Expectation& expectation);

// Whether a listing's code has `#[test]` functions (its claim concerns its tests).
bool has_tests(const book::Listing& listing);

// The token a block should carry for what it did (empty: none of the
// configured tokens; then no claim token at all, and no `ignore` either).
std::string token_for(const Observed& observed, const MarkdownSettings& settings);

// Why a claimed listing failed, for a maintainer: "claims does_not_compile,
// but it compiles (as a program and as a test crate)". Empty when the verdict
// is not about the claim (a pass, an environment failure, a stale entry).
std::string broken_claim_message(const Verdict& verdict, const Expectation& expectation, const Observed& observed);

} // namespace snipcheck::check
