#include "book/markdown_scanner.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"

#include <md4c.h>

#include <optional>

namespace snipcheck::book {

namespace {

// Headings and code blocks in document order, from md4c's callbacks. md4c
// reports no line numbers; the text it hands over points into our buffer, so
// an offset gives the line (indentation md4c synthesizes points elsewhere).
class Scanner
{
public:
  explicit Scanner(std::string_view content)
    : m_content(content)
    , m_lines(content)
  {}

  std::vector<MarkdownEvent> scan()
  {
    MD_PARSER parser{};
    // What pulldown-cmark enables for rustdoc, as far as md4c has it.
    parser.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS;
    parser.enter_block = [](MD_BLOCKTYPE type, void* detail, void* self) {
      return static_cast<Scanner*>(self)->enter_block(type, detail);
    };
    parser.leave_block = [](MD_BLOCKTYPE type, void*, void* self) {
      return static_cast<Scanner*>(self)->leave_block(type);
    };
    parser.enter_span = [](MD_SPANTYPE, void*, void*) { return 0; };
    parser.leave_span = [](MD_SPANTYPE, void*, void*) { return 0; };
    parser.text = [](MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* self) {
      return static_cast<Scanner*>(self)->text(type, text, size);
    };
    if (md_parse(m_content.data(), static_cast<MD_SIZE>(m_content.size()), &parser, this) != 0) {
      throw Fatal("the Markdown parser (md4c) failed, out of memory?");
    }
    return std::move(m_events);
  }

  int line_of(const char* pointer) const { return m_lines.line_of(pointer); }

private:
  int enter_block(MD_BLOCKTYPE type, void* detail)
  {
    if (type == MD_BLOCK_H) {
      m_heading = MarkdownHeading{static_cast<int>(static_cast<const MD_BLOCK_H_DETAIL*>(detail)->level), "", 0};
    } else if (type == MD_BLOCK_CODE) {
      const auto* code = static_cast<const MD_BLOCK_CODE_DETAIL*>(detail);
      m_code = MarkdownCodeBlock{};
      m_code->fenced = code->fence_char != 0;
      m_code->fence_char = code->fence_char;
      m_code->info = std::string(text::trim(std::string_view(code->info.text, code->info.size)));
      m_code->fence_line = code->info.size > 0 ? line_of(code->info.text) : 0;
      m_partial_text.clear();
      m_known_first = 0;
    }
    return 0;
  }

  int leave_block(MD_BLOCKTYPE type)
  {
    if (type == MD_BLOCK_H && m_heading) {
      m_heading->text = std::string(text::trim(m_heading->text));
      m_events.emplace_back(std::move(*m_heading));
      m_heading.reset();
    } else if (type == MD_BLOCK_CODE && m_code) {
      if (!m_partial_text.empty()) {
        end_code_line();
      }
      m_code->first_line = m_known_first;
      m_events.emplace_back(std::move(*m_code));
      m_code.reset();
    }
    return 0;
  }

  void end_code_line()
  {
    m_code->lines.push_back(std::move(m_partial_text));
    m_partial_text.clear();
  }

  int text(MD_TEXTTYPE type, const MD_CHAR* data, MD_SIZE size)
  {
    if (m_heading) {
      if (m_heading->line == 0) {
        m_heading->line = line_of(data);
      }
      m_heading->text.append(type == MD_TEXT_SOFTBR || type == MD_TEXT_BR ? " " : std::string_view(data, size));
      return 0;
    }
    if (!m_code) {
      return 0;
    }
    std::string_view piece(data, size);
    while (!piece.empty()) {
      const auto newline = piece.find('\n');
      const auto part = piece.substr(0, newline);
      if (!part.empty()) {
        // The first piece from the buffer fixes where the block's content starts.
        if (const int line = line_of(part.data()); line != 0 && m_known_first == 0) {
          m_known_first = line - static_cast<int>(m_code->lines.size());
        }
        m_partial_text.append(part);
      }
      if (newline == std::string_view::npos) {
        break;
      }
      end_code_line();
      piece.remove_prefix(newline + 1);
    }
    return 0;
  }

  std::string_view m_content;
  text::LineIndex m_lines;
  std::optional<MarkdownHeading> m_heading;
  std::optional<MarkdownCodeBlock> m_code;
  std::string m_partial_text; // the code line being received
  int m_known_first = 0;
  std::vector<MarkdownEvent> m_events;
};

} // namespace

std::vector<MarkdownEvent> scan_markdown(std::string_view content)
{
  return Scanner(content).scan();
}

} // namespace snipcheck::book
