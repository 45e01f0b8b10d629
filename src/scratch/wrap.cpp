#include "scratch/wrap.hpp"

#include "util/text.hpp"

#include <cctype>

namespace snipcheck::scratch {

namespace {

struct Builder
{
  ScratchSource source;

  void add(std::string_view line, LineOrigin origin)
  {
    source.text += line;
    source.text += '\n';
    source.origins.push_back(origin);
  }
};

// Code with comments and string literals blanked out, line by line; a block
// comment may span lines. Good enough for finding `fn main` as rustdoc does.
std::vector<std::string> strip_comments_and_strings(const std::vector<std::string>& lines)
{
  std::vector<std::string> result;
  bool in_block_comment = false;
  for (const auto& line : lines) {
    std::string out;
    bool in_string = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      const char next = i + 1 < line.size() ? line[i + 1] : '\0';
      if (in_block_comment) {
        if (c == '*' && next == '/') {
          in_block_comment = false;
          ++i;
        }
        continue;
      }
      if (in_string) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '/' && next == '/') {
        break;
      }
      if (c == '/' && next == '*') {
        in_block_comment = true;
        ++i;
        continue;
      }
      if (c == '"') {
        in_string = true;
        continue;
      }
      out += c;
    }
    result.push_back(std::move(out));
  }
  return result;
}

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

bool is_crate_attribute(std::string_view line)
{
  return text::trim(line).starts_with("#![");
}

bool is_extern_crate(std::string_view line)
{
  return text::trim(line).starts_with("extern crate ");
}

// `/* ... */` and a line that is only `// ...` stand for code the book left out.
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

// Lines after which a synthetic `todo!()` is inserted: the last comment line of
// a function body that holds only comments.
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

// rustdoc: a block ending in `Ok::<(), E>(())` runs in an inner function
// returning a Result whose error type the turbofish decides (so `E` may be a
// name the block itself imports), unwrapped by `main`.
struct MainWrapper
{
  std::string open = "fn main() {";
  std::string close = "}";
};

MainWrapper main_wrapper(const std::vector<std::string>& code)
{
  for (auto it = code.rbegin(); it != code.rend(); ++it) {
    auto tail = text::trim(*it);
    if (tail.empty()) {
      continue;
    }
    if (tail.ends_with(';')) {
      tail = text::trim(tail.substr(0, tail.size() - 1));
    }
    // Ok::<(), E>(())
    if (tail.starts_with("Ok::<(),") && tail.ends_with(">(())") && tail.size() > 13) {
      return {"fn main() { fn _inner() -> core::result::Result<(), impl core::fmt::Debug> {", "} _inner().unwrap() }"};
    }
    break;
  }
  return {};
}

} // namespace

LineOrigin ScratchSource::origin_of(int scratch_line) const
{
  if (scratch_line < 1 || scratch_line > static_cast<int>(origins.size())) {
    return {};
  }
  return origins[static_cast<std::size_t>(scratch_line - 1)];
}

bool has_main_function(const std::vector<std::string>& code_lines)
{
  for (const auto& line : strip_comments_and_strings(code_lines)) {
    if (has_fn_item(line, "main")) {
      return true;
    }
  }
  return false;
}

ScratchSource wrap_listing(const book::Listing& listing, const WrapOptions& options)
{
  std::vector<std::string> code;
  for (const auto& line : listing.lines) {
    code.push_back(options.elide == ElideMode::none ? line.text : elide_markers(line.text));
  }
  const auto insert_todo_after =
      options.elide == ElideMode::bodies ? comment_only_function_bodies(code) : std::vector<bool>(code.size(), false);

  const bool is_library = options.crate_type != CrateType::bin;
  const bool has_main = has_main_function(code);
  const bool async_main = !is_library && options.wrap == WrapMode::async_main;
  const bool wrap_in_main = !is_library && (options.wrap == WrapMode::main || async_main ||
                                            (options.wrap == WrapMode::automatic && !has_main));

  // rustdoc hoists the leading crate attributes and `extern crate` lines.
  std::size_t body_start = 0;
  if (wrap_in_main) {
    while (body_start < code.size() && (is_crate_attribute(code[body_start]) || is_extern_crate(code[body_start]) ||
                                        text::trim(code[body_start]).empty())) {
      ++body_start;
    }
  }

  const auto wrapper = main_wrapper(code);
  Builder out;
  out.add("#![allow(unused)]", {});
  for (std::size_t k = 0; k < body_start; ++k) {
    if (is_crate_attribute(code[k])) {
      out.add(code[k], {Origin::listing, static_cast<int>(k) + 1});
    }
  }
  const auto prelude = text::split_lines(options.prelude);
  for (std::size_t k = 0; k < prelude.size(); ++k) {
    out.add(prelude[k], {Origin::prelude, static_cast<int>(k) + 1});
  }
  for (std::size_t k = 0; k < body_start; ++k) {
    if (is_extern_crate(code[k])) {
      out.add(code[k], {Origin::listing, static_cast<int>(k) + 1});
    }
  }
  if (async_main) {
    out.add("#[tokio::main]", {});
    out.add("async fn main() -> Result<(), Box<dyn std::error::Error>> {", {});
  } else if (wrap_in_main) {
    out.add(wrapper.open, {});
  }
  for (std::size_t k = body_start; k < code.size(); ++k) {
    out.add(code[k], {Origin::listing, static_cast<int>(k) + 1});
    if (insert_todo_after[k]) {
      out.add("todo!()", {});
    }
  }
  const auto epilogue = text::split_lines(options.epilogue);
  for (std::size_t k = 0; k < epilogue.size(); ++k) {
    out.add(epilogue[k], {Origin::epilogue, static_cast<int>(k) + 1});
  }
  if (async_main) {
    out.add("#[allow(unreachable_code)]", {});
    out.add("Ok(())", {});
  }
  if (wrap_in_main) {
    out.add(async_main ? std::string("}") : wrapper.close, {});
  } else if (!is_library && !has_main) {
    out.add("fn main() {}", {});
  }
  out.source.wrapped_in_main = wrap_in_main;
  return out.source;
}

} // namespace snipcheck::scratch
