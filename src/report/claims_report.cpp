#include "report/claims_report.hpp"

#include "check/claims.hpp"
#include "check/inventory.hpp"
#include "check/output_block.hpp"
#include "report/escape.hpp"
#include "report/terminal.hpp"
#include "util/utf8.hpp"

#include <fmt/format.h>

namespace snipcheck::report {

std::string claim_detail(const check::Expectation& expectation)
{
  std::string detail;
  if (expectation.claim) {
    detail += fmt::format(" claim {}", expectation.claim->token);
  }
  if (expectation.test_mode) {
    detail += " test-mode";
  }
  if (expectation.output_block) {
    detail += fmt::format(" output {}:{}-{}", expectation.output_block->file.string(),
                          expectation.output_block->first_line, expectation.output_block->last_line);
  }
  return detail;
}

void add_claim_fields(nlohmann::json& expected, nlohmann::json& actual, const check::ListingResult& result)
{
  const auto& expectation = result.expectation;
  if (expectation.claim) {
    expected["claim"] = expectation.claim->token;
  }
  if (expectation.test_mode) {
    expected["mode"] = "test";
  }
  if (expectation.output_block) {
    const auto& block = *expectation.output_block;
    expected["output_block"] = {{"file", block.file.string()},
                                {"first_line", block.first_line},
                                {"last_line", block.last_line},
                                {"transcript", block.transcript},
                                {"expected", block.expected}};
  }
  const auto& observed = result.observed;
  if (!actual.is_object()) {
    return;
  }
  if (!observed.forms.empty()) {
    actual["forms"] = observed.forms;
  }
  if (!observed.form.empty()) {
    actual["form"] = observed.form;
  }
  if (!observed.failing_tests.empty()) {
    auto& names = actual["failing_tests"] = nlohmann::json::array();
    for (const auto& name : observed.failing_tests) {
      names.push_back(text::lossy_utf8(name)); // read from the test binary's output
    }
  }
}

std::string ignored_inventory(const check::CheckRun& run)
{
  std::string text;
  int count = 0;
  int compiles = 0;
  for (const auto* primary : check::primary_results(run)) {
    const auto& result = *primary;
    if (!result.probe) {
      continue;
    }
    const auto today = check::describe_ignored(*result.probe);
    ++count;
    compiles += today.state == "compiles" ? 1 : 0;
    text += fmt::format("{:<16} {}:{} ignored: {}{}\n", result.listing->id, result.listing->files.front().string(),
                        result.listing->fence_line, today.summary,
                        today.state == "compiles" ? " (`ignore` is not needed)" : "");
  }
  text += fmt::format("{} ignored block{} without a claim, {} of them compile{}\n", count, count == 1 ? "" : "s",
                      compiles, compiles == 1 ? "s" : "");
  return text;
}

nlohmann::json ignored_json(const check::CheckRun& run)
{
  bool asked = false;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& result : run.results) {
    if (!result.probe) {
      continue;
    }
    asked = true;
    const auto today = check::describe_ignored(*result.probe);
    const auto& listing = *result.listing;
    list.push_back({{"id", listing.id},
                    {"source", {{"file", listing.files.front().string()}, {"fence_line", listing.fence_line}}},
                    {"toolchain", result.toolchain},
                    {"edition", result.edition},
                    {"today", today.state},
                    {"errors", today.errors},
                    {"crates", today.crates},
                    {"message", today.summary}});
  }
  return asked ? list : nlohmann::json(nullptr);
}

std::string broken_claims_report(const check::CheckRun& run)
{
  std::string text;
  int number = 0;
  for (const auto* primary : check::primary_results(run)) {
    const auto& result = *primary;
    if (!result.expectation.claim || result.expectation.from != "fence" || result.status() != check::Status::fail) {
      continue;
    }
    const auto& claim = *result.expectation.claim;
    check::MarkdownSettings settings;
    settings.claims = claim.tokens;
    const auto token = check::token_for(result.observed, settings);
    text += fmt::format("\n### {}. {} ({})\n\n", ++number, result.listing->id, claim.fence);
    text += fmt::format("- fence: ```{}\n", result.listing->info);
    text += fmt::format("- today: {}\n", result.explanation());
    text += token.empty()
                ? fmt::format("- fix: remove `{}` (and `ignore`, so that rustdoc checks the listing)\n", claim.token)
                : fmt::format("- fix: the fence should carry `{}` instead of `{}`\n", token, claim.token);
  }
  if (number == 0) {
    return {};
  }
  return fmt::format("\n## Broken claims\n\nFences whose claim tokens say otherwise than the listing does.\n{}", text);
}

std::string output_block_fixes(const check::CheckRun& run)
{
  std::string text;
  for (const auto* primary : check::primary_results(run)) {
    const auto& result = *primary;
    const auto* mismatch = std::get_if<check::verdict::OutputMismatch>(&result.verdict);
    if (mismatch == nullptr || mismatch->where.empty() ||
        !result.expectation.output_block) {
      continue;
    }
    // The block holds what the program printed: quoted, as in the failure details.
    text += fmt::format("{}: the output block of {} should read (snipcheck never edits the book):\n{}", mismatch->where,
                        result.listing->id,
                        quoted_lines(check::corrected_output_block(*result.expectation.output_block, result.observed),
                                     "  | "));
  }
  return text;
}

} // namespace snipcheck::report
