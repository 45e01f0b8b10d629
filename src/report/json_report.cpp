#include "report/json_report.hpp"

#include "report/claims_report.hpp"
#include "report/errata.hpp"
#include "report/timings.hpp"
#include "util/utf8.hpp"

namespace snipcheck::report {

namespace {

using nlohmann::json;

// A JSON string is UTF-8; a listing's output, a message quoting it or a file
// name may be any bytes, so every such text goes in lossily (U+FFFD).
json lossy(std::string_view text)
{
  return json(text::lossy_utf8(text));
}

json nullable(const std::optional<std::string>& value)
{
  return value ? lossy(*value) : json(nullptr);
}

json diagnostics_json(const check::Observed& observed)
{
  json list = json::array();
  for (const auto& diagnostic : observed.diagnostics) {
    json entry{{"level", diagnostic.level},
               {"code", diagnostic.code.empty() ? json(nullptr) : json(diagnostic.code)},
               {"message", lossy(diagnostic.message)},
               {"book_line", diagnostic.book_line > 0 ? json(diagnostic.book_line) : json(nullptr)},
               {"listing_line", diagnostic.listing_line > 0 ? json(diagnostic.listing_line) : json(nullptr)},
               {"column", diagnostic.column > 0 ? json(diagnostic.column) : json(nullptr)},
               {"file", lossy(diagnostic.book_file.string())}};
    if (diagnostic.prelude_line > 0) {
      entry["prelude_line"] = diagnostic.prelude_line;
    }
    list.push_back(std::move(entry));
  }
  return list;
}

json result_json(const check::ListingResult& result)
{
  const auto& listing = *result.listing;
  const auto& expectation = result.expectation;
  const auto& observed = result.observed;
  const auto status = result.status();
  json expected{{"outcome", check::outcome_name(expectation.outcome)},
                {"errors", expectation.errors ? json(*expectation.errors) : json(nullptr)},
                {"from", expectation.from},
                {"reason", nullable(expectation.reason)},
                {"erratum", nullable(expectation.erratum)},
                {"fix", nullable(expectation.fix)}};
  if (expectation.stdout_text) {
    expected["stdout"] = lossy(*expectation.stdout_text);
  }
  json actual = nullptr;
  if (observed.build != check::Observed::Build::not_built || !observed.environment_problem.empty()) {
    actual = json{{"outcome", observed.outcome_name()},
                  {"errors", observed.error_codes()},
                  {"diagnostics", diagnostics_json(observed)},
                  {"stdout", observed.run ? lossy(observed.run->stdout_text) : json(nullptr)},
                  {"exit_code", observed.run && observed.run->status.kind == cargo::ExitStatus::Kind::exited
                                    ? json(observed.run->status.code)
                                    : json(nullptr)}};
    if (observed.run && !text::is_valid_utf8(observed.run->stdout_text)) {
      actual["stdout_lossy"] = true; // `stdout` shows each invalid sequence as U+FFFD
    }
    if (observed.run && observed.run->status.kind == cargo::ExitStatus::Kind::signaled) {
      actual["signal"] = observed.run->status.signal;
    }
    if (!observed.environment_problem.empty()) {
      actual["environment_problem"] = lossy(observed.environment_problem);
    }
    add_claim_fields(expected, actual, result);
  }
  return json{{"id", listing.id},
              {"chapter", listing.chapter},
              {"section", listing.section},
              {"ordinal", listing.ordinal},
              {"source",
               {{"file", lossy(listing.files.front().string())},
                {"fence_line", listing.fence_line},
                {"first_line", listing.first_line()},
                {"last_line", listing.last_line()}}},
              {"fingerprint", listing.fingerprint()},
              {"toolchain", result.toolchain},
              {"edition", result.edition},
              {"expected", std::move(expected)},
              {"actual", std::move(actual)},
              {"status", check::status_name(status)},
              {"message", lossy(result.explanation())},
              // Why a skipped listing was not checked: the annotation's reason, or what the
              // build lacked ("needs crate x, which is not available: ...").
              {"skip_reason",
               status == check::Status::skip ? lossy(check::skip_reason(result.verdict)) : json(nullptr)},
              {"cached", observed.cached},
              {"duration_ms", result.duration.count()}};
}

} // namespace

Summary summarize(const check::CheckRun& run)
{
  Summary summary;
  for (const auto& result : run.results) {
    ++summary.listings;
    switch (result.status()) {
    case check::Status::pass: ++summary.pass; break;
    case check::Status::fail: ++summary.fail; break;
    case check::Status::stale: ++summary.stale; break;
    case check::Status::skip: ++summary.skip; break;
    case check::Status::not_rust: ++summary.not_rust; break;
    case check::Status::error: ++summary.error; break;
    }
    if (result.observed.cached)
      ++summary.cached;
  }
  return summary;
}

json json_report(const check::CheckRun& run)
{
  const auto summary = summarize(run);
  const auto classes = classify(run);
  json toolchains = json::array();
  for (const auto& toolchain : run.toolchains) {
    toolchains.push_back({{"name", toolchain.name}, {"rustc", toolchain.rustc}});
  }
  json results = json::array();
  for (const auto& result : run.results) {
    results.push_back(result_json(result));
  }
  return json{{"schema", "snipcheck-report/1"},
              {"book", lossy(run.book.path.string())},
              {"toolchains", std::move(toolchains)},
              {"editions", run.editions},
              {"summary",
               {{"listings", summary.listings},
                {"pass", summary.pass},
                {"fail", summary.fail},
                {"stale", summary.stale},
                {"skip", summary.skip},
                {"not_rust", summary.not_rust},
                {"error", summary.error},
                {"duration_ms", run.duration.count()},
                {"cached", summary.cached},
                {"book",
                 {{"as_printed", classes.as_printed},
                  {"with_scaffolding", classes.with_scaffolding},
                  {"fail_as_intended", classes.fail_as_intended},
                  {"errata", classes.errata},
                  {"skipped", classes.skipped},
                  {"not_passing", classes.not_passing}}}}},
              {"results", std::move(results)},
              {"ignored", ignored_json(run)},
              {"timings", timings_json(run.timings)}};
}

} // namespace snipcheck::report
