#include "fmt/reshape.hpp"

#include "book/rustdoc_rules.hpp"
#include "scratch/rust_lexer.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <optional>

namespace snipcheck::formatting {

namespace {

constexpr std::string_view wrapper_open = "fn main() {";

// Where a line starts: in code, or inside a token that began on an earlier line.
enum class LineStart { code, in_literal, in_comment };

// A token, or a blank line, followed from the listing into rustfmt's answer.
struct Mark
{
  std::string text; // comments without their spaces (rustfmt reindents them); "\n" for a blank line
  int line = 0;     // 0-based
};

struct LexedLines
{
  std::vector<LineStart> starts; // one per line
  std::vector<Mark> marks;       // in order
};

std::string without_spaces(std::string_view text)
{
  std::string result;
  for (const char c : text) {
    if (!text::is_space(c)) {
      result += c;
    }
  }
  return result;
}

std::optional<LexedLines> lex_lines(const std::vector<std::string>& lines)
{
  std::string joined;
  std::vector<std::size_t> line_starts;
  for (const auto& line : lines) {
    line_starts.push_back(joined.size());
    joined += line;
    joined += '\n';
  }
  const auto tokens = scratch::lex_rust(joined, scratch::Comments::keep);
  if (!tokens) {
    return std::nullopt;
  }
  const auto line_of = [&](std::size_t offset) {
    return static_cast<int>(std::upper_bound(line_starts.begin(), line_starts.end(), offset) - line_starts.begin()) - 1;
  };
  LexedLines result;
  result.starts.assign(lines.size(), LineStart::code);
  std::vector<bool> holds_token(lines.size(), false);
  int next_blank = 0; // blank lines before a token are marks before it
  const auto add_blanks_before = [&](int line) {
    for (; next_blank < line; ++next_blank) {
      if (!holds_token[static_cast<std::size_t>(next_blank)] &&
          text::is_blank(lines[static_cast<std::size_t>(next_blank)])) {
        result.marks.push_back({"\n", next_blank});
      }
    }
  };
  for (const auto& token : *tokens) {
    const int first = line_of(token.begin);
    const int last = line_of(token.end - 1);
    add_blanks_before(first);
    const auto spelled = std::string_view(joined).substr(token.begin, token.end - token.begin);
    const bool literal = token.kind == scratch::TokenKind::literal;
    result.marks.push_back({literal || token.kind == scratch::TokenKind::word || token.kind == scratch::TokenKind::punct
                                ? std::string(spelled)
                                : without_spaces(spelled),
                            first});
    holds_token[static_cast<std::size_t>(first)] = true;
    for (int line = first + 1; line <= last; ++line) {
      result.starts[static_cast<std::size_t>(line)] = literal ? LineStart::in_literal : LineStart::in_comment;
      holds_token[static_cast<std::size_t>(line)] = true;
    }
    next_blank = std::max(next_blank, last + 1);
  }
  add_blanks_before(static_cast<int>(lines.size()));
  return result;
}

// For each mark of `to`, the mark of `from` it is, or -1 (rustfmt added it:
// a trailing comma). Marks rustfmt dropped (a comma, extra blank lines) are
// skipped over a few at a time; nullopt when the two do not line up (code moved).
std::optional<std::vector<int>> align(const std::vector<Mark>& from, const std::vector<Mark>& to)
{
  constexpr std::size_t window = 8;
  const auto same = [&](std::size_t a, std::size_t b) {
    return a < from.size() && b < to.size() && from[a].text == to[b].text;
  };
  std::vector<int> matched(to.size(), -1);
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < from.size() && j < to.size()) {
    if (same(i, j)) {
      matched[j++] = static_cast<int>(i++);
      continue;
    }
    bool found = false;
    for (std::size_t span = 1; span <= window && !found; ++span) {
      for (std::size_t skipped = 0; skipped <= span && !found; ++skipped) {
        const auto a = i + skipped;
        const auto b = j + span - skipped;
        if (same(a, b) && (a + 1 >= from.size() || b + 1 >= to.size() || same(a + 1, b + 1))) {
          i = a;
          j = b;
          found = true;
        }
      }
    }
    if (!found) {
      return std::nullopt;
    }
  }
  return matched;
}

std::size_t indentation(std::string_view line)
{
  std::size_t count = 0;
  while (count < line.size() && (line[count] == ' ' || line[count] == '\t')) {
    ++count;
  }
  return count;
}

// The body of rustfmt's `fn main() {`...`}`, without the indentation rustfmt
// gave it there (lines inside a string literal keep theirs); nullopt when the
// answer is not the wrapper around a body.
std::optional<std::vector<std::string>> unwrap(const std::vector<std::string>& out)
{
  if (out.size() == 1 && out.front() == "fn main() {}") {
    return std::vector<std::string>{};
  }
  if (out.size() < 2 || out.front() != wrapper_open || out.back() != "}") {
    return std::nullopt;
  }
  std::vector<std::string> body(out.begin() + 1, out.end() - 1);
  const auto lexed = lex_lines(body);
  if (!lexed) {
    return std::nullopt;
  }
  std::string unit;
  for (std::size_t k = 0; k < body.size(); ++k) {
    if (!text::is_blank(body[k]) && lexed->starts[k] == LineStart::code) {
      unit = body[k].substr(0, indentation(body[k]));
      break;
    }
  }
  for (std::size_t k = 0; k < body.size(); ++k) {
    auto& line = body[k];
    if (lexed->starts[k] == LineStart::in_literal) {
      continue;
    }
    if (text::is_blank(line)) {
      line.clear();
    } else if (!unit.empty() && line.starts_with(unit)) {
      line.erase(0, unit.size());
    } else if (lexed->starts[k] == LineStart::code) {
      return std::nullopt;
    }
  }
  return body;
}

// The smallest indentation of shown code lines (not blank, not inside a literal or comment).
std::optional<std::size_t> shown_indentation(const std::vector<std::string>& lines, const std::vector<bool>& hidden,
                                             const LexedLines& lexed)
{
  std::optional<std::size_t> smallest;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    if (!hidden[k] && lexed.starts[k] == LineStart::code && !text::is_blank(lines[k])) {
      smallest = std::min(smallest.value_or(indentation(lines[k])), indentation(lines[k]));
    }
  }
  return smallest;
}

