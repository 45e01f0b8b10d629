#include "report/errata.hpp"

#include "report/escape.hpp"
#include "report/terminal.hpp"

#include <fmt/format.h>

namespace snipcheck::report {

namespace {

bool has_scaffolding(const check::Expectation& expectation)
{
  const auto& wrap = expectation.wrap;
  return !wrap.prelude.empty() || !wrap.epilogue.empty() || wrap.elide != scratch::ElideMode::none ||
         wrap.wrap == scratch::WrapMode::async_main;
}

} // namespace

BookClasses classify(const check::CheckRun& run)
{
  BookClasses classes;
  for (const auto* primary : check::primary_results(run)) {
    const auto& result = *primary;
    const auto status = result.status();
    const auto outcome = result.expectation.outcome;
    if (status == check::Status::not_rust) {
      continue;
    }
    if (status == check::Status::skip) {
      ++classes.skipped;
    } else if (status != check::Status::pass) {
      ++classes.not_passing;
    } else if (result.expectation.erratum) {
      ++classes.errata;
    } else if (outcome == check::Outcome::compile_fail || outcome == check::Outcome::run_fail) {
      ++classes.fail_as_intended;
    } else if (has_scaffolding(result.expectation)) {
      ++classes.with_scaffolding;
    } else {
      ++classes.as_printed;
    }
  }
  return classes;
}

std::string classes_line(const BookClasses& classes)
{
  auto line = fmt::format("book: {} as printed, {} with scaffolding, {} fail as intended, {} errata, {} skipped",
                          classes.as_printed, classes.with_scaffolding, classes.fail_as_intended, classes.errata,
                          classes.skipped);
  if (classes.not_passing > 0) {
    line += fmt::format(", {} not passing", classes.not_passing);
  }
  return line;
}

std::string errata_report(const check::CheckRun& run)
{
  std::string text = fmt::format("# Errata: {}\n\nChecked with {}.\n", run.book.path.filename().string(),
                                 run.toolchains.empty() ? std::string("rustc") : run.toolchains.front().rustc);
  int number = 0;
  for (const auto* primary : check::primary_results(run)) {
    const auto& result = *primary;
    if (!result.expectation.erratum) {
      continue;
    }
    const auto& listing = *result.listing;
    text += fmt::format("\n## {}. Section {}, listing {} ({})\n\n", ++number, listing.section, listing.id,
                        location(listing));
    text += fmt::format("**What is wrong.** {}\n\n", *result.expectation.erratum);
    bool any = false;
    for (const auto& diagnostic : result.observed.diagnostics) {
      if (diagnostic.level != "error") {
        continue;
      }
      if (!any) {
        text += fmt::format("**The compiler says** (edition {}):\n\n", result.edition);
        any = true;
      }
      const auto code = diagnostic.code.empty() ? std::string() : fmt::format("[{}]", diagnostic.code);
      if (diagnostic.book_line > 0) {
        text += fmt::format("- line {} (listing line {}): error{}: {}\n", diagnostic.book_line, diagnostic.listing_line,
                            code, continued_lines(diagnostic.message, "  | "));
      } else {
        text += fmt::format("- error{}: {}\n", code, continued_lines(diagnostic.message, "  | "));
      }
    }
    if (!any) {
      text += fmt::format("**Today:** {}\n", continued_lines(result.explanation(), "  | "));
    }
    text += fmt::format("\n**Fix.** {}\n", result.expectation.fix.value_or("(none recorded)"));
    if (result.status() != check::Status::pass) {
      text += fmt::format("\n*Note: the listing no longer fails as recorded ({}); the entry needs review.*\n",
                          check::status_name(result.status()));
    }
  }
  if (number == 0) {
    text += "\nNo errata recorded.\n";
  }
  return text;
}

} // namespace snipcheck::report
