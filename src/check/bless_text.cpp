#include "check/bless_text.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace snipcheck::check::bless_text {

// A JSON string is a valid TOML basic string: "..." with \n, \" and \uXXXX escapes.
std::string toml_string(const std::string& value)
{
  return nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string toml_string_array(const std::set<std::string>& values)
{
  std::vector<std::string> quoted;
  for (const auto& value : values) {
    quoted.push_back(toml_string(value));
  }
  return fmt::format("[{}]", fmt::join(quoted, ", "));
}

// The value of a field as it stands in the file, for the change log: from
// after its `=` to where the value ends (a comment after it is not shown).
std::string current_text(const std::vector<std::string>& lines, int first, int last, std::size_t end_byte)
{
  std::string text;
  for (int k = first; k <= last; ++k) {
    std::string_view line = lines[static_cast<std::size_t>(k - 1)];
    if (k == last) {
      line = line.substr(0, std::min(end_byte, line.size()));
    }
    text += (k > first ? " " : "") + std::string(text::trim(line));
  }
  const auto equals = text.find('=');
  return equals == std::string::npos ? text : std::string(text::trim(std::string_view(text).substr(equals + 1)));
}

FieldEdit string_field(std::string key, const std::string& value)
{
  return {std::move(key), toml_string(value),
          [value](const toml::node& node) { return node.value<std::string>() == value; }};
}

FieldEdit set_field(std::string key, const std::set<std::string>& values)
{
  return {std::move(key), toml_string_array(values), [values](const toml::node& node) {
            const auto* array = node.as_array();
            if (array == nullptr) {
              return false;
            }
            std::set<std::string> current;
            for (const auto& element : *array) {
              current.insert(element.value<std::string>().value_or(""));
            }
            return current == values;
          }};
}

// `{ expect = "compile-fail", errors = ["E0133"] }`, and whether a node already says that.
FieldEdit cell_field(const std::string& key, const CellRecord& record)
{
  auto value = fmt::format("{{ expect = {}", toml_string(record.expect));
  if (record.errors) {
    value += fmt::format(", errors = {}", toml_string_array(*record.errors));
  }
  value += " }";
  return {key, value, [record](const toml::node& node) {
            const auto* table = node.as_table();
            if (table == nullptr || table->size() != (record.errors ? 2u : 1u) ||
                table->get("expect") == nullptr || table->get("expect")->value<std::string>() != record.expect) {
              return false;
            }
            return !record.errors || set_field("errors", *record.errors).unchanged(*table->get("errors"));
          }};
}

// Whether `line` is the entry's own `["id"]` header, not the header of a
// sub-table (`["id".deps]`) that defined the entry implicitly.
bool is_own_header(const std::string& line, const std::string& id)
{
  if (!text::trim(line).starts_with('[')) {
    return false;
  }
  toml::table header;
  try {
    header = toml::parse(line + "\n");
  } catch (const toml::parse_error&) {
    return false;
  }
  const auto* entry = header.get_as<toml::table>(id);
  return header.size() == 1 && entry != nullptr && entry->empty();
}

// The byte offset of 1-based column `column` (toml++ counts code points).
std::size_t byte_offset(const std::string& line, int column)
{
  std::size_t pos = 0;
  for (int k = 1; k < column && pos < line.size(); ++k) {
    ++pos;
    while (pos < line.size() && (static_cast<unsigned char>(line[pos]) & 0xC0) == 0x80) {
      ++pos;
    }
  }
  return pos;
}

// A header line with its first key, the entry's id, replaced: `["old".deps] # c` -> `["new".deps] # c`.
std::optional<std::string> rename_header(const std::string& line, const std::string& new_id)
{
  auto pos = text::skip_spaces(line, 0);
  if (pos >= line.size() || line[pos] != '[') {
    return std::nullopt;
  }
  pos = text::skip_spaces(line, pos + 1);
  if (pos >= line.size() || (line[pos] != '"' && line[pos] != '\'')) {
    return std::nullopt;
  }
  const char quote = line[pos];
  auto end = pos + 1;
  while (end < line.size() && line[end] != quote) {
    end += quote == '"' && line[end] == '\\' ? 2 : 1;
  }
  if (end >= line.size()) {
    return std::nullopt;
  }
  return line.substr(0, pos) + toml_string(new_id) + line.substr(end + 1);
}

// The last line of anything the entry holds, its sub-tables included.
int last_line_of(const toml::table& table)
{
  int last = static_cast<int>(table.source().begin.line);
  for (const auto& [key, node] : table) {
    if (const auto* sub = node.as_table(); sub != nullptr && !sub->is_inline()) {
      last = std::max(last, last_line_of(*sub));
    } else {
      last = std::max(last, static_cast<int>(node.source().end.line));
    }
  }
  return last;
}

bool uses_crlf(const std::string& content)
{
  const auto newline = content.find('\n');
  return newline != std::string::npos && newline > 0 && content[newline - 1] == '\r';
}

} // namespace snipcheck::check::bless_text