Reshaped refuse(std::string why)
{
  return {{}, std::move(why)};
}

// Which output lines are hidden: those holding only code of hidden listing
// lines. A line without code (blank, a token rustfmt added) goes with its
// neighbours: hidden when the code around it is.
std::optional<std::vector<bool>> hidden_lines(const book::Listing& listing, const LexedLines& in, const LexedLines& out,
                                              const std::vector<int>& matched)
{
  constexpr int from_hidden = 1;
  constexpr int from_shown = 2;
  std::vector<int> sides(out.starts.size(), 0);
  for (std::size_t j = 0; j < matched.size(); ++j) {
    if (matched[j] >= 0) {
      const auto& source = listing.lines[static_cast<std::size_t>(in.marks[static_cast<std::size_t>(matched[j])].line)];
      sides[static_cast<std::size_t>(out.marks[j].line)] |= source.hidden ? from_hidden : from_shown;
    }
  }
  for (std::size_t k = 1; k < sides.size(); ++k) {
    if (out.starts[k] != LineStart::code) {
      sides[k] |= sides[k - 1];
    }
  }
  std::vector<bool> hidden(sides.size(), false);
  for (std::size_t k = 0; k < sides.size(); ++k) {
    if (sides[k] == (from_hidden | from_shown)) {
      return std::nullopt;
    }
    if (sides[k] != 0) {
      hidden[k] = sides[k] == from_hidden;
      continue;
    }
    int above = 0;
    for (std::size_t a = k; a-- > 0 && above == 0;) {
      above = sides[a];
    }
    int below = 0;
    for (std::size_t b = k + 1; b < sides.size() && below == 0; ++b) {
      below = sides[b];
    }
    hidden[k] = (above | below) == from_hidden;
  }
  return hidden;
}

// Hidden lines rustfmt left as they were (up to spaces) are kept byte for byte.
void keep_unchanged_hidden_lines(const book::Listing& listing, std::vector<ShapedLine>& lines)
{
  std::vector<int> before;
  for (std::size_t k = 0; k < listing.lines.size(); ++k) {
    if (listing.lines[k].hidden) {
      before.push_back(static_cast<int>(k));
    }
  }
  std::vector<ShapedLine*> after;
  for (auto& line : lines) {
    if (line.hidden) {
      after.push_back(&line);
    }
  }
  if (before.size() != after.size()) {
    return;
  }
  for (std::size_t k = 0; k < before.size(); ++k) {
    if (text::trim(listing.lines[static_cast<std::size_t>(before[k])].text) != text::trim(after[k]->text)) {
      return;
    }
  }
  for (std::size_t k = 0; k < before.size(); ++k) {
    after[k]->kept = before[k];
    after[k]->text = listing.lines[static_cast<std::size_t>(before[k])].text;
  }
}

} // namespace

