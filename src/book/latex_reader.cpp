#include "book/latex_reader.hpp"

#include "book/latex_syntax.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <optional>

namespace snipcheck::book {

namespace {

namespace fs = std::filesystem;

using latex::key_values;
using latex::language_name;
using latex::lowercase;
using latex::read_group;

struct Environment
{
  std::string name; // lstlisting, minted
  int begin_line = 0;
  std::string language;
  bool is_rust = false;
};

class LatexReader
{
public:
  LatexReader(std::string_view content, const fs::path& path, std::vector<fs::path> include_roots)
    : m_lines(text::split_lines(content))
    , m_path(path)
    , m_include_roots(std::move(include_roots))
  {
    m_book.path = path;
    m_book.format = Format::latex;
  }

  Book read()
  {
    for (m_line = 0; m_line < m_lines.size(); ++m_line) {
      read_line();
    }
    return std::move(m_book);
  }

private:
  int line_number() const { return static_cast<int>(m_line) + 1; }

  // The language of an lstlisting with these options, the style and
  // \lstset defaults applying when the options name none.
  std::string lst_language(const std::map<std::string, std::string>& options) const
  {
    if (auto found = options.find("language"); found != options.end()) {
      return language_name(found->second);
    }
    if (auto style = options.find("style"); style != options.end()) {
      if (auto found = m_styles.find(style->second); found != m_styles.end()) {
        return found->second;
      }
    }
    return m_default_language;
  }

  void read_line()
  {
    const auto text = std::string(latex::without_comment(m_lines[m_line]));
    std::size_t from = 0;
    while (const auto command = latex::find_command(text, from)) {
      const std::string name(command->name);
      const bool starred = command->starred;
      std::size_t pos = command->end;
      const auto start_line = m_line;
      if (name == "chapter" || name == "section" || name == "subsection") {
        if (!starred) {
          number_heading(name);
          if (name == "chapter") {
            m_chapter_title = heading_title(text, pos);
          }
        }
      } else if (name == "lstset") {
        skip_blanks(pos);
        if (auto group = read_group(m_lines, m_line, pos, '{', '}')) {
          const auto options = key_values(*group);
          if (auto found = options.find("language"); found != options.end()) {
            m_default_language = language_name(found->second);
          }
        }
      } else if (name == "lstdefinestyle") {
        skip_blanks(pos);
        auto style = read_group(m_lines, m_line, pos, '{', '}');
        skip_blanks(pos);
        auto body = read_group(m_lines, m_line, pos, '{', '}');
        if (style && body) {
          const auto options = key_values(*body);
          m_styles[std::string(text::trim(*style))] = lst_language(options);
        }
      } else if (name == "lstinputlisting" || name == "inputminted") {
        input_listing(name, pos);
      } else if (name == "begin") {
        if (begin_environment(pos)) {
          return; // the environment's lines are consumed
        }
      }
      if (m_line != start_line) {
        return; // a group ran over lines; what follows it is not scanned again
      }
      from = std::max(pos, from + 1);
      if (from >= text.size()) {
        return;
      }
    }
  }

  void skip_blanks(std::size_t& pos) const
  {
    if (m_line >= m_lines.size()) {
      return;
    }
    const auto& line = m_lines[m_line];
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) {
      ++pos;
    }
  }

  void number_heading(const std::string& name)
  {
    if (name == "chapter") {
      ++m_chapter;
      m_counters = {m_chapter};
      return;
    }
    const std::size_t depth = name == "section" ? 2 : 3;
    m_counters.resize(depth, 0);
    m_counters[0] = m_chapter;
    ++m_counters.back();
  }

  // The title in \chapter[short]{Title}, when it stands on the same line.
  static std::string heading_title(std::string_view line, std::size_t pos)
  {
    if (pos < line.size() && line[pos] == '[') {
      pos = line.find(']', pos);
      pos = pos == std::string_view::npos ? line.size() : pos + 1;
    }
    const auto open = line.find('{', pos);
    if (open == std::string_view::npos) {
      return {};
    }
    int depth = 0;
    for (auto at = open; at < line.size(); ++at) {
      depth += line[at] == '{' ? 1 : line[at] == '}' ? -1 : 0;
      if (depth == 0) {
        return std::string(text::trim(line.substr(open + 1, at - open - 1)));
      }
    }
    return {};
  }

