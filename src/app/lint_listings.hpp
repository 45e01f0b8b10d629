#pragma once
// `snipcheck lint`: the check pipeline with the toolchain's clippy-driver in
// rustc's place (no program runs), its results handed to the lint stage
// (lint/lint.hpp) with the book's [lint] table and the lints clippy knows.

#include "app/pipeline.hpp"
#include "lint/lint.hpp"

namespace snipcheck::app {

struct LintedBook
{
  CheckRun run; // what was built, as a check run records it (lint.results point into it)
  lint::LintRun lint;
};

// Throws InputError (a [lint] name clippy does not know: before anything is
// built), Fatal (no clippy for the toolchain).
LintedBook lint_book(const Options& options, cargo::CommandRunner& runner, const Log& log,
                     const ProgressFn& progress = {});

} // namespace snipcheck::app
