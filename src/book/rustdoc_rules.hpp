#pragma once
// rustdoc's rules for one Markdown code block, shared by the Markdown reader:
// what the fence's info string means (LangString::parse in rust-lang/rust
// src/librustdoc/html/markdown.rs, as rustdoc 1.95 behaves) and which code
// lines are hidden `# ` lines. Notes and the behaviour table: docs/rustdoc-rules.md.

#include "book/listing.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snipcheck::book {

// An info string, read the way stable `rustdoc --test` reads it.
struct LangString
{
  bool is_rust = true; // rustdoc would make this block a doctest
  FenceAttributes attributes;
  bool standalone_crate = false;
  std::optional<std::string> id;           // snipcheck's own `id=NAME` / `{id=NAME}`
  std::vector<std::string> unknown;        // tokens rustdoc does not know, in order
  std::vector<std::string> ignore_targets; // from `ignore-<target>`
  bool malformed = false;                  // rustdoc's tokenizer rejected the string
};

// `host_target` decides `ignore-<target>` (ignored when a target is a
// substring of it, as rustdoc does); error codes are collected although stable
// rustdoc does not check them, because snipcheck does.
LangString parse_lang_string(std::string_view info, std::string_view host_target);
LangString parse_lang_string(std::string_view info); // for the host snipcheck runs on

// The target triple this binary was built for, e.g. "x86_64-unknown-linux-gnu".
std::string_view host_target_triple();

// One line of a Rust code block: `# x` and `#` are hidden (compiled, not
// shown), `##x` shows as `#x`, `#[` and `#![` are ordinary code.
struct CodeLine
{
  std::string text;
  bool hidden = false;
};
CodeLine map_code_line(std::string_view line);

} // namespace snipcheck::book