  std::string section() const
  {
    return m_counters.empty() ? std::string("0") : fmt::format("{}", fmt::join(m_counters, "."));
  }

  // \begin{lstlisting}[...], \begin{minted}[...]{lang}, and verbatim
  // environments whose contents are skipped. True when it consumed lines.
  bool begin_environment(std::size_t pos)
  {
    auto name = read_group(m_lines, m_line, pos, '{', '}');
    if (!name) {
      return false;
    }
    const auto begin_line = line_number();
    Environment environment;
    environment.name = *name;
    environment.begin_line = begin_line;
    if (*name == "lstlisting") {
      std::map<std::string, std::string> options;
      if (auto group = read_group(m_lines, m_line, pos, '[', ']')) {
        options = key_values(*group);
      }
      environment.language = lst_language(options);
    } else if (*name == "minted") {
      skip_blanks(pos);
      read_group(m_lines, m_line, pos, '[', ']');
      skip_blanks(pos);
      environment.language = language_name(read_group(m_lines, m_line, pos, '{', '}').value_or(""));
    } else if (*name == "verbatim" || *name == "Verbatim" || *name == "comment") {
      std::vector<ListingLine> skipped; // text about LaTeX, not code listings
      if (!read_body(environment, skipped)) {
        m_book.problems.push_back(never_closed(environment));
      }
      return true;
    } else {
      return false;
    }
    environment.is_rust = lowercase(environment.language) == "rust";
    std::vector<ListingLine> lines;
    const bool closed = read_body(environment, lines);
    add_listing(environment, std::move(lines));
    if (!closed) {
      // As with a Markdown fence: the listing runs to the end of the file, and is not built.
      m_book.listings.back().problems.push_back(never_closed(environment));
    }
    return true;
  }

  InputProblem never_closed(const Environment& environment) const
  {
    return {m_path, environment.begin_line,
            fmt::format("\\begin{{{}}} is never closed (add \\end{{{}}} after the code)", environment.name,
                        environment.name)};
  }

  // The environment's lines up to \end{name}; text before \end on its line
  // belongs to the listing, text after \begin[...] on its line does not.
  // False when the file ends first: every line to its end is taken.
  bool read_body(const Environment& environment, std::vector<ListingLine>& lines)
  {
    const auto end = fmt::format("\\end{{{}}}", environment.name);
    while (++m_line < m_lines.size()) {
      const auto& line = m_lines[m_line];
      const auto at = line.find(end);
      if (at != std::string::npos) {
        if (!text::trim(line.substr(0, at)).empty()) {
          lines.push_back({line.substr(0, at), line_number()});
        }
        return true;
      }
      lines.push_back({line, line_number()});
    }
    return false;
  }

