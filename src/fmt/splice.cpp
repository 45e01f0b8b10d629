#include "fmt/splice.hpp"

#include "book/rustdoc_rules.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace snipcheck::formatting {

FileLines split_file(std::string_view content)
{
  FileLines file;
  std::size_t pos = 0;
  while (pos < content.size()) {
    const auto end = content.find('\n', pos);
    if (end == std::string_view::npos) {
      file.lines.emplace_back(content.substr(pos));
      file.endings.emplace_back();
      break;
    }
    const bool crlf = end > pos && content[end - 1] == '\r';
    file.lines.emplace_back(content.substr(pos, end - pos - (crlf ? 1 : 0)));
    file.endings.emplace_back(crlf ? "\r\n" : "\n");
    pos = end + 1;
  }
  return file;
}

bool inside_roots(const std::filesystem::path& file, const std::vector<std::filesystem::path>& roots)
{
  std::error_code error;
  const auto canonical = std::filesystem::weakly_canonical(file, error);
  if (error) {
    return false;
  }
  return std::any_of(roots.begin(), roots.end(), [&](const std::filesystem::path& root) {
    const auto relative = canonical.lexically_relative(root);
    return !relative.empty() && *relative.begin() != "..";
  });
}

Located locate_block(const book::Listing& listing, const FileLines& file, bool markdown)
{
  if (listing.lines.empty()) {
    return {std::nullopt, "it is empty"};
  }
  const auto& first = listing.lines.front();
  const auto& path = listing.files.at(static_cast<std::size_t>(first.file_index));
  const auto not_one_for_one = [&] {
    return Located{std::nullopt,
                   first.file_index != 0
                       ? fmt::format("its code comes from {}, but not line for line (an anchor inside the part, "
                                     "lines hidden by the include, or several includes); format it in {}",
                                     path.string(), path.string())
                       : std::string("its lines are not one run of lines of the book file")};
  };
  for (std::size_t k = 0; k < listing.lines.size(); ++k) {
    const auto& line = listing.lines[k];
    if (line.file_index != first.file_index || line.source_line != first.source_line + static_cast<int>(k)) {
      return not_one_for_one();
    }
  }
  BlockSource source{path, first.source_line, first.source_line + static_cast<int>(listing.lines.size()) - 1, {}};
  if (source.first_line < 1 || source.last_line > static_cast<int>(file.lines.size())) {
    return not_one_for_one();
  }
  const auto raw = [&](const book::ListingLine& line) -> const std::string& {
    return file.lines[static_cast<std::size_t>(line.source_line - 1)];
  };
  std::optional<std::string> prefix;
  for (const auto& line : listing.lines) {
    if (!line.hidden && !text::is_blank(line.text) && !line.text.starts_with('#')) {
      if (raw(line).ends_with(line.text)) {
        prefix = raw(line).substr(0, raw(line).size() - line.text.size());
      }
      break;
    }
  }
  const Located uneven{std::nullopt, "its lines do not share one indentation in the file (a line-number gutter, "
                                     "tabs, or a block indented less than its fence)"};
  if (!prefix) {
    return uneven;
  }
  for (const auto& line : listing.lines) {
    const auto& written = raw(line);
    if (!line.hidden && text::is_blank(line.text) &&
        (text::is_blank(written) || text::trim_end(written) == text::trim_end(*prefix))) {
      continue;
    }
    if (!written.starts_with(*prefix)) {
      return uneven;
    }
    const auto code = std::string_view(written).substr(prefix->size());
    const auto read = markdown ? book::map_code_line(code) : book::CodeLine{std::string(code), false};
    if (read.text != line.text || read.hidden != line.hidden) {
      return uneven;
    }
  }
  source.prefix = *prefix;
  return {std::move(source), {}};
}

std::vector<std::string> prefixed_lines(const std::string& prefix, const std::vector<std::string>& code)
{
  std::vector<std::string> lines;
  for (const auto& line : code) {
    lines.push_back(line.empty() ? std::string(text::trim_end(prefix)) : prefix + line);
  }
  return lines;
}

std::string apply_edits(const FileLines& file, std::vector<Edit> edits)
{
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.first_line < b.first_line; });
  std::string content;
  std::size_t next_edit = 0;
  for (std::size_t k = 0; k < file.lines.size(); ++k) {
    const int line = static_cast<int>(k) + 1;
    if (next_edit < edits.size() && edits[next_edit].first_line == line) {
      const auto& edit = edits[next_edit++];
      const auto& opening = file.endings[k];
      const auto& inner = opening.empty() ? std::string("\n") : opening;
      const auto& closing = file.endings[static_cast<std::size_t>(edit.last_line - 1)];
      for (std::size_t n = 0; n < edit.lines.size(); ++n) {
        content += edit.lines[n];
        content += n + 1 == edit.lines.size() ? closing : inner;
      }
      k = static_cast<std::size_t>(edit.last_line - 1);
      continue;
    }
    content += file.lines[k];
    content += file.endings[k];
  }
  return content;
}

} // namespace snipcheck::formatting
