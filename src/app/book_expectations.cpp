// LoadedBook::expectation: rustdoc's reading of a listing, then what the
// book's [markdown] settings add on top (docs/claims.md).
#include "app/pipeline.hpp"

namespace snipcheck::app {

check::Expectation LoadedBook::expectation(const book::Listing& listing, const check::Cell& cell) const
{
  const auto* annotation = check::find_annotation(annotations, listing.id);
  auto expectation = check::expectation_for(listing, annotation, format, cell, module_names);
  if (format != book::Format::markdown) {
    return expectation;
  }
  check::apply_claim(expectation, listing, annotation, cell, markdown);
  const bool runs = expectation.outcome == check::Outcome::run || expectation.outcome == check::Outcome::run_fail;
  if (const auto found = output_blocks.find(listing.id); found != output_blocks.end() && runs) {
    expectation.output_block = found->second;
  }
  return expectation;
}

} // namespace snipcheck::app
