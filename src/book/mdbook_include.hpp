#pragma once
// mdBook's preprocessor links, expanded before a chapter is parsed as Markdown:
// {{#include file}}, {{#include file:anchor}}, {{#include file:N:M}} (and :N,
// ::M, :N:) and {{#rustdoc_include ...}}, which keeps the lines outside the
// anchor or range as hidden `# ` lines. Format: mdBook's guide, "mdBook-specific
// features"; behaviour after mdBook's src/preprocess/links.rs and src/utils/string.rs.

#include "book/include_roots.hpp"
#include "util/errors.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::book {

// One line of the expanded text and where it really comes from.
struct SourceLine
{
  std::string text;
  int file_index = 0; // into ExpandedText::files
  int line = 0;       // 1-based line in that file
};

struct ExpandedText
{
  std::vector<std::filesystem::path> files; // files[0]: the chapter itself
  std::vector<SourceLine> lines;
  // Links that could not be expanded (a missing file or anchor, nesting too
  // deep), at the including file and line; the link expands to nothing.
  std::vector<InputProblem> problems;

  std::string joined() const; // the text md4c parses, '\n'-terminated lines
};

// The chapter's text without mdBook links: every line keeps its real file and
// line. A missing file or anchor, includes nested deeper than mdBook allows
// (10), or a file that may not be read (outside `settings`' include roots, by
// default the chapter's project; not a regular file; too large:
// book/include_roots.hpp) is a problem at the including file and line
// (`problems`); the link expands to nothing, as in mdBook, so the rest of the
// chapter is read.
ExpandedText expand_mdbook_links(std::string_view content, const std::filesystem::path& path,
                                 const ReadSettings& settings = {});

// The chapter as written, one SourceLine per line, nothing expanded (what
// rustdoc sees when given the file).
ExpandedText unexpanded_text(std::string_view content, const std::filesystem::path& path);

} // namespace snipcheck::book
