#include "app/lint_listings.hpp"

#include "cargo/cargo.hpp"

namespace snipcheck::app {

LintedBook lint_book(const Options& options, cargo::CommandRunner& runner, const Log& log, const ProgressFn& progress)
{
  // The names [lint] and expected/ may use are those of the first toolchain's clippy.
  const auto toolchain = options.toolchains.empty() ? std::string() : options.toolchains.front();
  const auto resolved = cargo::resolve_toolchain(runner, toolchain);
  const auto known =
      lint::parse_lint_help(cargo::clippy_lint_help(runner, cargo::resolve_clippy_driver(resolved.bin, toolchain)));
  const auto unknown = lint::collect_findings({}, options.lint, known).problems;
  if (!unknown.empty()) {
    throw InputError(unknown);
  }
  auto linting = options;
  linting.clippy_flags = lint::clippy_flags(options.lint, known.group_names());
  LintedBook linted{run_check(linting, runner, log, progress), {}};
  linted.lint = lint::collect_findings(linted.run, options.lint, known);
  return linted;
}

} // namespace snipcheck::app
