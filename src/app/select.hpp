#pragma once
// Selectors (docs/contract.md): a chapter "2", a range "3-5", an id "ch02/2.3-1", a glob
// over ids "ch04/*", a section "2.3" (with its subsections).

#include "book/listing.hpp"
#include "app/options.hpp"

#include <string>
#include <vector>

namespace snipcheck::app {

bool selector_matches(const std::string& selector, const book::Listing& listing);

// The selected listings in book order; a selector matching nothing is an
// InputError (exit 2), as is a malformed shard.
std::vector<const book::Listing*> select_listings(const book::Book& book, const std::vector<std::string>& selectors,
                                                  const std::optional<Shard>& shard = std::nullopt);

} // namespace snipcheck::app
