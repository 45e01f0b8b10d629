#include "report/terminal.hpp"

#include "report/escape.hpp"
#include "report/json_report.hpp"
#include "util/utf8.hpp"

#include <fmt/color.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace snipcheck::report {

namespace {

// Where a listing's own text (its output, a compiler message quoting it) goes
// on lines of its own: never at the start of a line (report/escape.hpp).
constexpr std::string_view quote_prefix = "  | ";

std::string paint(const Style& style, fmt::text_style text_style, std::string_view text)
{
  return style.color ? fmt::format(text_style, "{}", text) : std::string(text);
}

fmt::text_style status_style(check::Status status)
{
  switch (status) {
  case check::Status::pass: return fmt::fg(fmt::terminal_color::green);
  case check::Status::fail:
  case check::Status::error: return fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold;
  case check::Status::stale: return fmt::fg(fmt::terminal_color::yellow) | fmt::emphasis::bold;
  case check::Status::skip:
  case check::Status::not_rust: break;
  }
  return fmt::fg(fmt::terminal_color::cyan);
}

std::string diagnostic_line(const check::Diagnostic& diagnostic, const Style& style)
{
  const auto code = diagnostic.code.empty() ? std::string() : fmt::format("[{}]", diagnostic.code);
  const auto level = paint(style,
                           diagnostic.level == "error" ? fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold
                                                       : fmt::fg(fmt::terminal_color::yellow),
                           diagnostic.level + code);
  // rustc's message may quote the listing (compile_error!, a string literal), newlines and all.
  const auto message = continued_lines(diagnostic.message, "    | ");
  if (diagnostic.book_line > 0) {
    return fmt::format("  {}:{}:{}: {}: {} [listing line {}]", terminal_safe(diagnostic.book_file.string()),
                       diagnostic.book_line, diagnostic.column, level, message, diagnostic.listing_line);
  }
  if (diagnostic.prelude_line > 0) {
    return fmt::format("  (scaffolding prelude, line {}): {}: {}", diagnostic.prelude_line, level, message);
  }
  return fmt::format("  (outside the listing): {}: {}", level, message);
}

} // namespace

std::string location(const book::Listing& listing)
{
  return fmt::format("{}:{}-{}", terminal_safe(listing.files.front().string()), listing.first_line(),
                     listing.last_line());
}

std::string status_line(const check::ListingResult& result, const Style& style, bool show_cell)
{
  const auto status = result.status();
  std::string label(check::status_name(status));
  for (auto& c : label) {
    c = static_cast<char>(std::toupper(c));
  }
  const auto cell = show_cell ? fmt::format(" [{}]", check::cell_name(result)) : std::string();
  std::string note;
  if (status == check::Status::pass && result.expectation.erratum) {
    note = " (erratum)";
  } else if (status == check::Status::skip) {
    note = fmt::format(" ({})", check::skip_reason(result.verdict));
  } else if (status != check::Status::pass && status != check::Status::not_rust) {
    // One line per listing: the details, when longer, come under "failures".
    const auto why = result.explanation();
    note = " - " + terminal_safe(why.substr(0, why.find('\n')));
  }
  return fmt::format("{} {:<16} {:<13} {}{}{}{}", paint(style, status_style(status), fmt::format("{:<9}", label)),
                     result.listing->id, check::outcome_name(result.expectation.outcome), location(*result.listing),
                     cell, result.observed.cached ? " (cached)" : "", note);
}

std::string failure_details(const check::ListingResult& result, const Style& style)
{
  const auto& expectation = result.expectation;
  std::string text = fmt::format("{} {} at {}\n", paint(style, fmt::emphasis::bold, "----"), result.listing->id,
                                 location(*result.listing));
  text += fmt::format("  {}\n", continued_lines(result.explanation(), quote_prefix));
  text += fmt::format("  expected: {}", check::outcome_name(expectation.outcome));
  if (expectation.errors) {
    text += fmt::format(" [{}]", fmt::join(*expectation.errors, ", "));
  }
  text += fmt::format(" (from {})\n", expectation.from);
  if (expectation.reason) {
    text += fmt::format("  reason: {}\n", continued_lines(*expectation.reason, quote_prefix));
  }
  for (const auto& diagnostic : result.observed.diagnostics) {
    if (diagnostic.level == "error") {
      text += diagnostic_line(diagnostic, style) + "\n";
    }
  }
  if (const auto* mismatch = std::get_if<check::verdict::OutputMismatch>(&result.verdict)) {
    text += quoted_lines(mismatch->diff, quote_prefix);
  }
  const auto& run = result.observed.run;
  if (run && !run->status.success()) {
    text += fmt::format("  stderr:\n{}", quoted_lines(run->stderr_text, quote_prefix));
  }
  if (run && (!text::is_valid_utf8(run->stdout_text) || !text::is_valid_utf8(run->stderr_text))) {
    text += "  (its output is not valid UTF-8: each invalid sequence is shown as U+FFFD)\n";
  }
  if (style.verbose && !result.observed.command.empty()) {
    text += fmt::format("  built with: {}\n", result.observed.command);
  }
  return text;
}

std::string summary_line(const check::CheckRun& run, const Style& style)
{
  const auto summary = summarize(run);
  const bool green = summary.fail == 0 && summary.stale == 0 && summary.error == 0;
  return fmt::format("{}: {} listings: {} pass, {} fail, {} stale, {} skip, {} not-rust, {} error{}; {:.1f}s",
                     paint(style,
                           green ? fmt::fg(fmt::terminal_color::green) | fmt::emphasis::bold
                                 : fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold,
                           green ? "ok" : "FAILED"),
                     summary.listings, summary.pass, summary.fail, summary.stale, summary.skip, summary.not_rust,
                     summary.error, summary.cached > 0 ? fmt::format(" ({} cached)", summary.cached) : "",
                     static_cast<double>(run.duration.count()) / 1000.0);
}

std::string matrix_table(const check::CheckRun& run)
{
  std::vector<std::string> cells;
  std::map<std::string, std::map<std::string, std::string>> rows; // id -> cell -> status
  std::vector<std::string> order;
  for (const auto& result : run.results) {
    const auto cell = check::cell_name(result);
    if (std::find(cells.begin(), cells.end(), cell) == cells.end()) {
      cells.push_back(cell);
    }
    if (!rows.contains(result.listing->id)) {
      order.push_back(result.listing->id);
    }
    rows[result.listing->id][cell] = std::string(check::status_name(result.status()));
  }
  if (cells.size() < 2) {
    return {};
  }
  std::string text = fmt::format("{:<16}", "listing");
  for (const auto& cell : cells) {
    text += fmt::format(" {:<14}", cell);
  }
  text += "\n";
  for (const auto& id : order) {
    text += fmt::format("{:<16}", id);
    for (const auto& cell : cells) {
      text += fmt::format(" {:<14}", rows[id].contains(cell) ? rows[id][cell] : "-");
    }
    text += "\n";
  }
  return text;
}

} // namespace snipcheck::report
