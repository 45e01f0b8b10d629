#pragma once
// Human output: pure functions from results to text. Colour is decided by the
// caller (a terminal, never with NO_COLOR) and passed in as a Style.

#include "check/result.hpp"

#include <string>

namespace snipcheck::report {

struct Style
{
  bool color = false;
  bool verbose = false; // failure details also show the cargo command that built the listing
};

std::string status_line(const check::ListingResult& result, const Style& style, bool show_cell);
// The why of a result that is not a pass: expectation, diagnostics at book lines, diff.
std::string failure_details(const check::ListingResult& result, const Style& style);
std::string summary_line(const check::CheckRun& run, const Style& style);
// A per-edition/toolchain matrix of statuses, when the run has more than one cell.
std::string matrix_table(const check::CheckRun& run);
// "snippets/book.txt:285-293"
std::string location(const book::Listing& listing);

} // namespace snipcheck::report
