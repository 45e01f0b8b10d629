#pragma once
// The headings and code blocks of one Markdown document, in document order,
// with their lines: CommonMark as md4c parses it (https://spec.commonmark.org),
// with the extensions pulldown-cmark enables for rustdoc where md4c has them.

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace snipcheck::book {

struct MarkdownHeading
{
  int level = 0;
  std::string text; // trimmed; line breaks inside it read as spaces
  int line = 0;     // 1-based line of the document
};

struct MarkdownCodeBlock
{
  bool fenced = false;
  char fence_char = 0;
  std::string info;
  int fence_line = 0; // fenced: the opening fence; indented: the first line; 0 when md4c gave no position
  int first_line = 0; // of the content; 0 when unknown (an empty block)
  std::vector<std::string> lines;
};

using MarkdownEvent = std::variant<MarkdownHeading, MarkdownCodeBlock>;

// Throws Fatal when md4c fails (out of memory).
std::vector<MarkdownEvent> scan_markdown(std::string_view content);

} // namespace snipcheck::book
