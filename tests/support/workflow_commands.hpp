#pragma once
// What a CI log reader would obey in snipcheck's output, for the tests of hostile
// listings: the lines GitHub's runner reads as workflow commands, and bytes a
// terminal acts on.
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::testing_support {

// GitHub's runner skips leading white space before `::` (ActionCommand.TryParseV2)
// and ends a line at \r as well as \n.
inline std::vector<std::string> command_lines(std::string_view output)
{
  std::vector<std::string> found;
  std::string line;
  const auto flush = [&] {
    const auto start = line.find_first_not_of(" \t\v\f");
    if (start != std::string::npos && line.compare(start, 2, "::") == 0) {
      found.push_back(line);
    }
    line.clear();
  };
  for (const char c : output) {
    if (c == '\n' || c == '\r') {
      flush();
    } else {
      line += c;
    }
  }
  flush();
  return found;
}

// The listing ids of snipcheck's own `::error` annotations in `output`, one
// per annotation; every other workflow command is forged, and is returned in
// `forged`.
struct Annotations
{
  std::multiset<std::string> ids;
  std::vector<std::string> forged;
};
inline Annotations snipcheck_annotations(std::string_view output)
{
  constexpr std::string_view title = ",title=snipcheck ";
  Annotations annotations;
  for (const auto& line : command_lines(output)) {
    const auto at = line.find(title);
    if (!line.starts_with("::error file=") || at == std::string::npos) {
      annotations.forged.push_back(line);
      continue;
    }
    const auto id_start = at + title.size();
    annotations.ids.insert(line.substr(id_start, line.find(' ', id_start) - id_start));
  }
  return annotations;
}

// ESC, NUL, BEL, DEL or a C1 control (CSI as UTF-8): what a terminal, or GitHub's log, would obey.
inline bool reaches_a_terminal_raw(std::string_view output)
{
  for (const char c : output) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7F) {
      return true;
    }
  }
  return output.find("\xC2\x9B") != std::string_view::npos;
}

} // namespace snipcheck::testing_support
