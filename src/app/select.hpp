#pragma once
// Selectors (docs/contract.md; docs/selection.md): a chapter "2", a range "3-5", an id
// "ch02/2.3-1", a glob over ids "ch04/*", a section "2.3" (with its
// subsections), a book file "src/ch04.md", a file and line "src/ch04.md:120"
// (the listing holding that line), and a chapter title or title glob
// "*Lifetimes*" (case-insensitive).

#include "app/options.hpp"
#include "book/listing.hpp"

#include <string>
#include <vector>

namespace snipcheck::app {

// The selected listings in book order; a selector matching nothing is an
// InputError (exit 2), as is a malformed shard. Files are found from the
// current folder, then from the book's folder.
std::vector<const book::Listing*> select_listings(const book::Book& book, const std::vector<std::string>& selectors,
                                                  const std::optional<Shard>& shard = std::nullopt);

} // namespace snipcheck::app
