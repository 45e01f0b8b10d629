// `snipcheck show ID`: the listing at its book lines, the file as compiled,
// the expectation, and a fresh result with the compiler's own rendering.
#include "cli/commands.hpp"

#include "app/pipeline.hpp"
#include "report/terminal.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace snipcheck::cli {

int show_command(const app::Options& options, const Output& output)
{
  auto runner = cargo::make_process_runner();
  const auto run = app::run_check(options, *runner, verbose_log(options));
  for (const auto& result : run.results) {
    const auto& listing = *result.listing;
    fmt::print("{} at {} (fence at line {}, fingerprint {})\n\n", listing.id, report::location(listing),
               listing.fence_line, listing.fingerprint());
    for (const auto& line : listing.lines) {
      if (!line.hidden) {
        fmt::print("{:>6} | {}\n", line.source_line, line.text);
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
      fmt::print("\nas compiled ({} {}):\n", result.toolchain, result.edition);
      const auto lines = text::split_lines(result.source->text);
      for (std::size_t k = 0; k < lines.size(); ++k) {
        const auto origin = result.source->origins[k];
        const auto tag = origin.origin == scratch::Origin::listing    ? fmt::format("L{}", origin.line)
                         : origin.origin == scratch::Origin::prelude  ? fmt::format("P{}", origin.line)
                         : origin.origin == scratch::Origin::epilogue ? fmt::format("E{}", origin.line)
                                                                      : std::string("+");
        fmt::print("{:>5} | {}\n", tag, lines[k]);
      }
    }
    fmt::print("\nresult: {}\n", report::status_line(result, report::Style{output.color}, false));
    for (const auto& diagnostic : result.observed.diagnostics) {
      fmt::print("{}", diagnostic.rendered);
    }
    if (result.observed.run) {
      fmt::print("stdout:\n{}\nstderr:\n{}\n", result.observed.run->stdout_text, result.observed.run->stderr_text);
    }
    if (check::status_name(result.verdict) == "error") {
      return exit_environment;
    }
  }
  return exit_ok;
}

} // namespace snipcheck::cli
