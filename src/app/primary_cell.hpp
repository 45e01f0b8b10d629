#pragma once
// Which of a listing's results speaks for it where only one can: bless records
// it, the errata report and the book's classes count it.

#include "app/pipeline.hpp"

#include <vector>

namespace snipcheck::app {

// One result per checked listing, in book order: the one from the first cell
// (toolchain, edition) that checked it. A listing whose annotation or fence
// pins its edition carries that edition in every cell, so it is found by
// listing, never by comparing with the run's first result.
std::vector<const ListingResult*> primary_results(const CheckRun& run);

} // namespace snipcheck::app