RustfmtInput rustfmt_input(const book::Listing& listing, const scratch::WrapOptions& wrap)
{
  std::vector<std::string> code;
  bool no_std = false;
  for (const auto& line : listing.lines) {
    code.push_back(line.text);
    no_std = no_std || text::trim(line.text).starts_with("#![no_std]");
  }
  const bool may_wrap = wrap.wrap != scratch::WrapMode::none && wrap.crate_type == scratch::CrateType::bin && !no_std;
  const bool wrapped = may_wrap && (wrap.wrap == scratch::WrapMode::main ||
                                    wrap.wrap == scratch::WrapMode::async_main || !scratch::has_main_function(code));
  const auto joined = text::join_lines(code);
  return {wrapped ? std::string(wrapper_open) + "\n" + joined + "}\n" : joined, wrapped};
}

Reshaped reshape(const book::Listing& listing, std::string_view formatted, bool wrapped, KeepLines keep)
{
  auto out = text::split_lines(formatted);
  if (wrapped) {
    auto body = unwrap(out);
    if (!body) {
      return refuse("rustfmt's answer does not unwrap from the `fn main` it was wrapped in");
    }
    out = std::move(*body);
  }
  std::vector<std::string> in;
  std::vector<bool> in_hidden;
  for (const auto& line : listing.lines) {
    in.push_back(line.text);
    in_hidden.push_back(line.hidden);
  }
  const bool any_hidden = std::find(in_hidden.begin(), in_hidden.end(), true) != in_hidden.end();
  Reshaped result;
  const auto lexed_out = lex_lines(out);
  if (!lexed_out) {
    return refuse("rustfmt's answer does not lex");
  }
  if (!any_hidden && keep == KeepLines::no) {
    for (std::size_t k = 0; k < out.size(); ++k) {
      result.lines.push_back({std::move(out[k]), false, -1, lexed_out->starts[k] == LineStart::in_literal});
    }
    return result;
  }
  const auto lexed_in = lex_lines(in);
  const auto matched = lexed_in ? align(lexed_in->marks, lexed_out->marks) : std::nullopt;
  if (!matched) {
    return refuse(any_hidden ? "hidden lines would move: rustfmt reorders its code"
                             : "its expectation names listing lines, and rustfmt reorders its code");
  }
  if (keep == KeepLines::yes) {
    for (std::size_t j = 0; j < matched->size(); ++j) {
      const int from = (*matched)[j];
      if (from >= 0 && lexed_in->marks[static_cast<std::size_t>(from)].line != lexed_out->marks[j].line) {
        return refuse("its expectation names listing lines (`error-lines` or `//~` markers), and formatting would "
                      "move code to other lines");
      }
    }
  }
  std::vector<bool> out_hidden(out.size(), false);
  if (any_hidden) {
    const auto hidden = hidden_lines(listing, *lexed_in, *lexed_out, *matched);
    if (!hidden) {
      return refuse("hidden lines would move: rustfmt puts hidden and shown code on one line");
    }
    out_hidden = *hidden;
    std::string hidden_before;
    std::string hidden_after;
    for (std::size_t k = 0; k < in.size(); ++k) {
      hidden_before += in_hidden[k] ? without_spaces(in[k]) : "";
    }
    for (std::size_t k = 0; k < out.size(); ++k) {
      hidden_after += out_hidden[k] ? without_spaces(out[k]) : "";
    }
    if (hidden_before != hidden_after) {
      return refuse("hidden lines would change: rustfmt rewrites code on them");
    }
  }
  // Shown code keeps its indentation in the book: what a hidden `fn main() {` added inside it goes.
  const auto shown_before = shown_indentation(in, in_hidden, *lexed_in);
  const auto shown_after = shown_indentation(out, out_hidden, *lexed_out);
  const std::size_t added =
      shown_before && shown_after && *shown_after > *shown_before ? *shown_after - *shown_before : 0;
  for (std::size_t k = 0; k < out.size(); ++k) {
    auto line = std::move(out[k]);
    if (added > 0 && lexed_out->starts[k] != LineStart::in_literal && indentation(line) >= added) {
      line.erase(0, added);
    }
    result.lines.push_back({std::move(line), out_hidden[k], -1, lexed_out->starts[k] == LineStart::in_literal});
  }
  keep_unchanged_hidden_lines(listing, result.lines);
  return result;
}

std::string markdown_code_line(const ShapedLine& line)
{
  if (line.hidden) {
    return line.text.empty() ? "#" : "# " + line.text;
  }
  const auto read_back = book::map_code_line(line.text);
  if (!read_back.hidden && read_back.text == line.text) {
    return line.text;
  }
  auto escaped = line.text;
  escaped.insert(escaped.find('#'), 1, '#');
  return escaped;
}

} // namespace snipcheck::formatting
