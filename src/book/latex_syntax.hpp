#pragma once
// The bits of LaTeX syntax the LaTeX reader (book/latex_reader.hpp) needs:
// comments, `{...}` / `[...]` argument groups, `key=value` option lists, and
// the commands that number chapters or hold listings. Scanned by hand, not
// with std::regex, whose executor recurses per character on long lines.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::book::latex {

std::string lowercase(std::string_view text);

// The line up to its first unescaped `%`: what TeX reads outside verbatim code.
std::string_view without_comment(std::string_view line);

// A `{...}` or `[...]` group starting at `pos` (at the opening character), with
// nested braces; the group may run over several lines. Returns the contents
// and moves (line, pos) past the closing character; when the group is never
// closed, returns none and moves nothing.
std::optional<std::string> read_group(const std::vector<std::string>& lines, std::size_t& line, std::size_t& pos,
                                      char open, char close);

// `language=Rust, caption={A, b}` -> {language: Rust, caption: A, b} (keys lowercase).
std::map<std::string, std::string> key_values(std::string_view options);

// `[Sharp]C` -> `C`; `{Rust}` -> `Rust`
std::string language_name(std::string value);

// One of the commands the reader acts on, as `\\name` (not followed by a
// letter) with an optional `*`: chapter, section, subsection, lstset,
// lstdefinestyle, lstinputlisting, inputminted, begin.
struct Command
{
  std::size_t begin = 0; // at the backslash
  std::size_t end = 0;   // past the name and its star
  std::string_view name;
  bool starred = false;
};

// The first such command in `line` at or after `from`.
std::optional<Command> find_command(std::string_view line, std::size_t from);

// One to six ASCII digits (a `firstline=` / `lastline=` value).
bool is_small_number(std::string_view text);

} // namespace snipcheck::book::latex
