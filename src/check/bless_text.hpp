#pragma once
// The pieces of TOML text bless writes and the places in a file it edits
// (check/bless_file.cpp): values rendered as TOML, and where a field's value
// or an entry's header stands in the file's lines.

#include "check/bless_file.hpp"

#include <toml++/toml.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace snipcheck::check::bless_text {

// A TOML basic string: "..." with \n, \" and \uXXXX escapes.
std::string toml_string(const std::string& value);
std::string toml_string_array(const std::set<std::string>& values);

// One field to write: its value, and whether a node in the file already says it.
struct FieldEdit
{
  std::string key;
  std::optional<std::string> value; // rendered TOML; none: remove the field
  std::function<bool(const toml::node&)> unchanged = [](const toml::node&) { return false; };
};
FieldEdit string_field(std::string key, const std::string& value);
FieldEdit set_field(std::string key, const std::set<std::string>& values);
// `{ expect = "compile-fail", errors = ["E0133"] }`.
FieldEdit cell_field(const std::string& key, const CellRecord& record);

// The value of a field as it stands in lines `first`..`last` (1-based), up to
// `end_byte` of the last: for the change log.
std::string current_text(const std::vector<std::string>& lines, int first, int last, std::size_t end_byte);
// Whether `line` is the entry's own `["id"]` header, not the header of a
// sub-table (`["id".deps]`) that defined the entry implicitly.
bool is_own_header(const std::string& line, const std::string& id);
// The byte offset of 1-based column `column` (toml++ counts code points).
std::size_t byte_offset(const std::string& line, int column);
// A header line with its first key, the entry's id, replaced: `["old".deps] # c` -> `["new".deps] # c`.
std::optional<std::string> rename_header(const std::string& line, const std::string& new_id);
// The last line of anything the entry holds, its sub-tables included.
int last_line_of(const toml::table& table);
bool uses_crlf(const std::string& content);

} // namespace snipcheck::check::bless_text
