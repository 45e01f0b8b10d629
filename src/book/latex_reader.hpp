#pragma once
// Reader for LaTeX books: `lstlisting` and `minted` environments and
// `\lstinputlisting` / `\inputminted` files become Listings; the Rust ones
// (language=Rust, by option, \lstset or \lstdefinestyle) are checked, the
// rest are not-rust. Chapters from \chapter, sections from \section and
// \subsection, numbered as LaTeX numbers them (starred forms are not).

#include "book/include_roots.hpp"
#include "book/listing.hpp"

#include <string_view>

namespace snipcheck::book {

// An input file that may not be read (outside `settings`' include roots, by
// default the book's project; not a regular file; too large:
// book/include_roots.hpp) is that listing's problem at the including line.
Book read_latex_file(const std::filesystem::path& path, const ReadSettings& settings = {});

// The reader on text already in memory; `path` names the book in messages and
// is the folder \lstinputlisting files are found from. Throws InputError.
Book parse_latex_file(std::string_view content, const std::filesystem::path& path, const ReadSettings& settings = {});

} // namespace snipcheck::book
