#pragma once
// Reports of what the book claims (docs/claims.md): the ignored-blocks
// inventory (text and a JSON section), broken fence claims for `errata`, and
// for `bless` the output blocks as they should read (bless never edits the book).

#include "check/result.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace snipcheck::report {

// For `list`: " claim does_not_compile", " test mode", " output block 12-14".
std::string claim_detail(const check::Expectation& expectation);

// Adds the claim, test-mode and output-block fields of one result to its JSON.
void add_claim_fields(nlohmann::json& expected, nlohmann::json& actual, const check::ListingResult& result);

// `list --ignored`: one line per ignored block without a claim, and what it does today.
std::string ignored_inventory(const check::CheckRun& run);

// The JSON report's "ignored" section: null when --ignored was not asked for.
nlohmann::json ignored_json(const check::CheckRun& run);

// `errata`: each broken claim with the token its fence should carry. Empty when none.
std::string broken_claims_report(const check::CheckRun& run);

// `bless`: for each stale output block, where it is and how it should read. Empty when none.
std::string output_block_fixes(const check::CheckRun& run);

} // namespace snipcheck::report
