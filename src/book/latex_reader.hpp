#pragma once
// Reader for LaTeX books: lstlisting and minted environments whose language is Rust.

#include "book/listing.hpp"

namespace snipcheck::book {

Book read_latex_file(const std::filesystem::path& path);

} // namespace snipcheck::book
