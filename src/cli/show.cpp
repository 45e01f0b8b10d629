// `snipcheck show ID`: the listing at its book lines, the file as compiled,
// the expectation, and a fresh result with the compiler's own rendering.
#include "cli/commands.hpp"

#include "app/pipeline.hpp"
#include "report/escape.hpp"
#include "report/terminal.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace snipcheck::cli {

namespace {

// The file as compiled, each line tagged with where it came from.
void print_as_compiled(const app::ListingResult& result)
{
  const auto& listing = *result.listing;
  // Book lines throughout; the listing's own line number in brackets.
  fmt::print("\nas compiled ({} {}), at book lines [listing line]:\n", result.toolchain, result.edition);
  const auto lines = text::split_lines(result.source->text);
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const auto origin = result.source->origins[k];
    std::string tag = "+";
    if (origin.origin == scratch::Origin::listing && origin.line >= 1 &&
        origin.line <= static_cast<int>(listing.lines.size())) {
      const auto& line = listing.lines[static_cast<std::size_t>(origin.line - 1)];
      const auto file = line.file_index == 0
                            ? std::string()
                            : listing.files.at(static_cast<std::size_t>(line.file_index)).filename().string() + ":";
      tag = fmt::format("{}{} [{}]", file, line.source_line, origin.line);
    } else if (origin.origin == scratch::Origin::prelude) {
      tag = "prelude";
    } else if (origin.origin == scratch::Origin::epilogue) {
      tag = "epilogue";
    }
    fmt::print("{:>12} | {}\n", tag, report::terminal_safe(lines[k]));
  }
}

} // namespace

int show_command(const app::Options& options, const Output& output)
{
  auto runner = cargo::make_process_runner();
  const auto run = app::run_check(options, *runner, verbose_log(options));
  for (const auto& result : run.results) {
    const auto& listing = *result.listing;
    fmt::print("{} at {} (fence at line {}, fingerprint {})\n\n", listing.id, report::location(listing),
               listing.fence_line, listing.fingerprint());
    for (std::size_t k = 0; k < listing.lines.size(); ++k) {
      const auto& line = listing.lines[k];
      if (!line.hidden) {
        fmt::print("{:>12} | {}\n", fmt::format("{} [{}]", line.source_line, k + 1), report::terminal_safe(line.text));
      }
    }
    const auto& expectation = result.expectation;
    fmt::print("\nexpected: {}", check::outcome_name(expectation.outcome));
    if (expectation.errors) {
      fmt::print(" [{}]", fmt::join(*expectation.errors, ", "));
    }
    fmt::print(" (from {})\n", expectation.from);
    if (expectation.reason)
      fmt::print("reason: {}\n", *expectation.reason);
    if (expectation.erratum)
      fmt::print("erratum: {}\n", *expectation.erratum);
    if (expectation.fix)
      fmt::print("fix: {}\n", *expectation.fix);
    if (result.source) {
      print_as_compiled(result);
    }
    fmt::print("\nresult: {}\n", report::status_line(result, report::Style{output.color, options.verbose}, false));
    // rustc's rendering and the program's output quote the listing: never at the start of a line.
    for (const auto& diagnostic : result.observed.diagnostics) {
      fmt::print("{}", report::quoted_lines(diagnostic.rendered, "  | "));
    }
    if (result.observed.run) {
      fmt::print("stdout:\n{}stderr:\n{}", report::quoted_lines(result.observed.run->stdout_text, "  | "),
                 report::quoted_lines(result.observed.run->stderr_text, "  | "));
    }
    if (result.status() == check::Status::error) {
      return exit_environment;
    }
  }
  return exit_ok;
}

} // namespace snipcheck::cli
