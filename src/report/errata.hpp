#pragma once
// The errata a maintainer sends to the publisher, and how the book's listings
// divide up (as printed, with scaffolding, failing on purpose, errata,
// skipped): pure functions of one finished run.

#include "check/result.hpp"

#include <string>

namespace snipcheck::report {

struct BookClasses
{
  int as_printed = 0;       // compile or run exactly as printed
  int with_scaffolding = 0; // need a prelude, epilogue, elided bodies or an async wrapper
  int fail_as_intended = 0; // compile-fail or run-fail on purpose
  int errata = 0;           // wrong in the book, failing as recorded
  int skipped = 0;
  int not_passing = 0; // fail, stale or error: not classified until fixed
};

// Classifies the first cell's results (the book as configured).
BookClasses classify(const check::CheckRun& run);
std::string classes_line(const BookClasses& classes);

// Markdown: each erratum with its place in the book, what the compiler says
// today at the book's lines, what is wrong and the fix.
std::string errata_report(const check::CheckRun& run);

} // namespace snipcheck::report
