#include "scratch/wrap.hpp"

#include "scratch/doctest_layout.hpp"
#include "scratch/elide.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

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

// Where each piece of the listing goes in the compiled file.
enum class Part { crate_attributes, crates, body, dropped };

struct Fragment
{
  int line; // 0-based listing line
  std::string text;
};

struct PartedListing
{
  std::vector<Fragment> crate_attributes;
  std::vector<Fragment> crates;
  std::vector<Fragment> body;
};

// Cuts the code (its lines joined by '\n') along the layout's parts, line by line, so that every
// piece keeps its listing line. A line holding two parts becomes two lines of the result.
PartedListing part_listing(const std::vector<std::string>& lines, const std::string& code, const DoctestLayout& layout)
{
  struct Range
  {
    std::size_t begin;
    std::size_t end;
    Part part;
  };
  std::vector<Range> ranges;
  ranges.push_back({0, layout.crate_attributes_end, Part::crate_attributes});
  auto previous_end = layout.crate_attributes_end;
  for (const auto& statement : layout.statements) {
    ranges.push_back(
        {previous_end, statement.end, statement.kind == StatementKind::extern_crate ? Part::crates : Part::body});
    previous_end = statement.end;
  }
  ranges.push_back({previous_end, code.size() + 1, Part::dropped});

  PartedListing parted;
  auto add = [&parted](Part part, int line, std::string_view text) {
    auto& fragments = part == Part::crate_attributes ? parted.crate_attributes
                      : part == Part::crates         ? parted.crates
                                                     : parted.body;
    if (!fragments.empty() && fragments.back().line == line) {
      fragments.back().text += text;
    } else {
      fragments.push_back({line, std::string(text)});
    }
  };
  std::size_t line_start = 0;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const auto line_end = line_start + lines[k].size();
    std::vector<std::pair<Part, std::string_view>> pieces;
    for (const auto& range : ranges) {
      const auto begin = std::max(range.begin, line_start);
      const auto end = std::min(range.end, line_end);
      if (begin < end && !text::is_blank(std::string_view(code).substr(begin, end - begin))) {
        pieces.emplace_back(range.part, std::string_view(code).substr(begin, end - begin));
      }
    }
    if (pieces.empty()) { // a blank line stays in the part it falls in
      const auto& range = *std::ranges::find_if(ranges, [&](const Range& r) { return line_start < r.end; });
      pieces.emplace_back(range.part, std::string_view(lines[k]));
    }
    for (const auto& [part, text] : pieces) {
      if (part != Part::dropped) {
        add(part, static_cast<int>(k), text);
      }
    }
    line_start = line_end + 1;
  }
  return parted;
}

// rustdoc: a block whose code ends in `(())`, as `Ok::<(), E>(())` does, runs in an inner function
// returning a Result whose error type the turbofish decides (so `E` may be a name the block itself
// imports), unwrapped by `main`. rustdoc tests the text only: `Ok::<(), E>(());` with its semicolon
// gets a plain `main`, and so does a block where a comment follows the tail (rustdoc drops it first).
struct MainWrapper
{
  std::string open = "fn main() {";
  std::string close = "}";
};

MainWrapper main_wrapper(const std::vector<Fragment>& body)
{
  for (auto it = body.rbegin(); it != body.rend(); ++it) {
    if (text::is_blank(it->text)) {
      continue;
    }
    if (text::trim_end(it->text).ends_with("(())")) {
      return {"fn main() { fn _inner() -> core::result::Result<(), impl core::fmt::Debug> {", "} _inner().unwrap() }"};
    }
    break;
  }
  return {};
}

// The listing's lines, with the code the book left out marked (ElideMode).
std::vector<std::string> listing_code(const book::Listing& listing, ElideMode elide)
{
  std::vector<std::string> code;
  for (const auto& line : listing.lines) {
    code.push_back(elide == ElideMode::none ? line.text : elide_markers(line.text));
  }
  return code;
}

// What goes around the listing: rustdoc's decision, or the one expected/ made.
struct Wrapping
{
  bool is_library = false;     // a lib or proc-macro crate: never wrapped
  bool async_main = false;     // in `#[tokio::main] async fn main`
  bool wrap_in_main = false;   // in a `main` (async or not)
  bool add_empty_main = false; // WrapMode::none without a top-level `fn main`
  bool verbatim = false;       // a shebang first: compiled as written, as rustdoc does
};

