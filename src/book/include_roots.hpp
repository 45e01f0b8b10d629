#pragma once
// Where a book may include files from. snipcheck reads {{#include}},
// {{#rustdoc_include}}, {{#playground}}, \lstinputlisting and \inputminted
// itself, outside any sandbox, and what it reads lands in reports, the
// workspace, the cache and `snipcheck show`: a chapter of a pull request must
// not read /etc/shadow or /proc/self/environ. Includes stay inside the book's
// project (README, "Running listings safely").

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace snipcheck::book {

// What the readers need besides the book's path.
struct ReadSettings
{
  // Folders an include may read from. Empty: the book's project,
  // project_roots(book, {}).
  std::vector<std::filesystem::path> include_roots;
};

// The book's project: the folder holding the book (an mdBook folder itself,
// else the book file's folder) and `config_folder` (the one holding
// snipcheck.toml; empty: none), each widened to the git work tree around it.
// Canonical, without one folder that lies inside another.
std::vector<std::filesystem::path> project_roots(const std::filesystem::path& book,
                                                 const std::filesystem::path& config_folder);

// The roots includes of `book` are confined to under `settings`: canonical.
std::vector<std::filesystem::path> include_roots_for(const ReadSettings& settings, const std::filesystem::path& book);

// The text of an included file, or why it may not be read.
struct IncludedFile
{
  std::string text;
  std::optional<std::string> refusal; // "/etc/passwd is outside the book's project /src/book ..."
};

// Reads `target` (an existing path, as the book names it from the including
// file) when, symlinks followed, it lies inside one of `roots` (canonical) and
// is a regular file of at most text::max_file_size bytes; never opens a FIFO.
IncludedFile read_included_file(const std::filesystem::path& target, const std::vector<std::filesystem::path>& roots);

} // namespace snipcheck::book
