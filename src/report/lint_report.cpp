#include "report/lint_report.hpp"

#include "report/ci_reports.hpp"
#include "report/escape.hpp"
#include "util/utf8.hpp"

#include <fmt/format.h>

#include <map>

namespace snipcheck::report {

namespace {

using nlohmann::json;

std::string_view severity(const lint::Finding& finding)
{
  return finding.level == lint::Level::deny ? "error" : "warning";
}

std::string place(const check::ListingResult& result)
{
  const auto& listing = *result.listing;
  return fmt::format("{}:{}-{}", listing.files.front().string(), listing.first_line(), listing.last_line());
}

int count_findings(const lint::LintRun& run, bool allowed)
{
  int count = 0;
  for (const auto& result : run.results) {
    for (const auto& finding : result.findings) {
      count += finding.allowed_by.empty() != allowed ? 1 : 0;
    }
  }
  return count;
}

} // namespace

std::string finding_line(const lint::Finding& finding, const check::ListingResult& result, bool verbose)
{
  const auto& d = finding.diagnostic;
  auto line = fmt::format("{}:{}:{}: {}[{}]: {} ({} line {})", d.book_file.string(), d.book_line, d.column,
                          severity(finding), d.code, terminal_safe(d.message), result.listing->id, d.listing_line);
  if (!finding.allowed_by.empty()) {
    line = fmt::format("{} (allowed by {})", line, finding.allowed_by);
  }
  line += "\n";
  if (verbose && !d.rendered.empty()) {
    line += quoted_lines(d.rendered, "  | ");
  }
  return line;
}

std::string not_linted_line(const lint::LintResult& result)
{
  return fmt::format("not linted  {:<16} {}: {}\n", result.result->listing->id, place(*result.result),
                     result.not_linted);
}

std::string findings_per_lint_table(const lint::LintRun& run)
{
  const auto counted = lint::findings_per_lint(run);
  const auto allowed = lint::findings_per_lint(run, true);
  if (counted.empty() && allowed.empty()) {
    return {};
  }
  std::map<std::string, std::pair<int, int>> rows;
  for (const auto& [name, count] : counted) {
    rows[name].first = count;
  }
  for (const auto& [name, count] : allowed) {
    rows[name].second = count;
  }
  std::string out = "findings per lint:\n";
  for (const auto& [name, counts] : rows) {
    out += fmt::format("  {:>5}  {}{}\n", counts.first, name,
                       counts.second > 0 ? fmt::format(" (and {} allowed in expected/)", counts.second) : "");
  }
  return out;
}

std::string lint_summary(const lint::LintRun& run)
{
  int linted = 0;
  int not_linted = 0;
  int with_findings = 0;
  int deny = 0;
  int warn = 0;
  for (const auto& result : run.results) {
    if (!result.not_linted.empty()) {
      ++not_linted;
      continue;
    }
    ++linted;
    bool any = false;
    for (const auto& finding : result.findings) {
      if (!finding.allowed_by.empty()) {
        continue;
      }
      any = true;
      ++(finding.level == lint::Level::deny ? deny : warn);
    }
    with_findings += any ? 1 : 0;
  }
  return fmt::format("{}: {} listings linted, {} findings in {} listings ({} deny, {} warn), {} allowed by "
                     "expected/, {} not linted; fails at {}\n",
                     lint::fails(run) ? "lint FAILED" : "lint ok", linted, deny + warn, with_findings, deny, warn,
                     count_findings(run, true), not_linted, lint::level_name(run.fail_on));
}

json lint_json_report(const check::CheckRun& run, const lint::LintRun& lint)
{
  const auto lossy = [](std::string_view text) { return text::lossy_utf8(text); };
  json results = json::array();
  for (const auto& linted : lint.results) {
    const auto& result = *linted.result;
    const auto& listing = *result.listing;
    json findings = json::array();
    for (const auto& finding : linted.findings) {
      const auto& d = finding.diagnostic;
      findings.push_back({{"lint", d.code},
                          {"level", lint::level_name(finding.level)},
                          {"message", lossy(d.message)},
                          {"file", lossy(d.book_file.string())},
                          {"book_line", d.book_line},
                          {"listing_line", d.listing_line},
                          {"column", d.column},
                          {"allowed_by", finding.allowed_by.empty() ? json(nullptr) : json(finding.allowed_by)},
                          {"rendered", lossy(d.rendered)}});
    }
    results.push_back({{"id", listing.id},
                       {"chapter", listing.chapter},
                       {"section", listing.section},
                       {"source",
                        {{"file", lossy(listing.files.front().string())},
                         {"fence_line", listing.fence_line},
                         {"first_line", listing.first_line()},
                         {"last_line", listing.last_line()}}},
                       {"toolchain", result.toolchain},
                       {"edition", result.edition},
                       {"linted", linted.not_linted.empty()},
                       {"not_linted", linted.not_linted.empty() ? json(nullptr) : json(linted.not_linted)},
                       {"findings", std::move(findings)},
                       {"cached", result.observed.cached}});
  }
  json toolchains = json::array();
  for (const auto& toolchain : run.toolchains) {
    toolchains.push_back({{"name", toolchain.name}, {"rustc", toolchain.rustc}});
  }
  int not_linted = 0;
  for (const auto& linted : lint.results) {
    not_linted += linted.not_linted.empty() ? 0 : 1;
  }
  return json{{"schema", "snipcheck-lint/1"},
              {"book", lossy(run.book.path.string())},
              {"toolchains", std::move(toolchains)},
              {"editions", run.editions},
              {"summary",
               {{"listings", lint.results.size()},
                {"not_linted", not_linted},
                {"findings", count_findings(lint, false)},
                {"allowed", count_findings(lint, true)},
                {"fail_on", lint::level_name(lint.fail_on)},
                {"failed", lint::fails(lint)},
                {"duration_ms", run.duration.count()}}},
              {"per_lint", lint::findings_per_lint(lint)},
              {"results", std::move(results)}};
}

std::string lint_junit_report(const check::CheckRun& run, const lint::LintRun& lint)
{
  std::string cases;
  int tests = 0;
  int failures = 0;
  int skipped = 0;
  for (const auto& linted : lint.results) {
    const auto& result = *linted.result;
    ++tests;
    std::string body;
    if (!linted.not_linted.empty()) {
      ++skipped;
      body = fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(linted.not_linted));
    } else {
      std::string details;
      int counted = 0;
      for (const auto& finding : linted.findings) {
        if (lint::counts(finding, lint.fail_on)) {
          ++counted;
          details += finding_line(finding, result, false);
        }
      }
      if (counted > 0) {
        ++failures;
        body = fmt::format("      <failure type=\"lint\" message=\"{} findings\">{}</failure>\n", counted,
                           xml_escape(details));
      }
    }
    cases += fmt::format("    <testcase name=\"{} [{} {}]\" classname=\"lint\" file=\"{}\" line=\"{}\" time=\"0\"{}",
                         xml_escape(result.listing->id), xml_escape(result.toolchain), result.edition,
                         xml_escape(result.listing->files.front().string()), result.listing->first_line(),
                         body.empty() ? "/>\n" : ">\n" + body + "    </testcase>\n");
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<testsuites name=\"snipcheck lint\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" skipped=\"{2}\" "
                     "time=\"{3:.3f}\">\n"
                     "  <testsuite name=\"lint\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" skipped=\"{2}\" "
                     "time=\"{3:.3f}\">\n{4}  </testsuite>\n</testsuites>\n",
                     tests, failures, skipped, static_cast<double>(run.duration.count()) / 1000.0, cases);
}

std::string lint_github_annotations(const lint::LintRun& lint)
{
  std::string out;
  for (const auto& linted : lint.results) {
    for (const auto& finding : linted.findings) {
      if (!finding.allowed_by.empty()) {
        continue;
      }
      const auto& d = finding.diagnostic;
      const auto title = fmt::format("snipcheck lint {} [{}]", linted.result->listing->id, d.code);
      out += fmt::format("::{} file={},line={},col={},title={}::{}\n", severity(finding),
                         github_escape_property(github_path(d.book_file)), d.book_line, d.column,
                         github_escape_property(title), github_escape_data(fmt::format("{}: {}", d.code, d.message)));
    }
  }
  return out;
}

} // namespace snipcheck::report
