#include "book/markdown_reader.hpp"

#include "util/errors.hpp"

namespace snipcheck::book {

Book read_markdown_file(const std::filesystem::path& path)
{
  throw InputError(path, 0, "Markdown books are not supported yet");
}

Book read_mdbook(const std::filesystem::path& folder)
{
  throw InputError(folder, 0, "mdBook folders are not supported yet");
}

} // namespace snipcheck::book
