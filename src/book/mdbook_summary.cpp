#include "book/mdbook_summary.hpp"

#include "util/text.hpp"

#include <md4c.h>

#include <algorithm>
#include <optional>

namespace snipcheck::book {

namespace {

class SummaryParser
{
public:
  explicit SummaryParser(std::string_view content)
    : m_content(content)
    , m_lines(content)
  {}

  std::vector<SummaryEntry> parse()
  {
    MD_PARSER parser{};
    parser.flags = MD_FLAG_NOHTML;
    parser.enter_block = [](MD_BLOCKTYPE type, void* detail, void* self) {
      return static_cast<SummaryParser*>(self)->enter_block(type, detail);
    };
    parser.leave_block = [](MD_BLOCKTYPE type, void* detail, void* self) {
      return static_cast<SummaryParser*>(self)->leave_block(type, detail);
    };
    parser.enter_span = [](MD_SPANTYPE type, void* detail, void* self) {
      return static_cast<SummaryParser*>(self)->enter_span(type, detail);
    };
    parser.leave_span = [](MD_SPANTYPE type, void* detail, void* self) {
      return static_cast<SummaryParser*>(self)->leave_span(type, detail);
    };
    parser.text = [](MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* self) {
      return static_cast<SummaryParser*>(self)->text(type, text, size);
    };
    md_parse(m_content.data(), static_cast<MD_SIZE>(m_content.size()), &parser, this);
    return std::move(m_entries);
  }

private:
  int line_of(const char* pointer) const { return m_lines.line_of(pointer); }

  int enter_block(MD_BLOCKTYPE type, void*)
  {
    if (type == MD_BLOCK_UL || type == MD_BLOCK_OL) {
      ++m_list_depth;
    } else if (type == MD_BLOCK_LI) {
      m_item_has_link.push_back(false);
    }
    return 0;
  }

  int leave_block(MD_BLOCKTYPE type, void*)
  {
    if (type == MD_BLOCK_UL || type == MD_BLOCK_OL) {
      --m_list_depth;
    } else if (type == MD_BLOCK_LI) {
      m_item_has_link.pop_back();
    }
    return 0;
  }

  int enter_span(MD_SPANTYPE type, void* detail)
  {
    if (type != MD_SPAN_A || m_link) {
      return 0;
    }
    const auto* a = static_cast<const MD_SPAN_A_DETAIL*>(detail);
    m_link = SummaryEntry{};
    m_link->path.assign(a->href.text, a->href.size);
    m_link->line = line_of(a->href.text);
    return 0;
  }

  int leave_span(MD_SPANTYPE type, void*)
  {
    if (type != MD_SPAN_A || !m_link) {
      return 0;
    }
    auto entry = std::move(*m_link);
    m_link.reset();
    if (m_list_depth > 0) {
      // Only the item's own link names a chapter; links in its text do not.
      if (m_item_has_link.empty() || m_item_has_link.back()) {
        return 0;
      }
      m_item_has_link.back() = true;
      m_numbers.resize(static_cast<std::size_t>(m_list_depth), 0);
      ++m_numbers.back();
      entry.number = m_numbers;
    }
    m_entries.push_back(std::move(entry));
    return 0;
  }

  int text(MD_TEXTTYPE, const MD_CHAR* text, MD_SIZE size)
  {
    if (m_link) {
      m_link->title.append(text, size);
      if (m_link->line == 0) {
        m_link->line = line_of(text);
      }
    }
    return 0;
  }

  std::string_view m_content;
  text::LineIndex m_lines;
  int m_list_depth = 0;
  std::vector<bool> m_item_has_link;
  std::vector<int> m_numbers; // mdBook's counters, one per nesting level
  std::optional<SummaryEntry> m_link;
  std::vector<SummaryEntry> m_entries;
};

} // namespace

std::vector<SummaryEntry> parse_summary(std::string_view content)
{
  return SummaryParser(content).parse();
}

} // namespace snipcheck::book
