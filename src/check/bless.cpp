#include "check/bless.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"
#include "util/toml_input.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <functional>

#include <algorithm>
#include <sstream>

namespace snipcheck::check {

namespace {

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

// The text of a field as it stands in the file, for the change log.
std::string current_text(const std::vector<std::string>& lines, int first, int last)
{
  std::string text;
  for (int k = first; k <= last; ++k) {
    text += (k > first ? " " : "") + std::string(text::trim(lines[static_cast<std::size_t>(k - 1)]));
  }
  const auto equals = text.find('=');
  return equals == std::string::npos ? text : std::string(text::trim(std::string_view(text).substr(equals + 1)));
}

struct FieldEdit
{
  std::string key;
  std::optional<std::string> value; // rendered TOML; none: remove the field
  std::function<bool(const toml::node&)> unchanged = [](const toml::node&) { return false; };
};

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

} // namespace

BlessResult bless_file(const std::string& content, const std::filesystem::path& path,
                       const std::vector<BlessUpdate>& updates)
{
  const auto document = text::parse_toml_input(content, path, "malformed TOML, not blessed");
  auto lines = text::split_lines(content);
  BlessResult result;
  std::string appended;

  // Edits go bottom-up so earlier line numbers stay valid.
  struct LineEdit
  {
    int first, last; // 1-based, inclusive; first > last means insert before `first`
    std::vector<std::string> replacement;
    std::size_t sequence = 0;
  };
  std::vector<LineEdit> edits;

  for (const auto& update : updates) {
    std::vector<FieldEdit> fields;
    if (update.expect)
      fields.push_back(string_field("expect", *update.expect));
    if (update.errors)
      fields.push_back(set_field("errors", *update.errors));
    if (update.remove_errors) {
      fields.push_back({"errors", std::nullopt});
      fields.push_back({"error-lines", std::nullopt});
    }
    if (update.stdout_text)
      fields.push_back(string_field("stdout", *update.stdout_text));
    fields.push_back(string_field("fingerprint", update.fingerprint));

    const auto* table = document.get_as<toml::table>(update.id);
    if (table == nullptr) {
      appended +=
          fmt::format("\n{}[{}]\n", update.comment.empty() ? "" : "# " + update.comment + "\n", toml_string(update.id));
      for (const auto& field : fields) {
        if (field.value) {
          appended += fmt::format("{} = {}\n", field.key, *field.value);
        }
      }
      result.changes.push_back(fmt::format("{}: added [\"{}\"]", path.string(), update.id));
      continue;
    }
    // Edits are made on the lines below the entry's `["id"]` header; an entry
    // written as an inline table or with dotted keys ("id".expect = ...) has no
    // such lines, and editing around it would break the file.
    const int header_line = static_cast<int>(table->source().begin.line);
    if (table->is_inline() || header_line < 1 || header_line > static_cast<int>(lines.size()) ||
        !is_own_header(lines[static_cast<std::size_t>(header_line - 1)], update.id)) {
      throw InputError(path, header_line,
                       fmt::format("[{}] is written inline or with dotted keys; bless only edits entries under "
                                   "their own [{}] header, so rewrite it as one",
                                   toml_string(update.id), toml_string(update.id)));
    }
    int table_end = header_line;
    for (const auto& [key, node] : *table) {
      // A sub-table with its own header (["id".deps]) comes after the entry's
      // fields: a field added after it would land in the sub-table.
      if (const auto* sub = node.as_table(); sub != nullptr && !sub->is_inline()) {
        continue;
      }
      table_end = std::max(table_end, static_cast<int>(node.source().end.line));
    }
    for (const auto& field : fields) {
      const auto* node = table->get(field.key);
      if (node == nullptr) {
        if (field.value) {
          edits.push_back({table_end + 1, table_end, {fmt::format("{} = {}", field.key, *field.value)}});
          result.changes.push_back(fmt::format("{}: {}: {} = {}", path.string(), update.id, field.key, *field.value));
        }
        continue;
      }
      int first = 0;
      for (const auto& [key, value] : *table) {
        if (key.str() == field.key) {
          first = static_cast<int>(key.source().begin.line);
        }
      }
      const int last = static_cast<int>(node->source().end.line);
      if (field.value && field.unchanged(*node)) {
        continue;
      }
      const auto before = current_text(lines, first, last);
      // Keep the field's indentation and any comment after a one-line value.
      const auto& first_line = lines[static_cast<std::size_t>(first - 1)];
      const auto indent = first_line.substr(0, first_line.find_first_not_of(" \t"));
      std::vector<std::string> replacement;
      if (field.value) {
        replacement.push_back(fmt::format("{}{} = {}", indent, field.key, *field.value));
      }
      edits.push_back({first, last, replacement});
      result.changes.push_back(fmt::format("{}: {}: {} {} -> {}", path.string(), update.id, field.key, before,
                                           field.value.value_or("(removed)")));
    }
  }
  for (std::size_t k = 0; k < edits.size(); ++k) {
    edits[k].sequence = k;
  }
  // Bottom-up; insertions at one place are applied last-first so they keep their order.
  std::sort(edits.begin(), edits.end(), [](const LineEdit& a, const LineEdit& b) {
    return a.first != b.first ? a.first > b.first : a.sequence > b.sequence;
  });
  for (const auto& edit : edits) {
    const auto begin = lines.begin() + (edit.first - 1);
    if (edit.first > edit.last) {
      lines.insert(begin, edit.replacement.begin(), edit.replacement.end());
    } else {
      lines.erase(begin, lines.begin() + edit.last);
      lines.insert(lines.begin() + (edit.first - 1), edit.replacement.begin(), edit.replacement.end());
    }
  }
  result.content = text::join_lines(lines) + appended;
  return result;
}

} // namespace snipcheck::check
