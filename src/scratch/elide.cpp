#include "scratch/elide.hpp"

#include "util/text.hpp"

#include <string_view>

namespace snipcheck::scratch {

namespace {

// Hand-written scanners instead of std::regex: libstdc++'s regex recurses per
// repetition and overflows the stack on long lines (found by fuzzing).
using text::is_space;
using text::is_word_char;
using text::skip_spaces;

// `fn` as a word, then at least one blank, then an identifier (`name`, if given) at `pos`.
bool fn_item_at(std::string_view line, std::size_t pos, std::string_view name)
{
  if (!line.substr(pos).starts_with("fn") || (pos > 0 && is_word_char(line[pos - 1]))) {
    return false;
  }
  auto after = pos + 2;
  if (after >= line.size() || !is_space(line[after])) {
    return false;
  }
  after = skip_spaces(line, after);
  if (name.empty()) {
    return after < line.size() && is_word_char(line[after]);
  }
  if (!line.substr(after).starts_with(name)) {
    return false;
  }
  after += name.size();
  if (after < line.size() && is_word_char(line[after])) {
    return false;
  }
  after = skip_spaces(line, after);
  return after < line.size() && line[after] == '(';
}

bool has_fn_item(std::string_view line, std::string_view name)
{
  for (auto at = line.find("fn"); at != std::string_view::npos; at = line.find("fn", at + 1)) {
    if (fn_item_at(line, at, name)) {
      return true;
    }
  }
  return false;
}

bool is_comment_or_blank(std::string_view line)
{
  const auto trimmed = text::trim(line);
  return trimmed.empty() || trimmed.starts_with("//");
}

} // namespace

std::string elide_markers(std::string line)
{
  for (auto open = line.find("/*"); open != std::string::npos; open = line.find("/*", open + 1)) {
    auto pos = skip_spaces(line, open + 2);
    const std::string_view rest = std::string_view(line).substr(pos);
    const std::size_t dots = rest.starts_with("...") ? 3 : rest.starts_with("…") ? std::string_view("…").size() : 0;
    if (dots == 0) {
      continue;
    }
    pos = skip_spaces(line, pos + dots);
    if (std::string_view(line).substr(pos).starts_with("*/")) {
      line.replace(open, pos + 2 - open, "todo!()");
    }
  }
  const auto trimmed = text::trim(line);
  if (trimmed == "// ..." || trimmed == "// …") {
    line = line.substr(0, line.find("//")) + "todo!()";
  }
  return line;
}

std::vector<bool> comment_only_function_bodies(const std::vector<std::string>& code)
{
  std::vector<bool> insert_after(code.size(), false);
  for (std::size_t open = 0; open < code.size(); ++open) {
    const auto opener = text::trim_end(code[open]);
    if (!opener.ends_with('{')) {
      continue;
    }
    // The signature: this line, or up to three lines before a lone `{`.
    bool is_function = false;
    for (std::size_t back = 0; back <= 3 && back <= open; ++back) {
      const auto& candidate = code[open - back];
      if (has_fn_item(candidate, {})) {
        is_function = true;
        break;
      }
      if (back > 0 && (candidate.find(';') != std::string::npos || candidate.find('}') != std::string::npos)) {
        break;
      }
    }
    if (!is_function) {
      continue;
    }
    std::size_t close = open + 1;
    bool has_comment = false;
    while (close < code.size() && is_comment_or_blank(code[close])) {
      has_comment = has_comment || !text::trim(code[close]).empty();
      ++close;
    }
    if (has_comment && close < code.size() && text::trim(code[close]).starts_with('}')) {
      insert_after[close - 1] = true;
    }
  }
  return insert_after;
}

} // namespace snipcheck::scratch
