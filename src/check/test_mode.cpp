#include "check/test_mode.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <array>

namespace snipcheck::check {

namespace {

constexpr std::array<std::string_view, 22> item_starts{
    "pub ",   "pub(",    "fn ",   "struct ", "enum ",   "union ", "impl ", "impl<",        "trait ", "mod ", "use ",
    "const ", "static ", "type ", "extern ", "unsafe ", "async ", "#[",    "macro_rules!", "where",  "}",    ")"};

bool starts_an_item(std::string_view line)
{
  return line.starts_with("//") || line.starts_with("/*") || line.starts_with("*") ||
         std::any_of(item_starts.begin(), item_starts.end(),
                     [&](std::string_view start) { return line.starts_with(start); });
}

// Code of a line without its `//` comment and string contents, for counting brackets.
std::string code_only(std::string_view line)
{
  std::string code;
  bool in_string = false;
  for (std::size_t k = 0; k < line.size(); ++k) {
    const char c = line[k];
    if (in_string) {
      if (c == '\\') {
        ++k;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '/' && k + 1 < line.size() && line[k + 1] == '/') {
      break;
    } else if (c == '\'' && k + 2 < line.size() && line[k + 2] == '\'') {
      k += 2; // a char literal such as '{'
    } else {
      code += c;
    }
  }
  return code;
}

bool has_word(std::string_view line, std::string_view word)
{
  return line.find(word) != std::string_view::npos;
}

// What the listing's top level holds: only items (no statement for `main`), and signs of a library.
struct TopLevel
{
  bool only_items = false;
  bool library_sign = false; // a `pub` item or a tests module
};

TopLevel top_level(const std::vector<std::string>& code)
{
  int depth = 0;
  TopLevel top;
  bool any_item = false;
  bool in_header = false; // an item's signature goes on: `impl<T> X<T>`, `where`, then `{` on a line of its own
  for (const auto& line : code) {
    const auto trimmed = text::trim(line);
    const bool at_top = depth == 0 && !line.empty() && line.front() != ' ' && line.front() != '\t';
    const auto code_part = code_only(line);
    if (at_top && !trimmed.empty()) {
      if (!starts_an_item(trimmed) && !(in_header && trimmed.starts_with('{'))) {
        return {}; // a statement or expression: code meant for `main`
      }
      any_item = any_item || !trimmed.starts_with("//");
      top.library_sign = top.library_sign || trimmed.starts_with("pub ") || trimmed.starts_with("pub(") ||
                         trimmed.starts_with("#[cfg(test)]") || has_word(trimmed, "mod tests");
      const auto end = text::trim_end(code_part);
      in_header = !trimmed.starts_with("//") && !trimmed.starts_with("#[") && !end.empty() &&
                  end.find_first_of("{;") == std::string_view::npos && !end.ends_with('}');
    }
    for (const char c : code_part) {
      depth += (c == '{' || c == '(' || c == '[') ? 1 : (c == '}' || c == ')' || c == ']') ? -1 : 0;
    }
    depth = std::max(depth, 0);
  }
  top.only_items = any_item;
  return top;
}

std::vector<std::string> code_of(const book::Listing& listing)
{
  std::vector<std::string> code;
  for (const auto& line : listing.lines) {
    code.push_back(line.text);
  }
  return code;
}

} // namespace

bool looks_like_library(const book::Listing& listing)
{
  const auto code = code_of(listing);
  if (code.empty() || scratch::has_main_function(code)) {
    return false;
  }
  const auto top = top_level(code);
  return top.only_items && top.library_sign;
}

std::vector<BuildForm> build_forms(const book::Listing& listing, const Expectation& expectation)
{
  const bool runs = expectation.outcome == Outcome::run || expectation.outcome == Outcome::run_fail;
  BuildForm program;
  program.wrap = expectation.wrap;
  program.runs = runs;
  if (listing.fence.test_harness && program.wrap.wrap == scratch::WrapMode::automatic) {
    program.wrap.wrap = scratch::WrapMode::none; // rustdoc compiles it with --test, not wrapped in main
  }
  program.test_harness = listing.fence.test_harness && program.wrap.crate_type == scratch::CrateType::bin;
  if (program.test_harness) {
    program.name = "test crate";
  }
  if (!expectation.test_mode || program.test_harness || program.wrap.crate_type == scratch::CrateType::proc_macro) {
    return {program};
  }
  const bool library = program.wrap.crate_type == scratch::CrateType::lib ||
                       (program.wrap.wrap == scratch::WrapMode::automatic && looks_like_library(listing));
  if (library) {
    program.name = "library";
    program.wrap.crate_type = scratch::CrateType::lib;
    program.wrap.wrap = scratch::WrapMode::none;
    program.runs = false; // a library has nothing to run but its tests
  }
  BuildForm tests;
  tests.name = "test crate";
  tests.wrap = expectation.wrap;
  tests.wrap.crate_type = scratch::CrateType::bin;
  if (library || tests.wrap.wrap == scratch::WrapMode::automatic) {
    // As `cargo test` compiles a file: its tests are items of the crate, and
    // `mod tests { use super::*; }` sees the crate's items. Only code meant for
    // a `main` (statements) is wrapped in one, as rustdoc wraps it; a tests
    // module there would see none of its items (rustdoc's E0405/E0433 too).
    const auto code = code_of(listing);
    tests.wrap.wrap = library || scratch::has_main_function(code) || top_level(code).only_items
                          ? scratch::WrapMode::none
                          : scratch::WrapMode::main;
  }
  tests.test_harness = true;
  tests.runs = runs;
  return {program, tests};
}

std::vector<std::string> failed_tests(const std::string& test_stdout)
{
  std::vector<std::string> names;
  for (const auto& line : text::split_lines(test_stdout)) {
    const std::string_view view(line);
    if (view.starts_with("test ") && view.ends_with(" ... FAILED")) {
      names.emplace_back(view.substr(5, view.size() - 5 - 11));
    }
  }
  return names;
}

Observed combine_forms(const std::vector<BuildForm>& forms, std::vector<Observed> observed)
{
  if (observed.empty()) {
    return {};
  }
  std::vector<std::string> names;
  for (const auto& form : forms) {
    names.push_back(form.name);
  }
  const auto failed_to_build = [](const Observed& o) { return o.build != Observed::Build::compiled; };
  const auto failed_to_run = [](const Observed& o) { return o.run && !o.run->status.success(); };
  std::size_t chosen = 0;
  if (const auto it = std::find_if(observed.begin(), observed.end(), failed_to_build); it != observed.end()) {
    chosen = static_cast<std::size_t>(it - observed.begin());
  } else if (const auto ran = std::find_if(observed.begin(), observed.end(), failed_to_run); ran != observed.end()) {
    chosen = static_cast<std::size_t>(ran - observed.begin());
  } else if (!observed.front().run) {
    // A library does not run; its tests do.
    const auto with_run = std::find_if(observed.begin(), observed.end(), [](const Observed& o) { return o.run; });
    chosen = with_run == observed.end() ? 0 : static_cast<std::size_t>(with_run - observed.begin());
  }
  auto result = std::move(observed[chosen]);
  result.cached = std::all_of(observed.begin(), observed.end(),
                              [&](const Observed& o) { return &o == &observed[chosen] || o.cached; }) &&
                  result.cached;
  result.forms = forms.size() > 1 ? names : std::vector<std::string>{};
  result.form = forms.size() > 1 || forms[chosen].test_harness ? forms[chosen].name : std::string();
  if (forms[chosen].test_harness && result.run) {
    result.failing_tests = failed_tests(result.run->stdout_text);
  }
  return result;
}

} // namespace snipcheck::check
