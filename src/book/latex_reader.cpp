#include "book/latex_reader.hpp"

#include "util/errors.hpp"

namespace snipcheck::book {

Book read_latex_file(const std::filesystem::path& path)
{
  throw InputError(path, 0, "LaTeX books are not supported yet");
}

} // namespace snipcheck::book
