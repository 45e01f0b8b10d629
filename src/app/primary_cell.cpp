#include "app/primary_cell.hpp"

#include <set>

namespace snipcheck::app {

std::vector<const ListingResult*> primary_results(const CheckRun& run)
{
  // Results come cell by cell, so a listing's first result is its first cell's.
  std::set<const book::Listing*> seen;
  std::vector<const ListingResult*> primary;
  for (const auto& result : run.results) {
    if (seen.insert(result.listing).second) {
      primary.push_back(&result);
    }
  }
  return primary;
}

} // namespace snipcheck::app