  // \lstinputlisting[language=Rust,firstline=3,lastline=9]{file.rs}, \inputminted[...]{rust}{file.rs}
  void input_listing(const std::string& command, std::size_t pos)
  {
    Environment environment;
    environment.name = command;
    environment.begin_line = line_number();
    std::map<std::string, std::string> options;
    skip_blanks(pos);
    if (auto group = read_group(m_lines, m_line, pos, '[', ']')) {
      options = key_values(*group);
    }
    skip_blanks(pos);
    if (command == "inputminted") {
      environment.language = language_name(read_group(m_lines, m_line, pos, '{', '}').value_or(""));
      skip_blanks(pos);
    } else {
      environment.language = lst_language(options);
    }
    const auto file = read_group(m_lines, m_line, pos, '{', '}');
    if (!file) {
      throw InputError(m_path, environment.begin_line, fmt::format("\\{} without a {{file}} argument", command));
    }
    environment.is_rust = lowercase(environment.language) == "rust";
    const auto target = m_path.parent_path() / std::string(text::trim(*file));
    std::error_code ec;
    if (!fs::exists(target, ec)) {
      throw InputError(m_path, environment.begin_line,
                       fmt::format("\\{} names `{}`, which does not exist ({})", command, text::trim(*file),
                                   target.lexically_normal().string()));
    }
    const auto included = read_included_file(target, m_include_roots);
    if (included.refusal) {
      add_listing(
          environment, {}, target.lexically_normal(),
          InputProblem{m_path, environment.begin_line,
                       fmt::format("\\{} cannot read `{}`: {}", command, text::trim(*file), *included.refusal)});
      return;
    }
    const auto content = std::string(text::strip_utf8_bom(included.text));
    if (auto bad_line = text::first_invalid_utf8_line(content)) {
      throw InputError(target, *bad_line, "invalid UTF-8; save the file as UTF-8");
    }
    const auto number = [&](const char* key, int fallback) {
      const auto found = options.find(key);
      return found != options.end() && latex::is_small_number(found->second) ? std::stoi(found->second) : fallback;
    };
    const int first = number("firstline", 1);
    const int last = number("lastline", 1 << 30);
    std::vector<ListingLine> lines;
    int line_in_file = 0;
    for (auto& line : text::split_lines(content)) {
      ++line_in_file;
      if (line_in_file >= first && line_in_file <= last) {
        lines.push_back({std::move(line), line_in_file, 1});
      }
    }
    add_listing(environment, std::move(lines), target.lexically_normal());
  }

  void add_listing(const Environment& environment, std::vector<ListingLine> lines,
                   std::optional<fs::path> input = std::nullopt, std::optional<InputProblem> problem = std::nullopt)
  {
    Listing listing;
    listing.chapter = m_chapter;
    listing.chapter_title = m_chapter_title;
    listing.section = section();
    listing.files = {m_path};
    if (input) {
      listing.files.push_back(*input);
    }
    listing.fence_line = environment.begin_line;
    listing.is_rust = environment.is_rust;
    listing.info = environment.language;
    for (auto& line : lines) {
      if (line.text.ends_with('\r')) {
        line.text.pop_back();
      }
    }
    listing.lines = std::move(lines);
    if (problem) {
      listing.problems.push_back(std::move(*problem)); // not built: its result is the problem
    }
    listing.ordinal = ++m_ordinals[{listing.chapter, listing.section}];
    listing.id = make_listing_id(listing.chapter, listing.section, listing.ordinal);
    m_book.listings.push_back(std::move(listing));
  }

  std::vector<std::string> m_lines;
  fs::path m_path;
  std::vector<fs::path> m_include_roots; // where \lstinputlisting may read from
  std::size_t m_line = 0;
  Book m_book;
  int m_chapter = 0;
  std::string m_chapter_title;
  std::vector<int> m_counters;
  std::string m_default_language;              // from \lstset{language=...}
  std::map<std::string, std::string> m_styles; // \lstdefinestyle name -> language
  std::map<std::pair<int, std::string>, int> m_ordinals;
};

} // namespace

Book parse_latex_file(std::string_view content, const std::filesystem::path& path, const ReadSettings& settings)
{
  content = text::strip_utf8_bom(content);
  if (text::looks_binary(content)) {
    throw InputError(path, 0, "is a binary file, not LaTeX (it contains NUL bytes)");
  }
  if (auto bad_line = text::first_invalid_utf8_line(content)) {
    throw InputError(path, *bad_line, "invalid UTF-8; save the book as UTF-8");
  }
  return LatexReader(content, path, include_roots_for(settings, path)).read();
}

Book read_latex_file(const std::filesystem::path& path, const ReadSettings& settings)
{
  const auto content = text::read_file(path);
  if (text::is_blank(content)) {
    throw InputError(path, 0, "the book is empty");
  }
  return parse_latex_file(content, path, settings);
}

} // namespace snipcheck::book
