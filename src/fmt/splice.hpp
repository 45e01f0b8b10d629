#pragma once
// Where a listing's code stands in its file, byte for byte, and how new code
// lines go in its place (`snipcheck fmt`, docs/fmt.md): only the code lines of
// a block change; the fence, the block's indentation (a list item, `> ` of a
// blockquote, a LaTeX environment), every line ending and the prose stay.

#include "book/listing.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::formatting {

// A file's lines, each with its own ending: "\n", "\r\n", or "" for a last line without one.
struct FileLines
{
  std::vector<std::string> lines;
  std::vector<std::string> endings;
};
FileLines split_file(std::string_view content);

// Whether `file` is inside one of `roots` (canonical folders): a file outside
// the book's project is never written.
bool inside_roots(const std::filesystem::path& file, const std::vector<std::filesystem::path>& roots);

// The lines of one file a listing's code is, one for one.
struct BlockSource
{
  std::filesystem::path file; // listing.files[k]
  int first_line = 0;         // 1-based, inclusive
  int last_line = 0;
  std::string prefix; // what stands before each code line: a list item's indentation, `> `
};

// Where the listing's lines stand in `file` (its lines), or why they cannot be
// written back (`refusal`): lines from several files or with gaps (an anchor
// inside an include), lines that do not share one prefix (a line-number gutter).
// `markdown`: lines may be hidden `# ` lines, as the Markdown reader maps them.
struct Located
{
  std::optional<BlockSource> source;
  std::string refusal;
};
Located locate_block(const book::Listing& listing, const FileLines& file, bool markdown);

// The block's new lines as the file writes them: the prefix, then the code
// (for a blank line, the prefix without its trailing spaces: `>`).
std::vector<std::string> prefixed_lines(const std::string& prefix, const std::vector<std::string>& code);

// Lines `first_line`..`last_line` (1-based) replaced by `lines`.
struct Edit
{
  int first_line = 0;
  int last_line = 0;
  std::vector<std::string> lines;
};

// The file with its edits (in any order, not overlapping) made: new lines end
// as the replaced block's first line did; the block's last line keeps its
// ending (or its lack of one), every other line stays byte for byte.
std::string apply_edits(const FileLines& file, std::vector<Edit> edits);

} // namespace snipcheck::formatting
