#pragma once
// `snipcheck fmt`: the plan's listings handed to the fmt stage (fmt/fmt.hpp),
// with what their expectations and the book's settings say about formatting.

#include "app/plan.hpp"
#include "fmt/fmt.hpp"

#include <vector>

namespace snipcheck::app {

struct FmtPlan
{
  Plan plan; // the run's results point into plan.loaded.book
  formatting::FmtRun run;
  std::vector<InputProblem> problems; // bad input in the book around the selected listings: exit 2
};

// rustfmt's verdict on every selected Rust listing, nothing written. Throws
// InputError, Fatal (no rustfmt for the toolchain).
FmtPlan format_book(const Options& options, cargo::CommandRunner& runner);

} // namespace snipcheck::app
