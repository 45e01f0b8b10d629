#pragma once
// Reader for LaTeX books: `lstlisting` and `minted` environments and
// `\lstinputlisting` / `\inputminted` files become Listings; the Rust ones
// (language=Rust, by option, \lstset or \lstdefinestyle) are checked, the
// rest are not-rust. Chapters from \chapter, sections from \section and
// \subsection, numbered as LaTeX numbers them (starred forms are not).

#include "book/listing.hpp"

#include <string_view>

namespace snipcheck::book {

Book read_latex_file(const std::filesystem::path& path);

// The reader on text already in memory; `path` names the book in messages and
// is the folder \lstinputlisting files are found from. Throws InputError.
Book parse_latex_file(std::string_view content, const std::filesystem::path& path);

} // namespace snipcheck::book