Wrapping decide_wrapping(const WrapOptions& options, const DoctestLayout& layout)
{
  Wrapping wrapping;
  wrapping.is_library = options.crate_type != CrateType::bin;
  wrapping.async_main = !wrapping.is_library && options.wrap == WrapMode::async_main;
  wrapping.wrap_in_main =
      !wrapping.is_library && (options.wrap == WrapMode::main || wrapping.async_main ||
                               (options.wrap == WrapMode::automatic && !layout.has_main && !layout.no_std));
  wrapping.add_empty_main =
      !wrapping.wrap_in_main && !wrapping.is_library && options.wrap == WrapMode::none && !layout.has_top_level_main;
  return wrapping;
}

// The compiled file: crate attributes, prelude, `extern crate`s, then the body
// (in its `main` when wrapped) and the epilogue; every line keeps its origin.
ScratchSource write_source(const PartedListing& parted, const WrapOptions& options, const Wrapping& wrapping,
                           const std::vector<bool>& insert_todo_after)
{
  Builder out;
  if (!wrapping.verbatim) {
    out.add("#![allow(unused)]", {});
  }
  auto add_fragments = [&out, &insert_todo_after](const std::vector<Fragment>& fragments) {
    for (const auto& fragment : fragments) {
      out.add(fragment.text, {Origin::listing, fragment.line + 1});
      if (insert_todo_after[static_cast<std::size_t>(fragment.line)]) {
        out.add("todo!()", {});
      }
    }
  };
  const auto add_lines = [&out](const std::string& text, Origin origin) {
    const auto lines = text::split_lines(text);
    for (std::size_t k = 0; k < lines.size(); ++k) {
      out.add(lines[k], {origin, static_cast<int>(k) + 1});
    }
  };
  add_fragments(parted.crate_attributes);
  if (!wrapping.verbatim) {
    add_lines(options.prelude, Origin::prelude);
  }
  add_fragments(parted.crates);
  const auto wrapper = main_wrapper(parted.body);
  if (wrapping.async_main) {
    out.add("#[tokio::main]", {});
    out.add("async fn main() -> Result<(), Box<dyn std::error::Error>> {", {});
  } else if (wrapping.wrap_in_main) {
    out.add(wrapper.open, {});
  }
  add_fragments(parted.body);
  if (!wrapping.verbatim) {
    add_lines(options.epilogue, Origin::epilogue);
  }
  if (wrapping.async_main) {
    out.add("#[allow(unreachable_code)]", {});
    out.add("Ok(())", {});
  }
  if (wrapping.wrap_in_main) {
    out.add(wrapping.async_main ? std::string("}") : wrapper.close, {});
  } else if (wrapping.add_empty_main) {
    out.add("fn main() {}", {});
  }
  out.source.wrapped_in_main = wrapping.wrap_in_main;
  return out.source;
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
  const auto layout = doctest_layout(text::join_lines(code_lines));
  return layout && layout->has_main;
}

ScratchSource wrap_listing(const book::Listing& listing, const WrapOptions& options)
{
  const auto code = listing_code(listing, options.elide);
  const auto joined = text::join_lines(code);
  // A listing that does not even lex is one body, as written: it fails to compile either way.
  const auto layout =
      doctest_layout(joined).value_or(DoctestLayout{0, {{0, joined.size(), StatementKind::not_an_item}}});
  auto wrapping = decide_wrapping(options, layout);
  if (starts_with_shebang(joined)) {
    // rustdoc cannot parse it, so it adds nothing; rustc skips the shebang on line 1.
    wrapping = {.is_library = wrapping.is_library, .verbatim = true};
  }
  PartedListing parted;
  if (wrapping.is_library || wrapping.verbatim || options.wrap == WrapMode::none) {
    for (std::size_t k = 0; k < code.size(); ++k) {
      parted.body.push_back({static_cast<int>(k), code[k]});
    }
  } else {
    parted = part_listing(code, joined, layout);
  }
  const auto insert_todo_after =
      options.elide == ElideMode::bodies ? comment_only_function_bodies(code) : std::vector<bool>(code.size(), false);
  return write_source(parted, options, wrapping, insert_todo_after);
}

} // namespace snipcheck::scratch
