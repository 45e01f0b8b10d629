// Edits an expected/ file's text for bless, line by line (check/bless_file.hpp).
#include "check/bless_file.hpp"

#include "check/bless_text.hpp"

#include "check/expectation.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"
#include "util/toml_input.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <limits>

namespace snipcheck::check {

namespace {

using namespace bless_text;

struct LineEdit
{
  int first, last; // 1-based, inclusive; first > last means insert before `first`
  std::vector<std::string> replacement;
  std::size_t sequence = 0;
};

// The entry as the file holds it now, and the key it is written under.
struct Entry
{
  std::string key;
  const toml::table* table = nullptr;
};

// Gathers the edits of all updates on the file's lines, then applies them at once.
class FileEditor
{
public:
  FileEditor(const std::string& content, const std::filesystem::path& path)
    : m_content(content)
    , m_path(path)
    , m_document(text::parse_toml_input(content, path, "malformed TOML, not blessed"))
    , m_lines(text::split_lines(content))
  {}

  void apply(const std::vector<BlessUpdate>& updates);
  BlessResult finish();

private:
  std::string& line_at(int line) { return m_lines[static_cast<std::size_t>(line - 1)]; }
  Entry find_entry(const BlessUpdate& update, const std::set<std::string>& renamed_away) const;
  void append_entry(const BlessUpdate& update);
  int own_header_line(const Entry& entry);
  void remove_entry(const Entry& entry, int header_line);
  void rename_entry(const Entry& entry, int header_line, const std::string& new_id);
  std::vector<FieldEdit> field_edits(const BlessUpdate& update, const Entry& entry) const;
  void edit_field(const BlessUpdate& update, const Entry& entry, const FieldEdit& field, int table_end);
  std::string edited_text();

  const std::string& m_content;
  const std::filesystem::path& m_path;
  toml::table m_document;
  std::vector<std::string> m_lines;
  BlessResult m_result;
  std::string m_appended;
  std::vector<LineEdit> m_edits;
  std::set<std::string> m_appended_ids;
};

void FileEditor::apply(const std::vector<BlessUpdate>& updates)
{
  std::set<std::string> renamed_away; // ids whose entries move to other ids in this bless
  for (const auto& update : updates) {
    if (update.written_id && *update.written_id != update.id) {
      renamed_away.insert(*update.written_id);
    }
  }
  for (const auto& update : updates) {
    const auto entry = find_entry(update, renamed_away);
    if (entry.table == nullptr) {
      if (!update.remove_entry) {
        append_entry(update);
      }
      continue; // a removed entry already gone
    }
    const int header_line = own_header_line(entry);
    if (update.remove_entry) {
      remove_entry(entry, header_line);
      continue;
    }
    if (entry.key != update.id) {
      rename_entry(entry, header_line, update.id);
    }
    int table_end = header_line;
    for (const auto& [field, node] : *entry.table) {
      // A sub-table with its own header (["id".deps]) comes after the entry's
      // fields: a field added after it would land in the sub-table.
      if (const auto* sub = node.as_table(); sub != nullptr && !sub->is_inline()) {
        continue;
      }
      table_end = std::max(table_end, static_cast<int>(node.source().end.line));
    }
    for (const auto& field : field_edits(update, entry)) {
      edit_field(update, entry, field, table_end);
    }
  }
}

// Under the id it was written under; else (another bless renamed or added it
// meanwhile) under today's id, unless the entry there is the one moving away.
Entry FileEditor::find_entry(const BlessUpdate& update, const std::set<std::string>& renamed_away) const
{
  Entry entry;
  const auto* today = renamed_away.contains(update.id) ? nullptr : &update.id;
  for (const auto* candidate : {update.written_id ? &*update.written_id : nullptr, today}) {
    if (candidate != nullptr && entry.table == nullptr) {
      entry.table = m_document.get_as<toml::table>(*candidate);
      entry.key = *candidate;
    }
  }
  return entry;
}

void FileEditor::append_entry(const BlessUpdate& update)
{
  if (!m_appended_ids.insert(update.id).second) {
    return;
  }
  std::vector<std::string> fields;
  if (update.expect)
    fields.push_back(fmt::format("expect = {}", toml_string(*update.expect)));
  if (update.errors)
    fields.push_back(fmt::format("errors = {}", toml_string_array(*update.errors)));
  if (update.stdout_text)
    fields.push_back(fmt::format("stdout = {}", toml_string(*update.stdout_text)));
  for (const auto& [cell, record] : update.cells) {
    fields.push_back(fmt::format("{} = {}", cell, *cell_field(cell, record).value));
  }
  if (update.allow) {
    fields.push_back(fmt::format("allow = {}", toml_string_array(*update.allow)));
  }
  if (!update.reason_if_missing.empty()) {
    fields.push_back(fmt::format("reason = {}", toml_string(update.reason_if_missing)));
  }
  fields.push_back(fmt::format("fingerprint = {}", toml_string(update.fingerprint)));
  m_appended += fmt::format("\n{}[{}]\n", update.comment.empty() ? "" : "# " + update.comment + "\n",
                            toml_string(update.id));
  for (const auto& field : fields) {
    m_appended += field + "\n";
  }
  m_result.changes.push_back(
      fmt::format("{}: added [\"{}\"]: {}", m_path.string(), update.id, fmt::join(fields, ", ")));
}

// Edits are made on the lines below the entry's `["id"]` header; an entry
// written as an inline table or with dotted keys ("id".expect = ...) has no
// such lines, and editing around it would break the file.
int FileEditor::own_header_line(const Entry& entry)
{
  const int header_line = static_cast<int>(entry.table->source().begin.line);
  if (entry.table->is_inline() || header_line < 1 || header_line > static_cast<int>(m_lines.size()) ||
      !is_own_header(line_at(header_line), entry.key)) {
    throw InputError(m_path, header_line,
                     fmt::format("[{}] is written inline or with dotted keys; bless only edits entries under "
                                 "their own [{}] header, so rewrite it as one",
                                 toml_string(entry.key), toml_string(entry.key)));
  }
  return header_line;
}

void FileEditor::remove_entry(const Entry& entry, int header_line)
{
  // The comment lines right above the header belong to the entry too.
  int first = header_line;
  while (first > 1 && text::trim(line_at(first - 1)).starts_with('#')) {
    --first;
  }
  const int last = last_line_of(*entry.table);
  std::string removed;
  for (int k = first; k <= last; ++k) {
    removed += "\n    " + line_at(k);
  }
  m_edits.push_back({first, last, {}});
  m_result.changes.push_back(fmt::format("{}:{}: removed [\"{}\"], whose listing is gone from the book; it said:{}",
                                         m_path.string(), header_line, entry.key, removed));
}

// The listing moved: rename the entry's header and its sub-tables' headers.
void FileEditor::rename_entry(const Entry& entry, int header_line, const std::string& new_id)
{
  std::vector<int> headers{header_line};
  for (const auto& [field, node] : *entry.table) {
    if (const auto* sub = node.as_table(); sub != nullptr && !sub->is_inline()) {
      headers.push_back(static_cast<int>(sub->source().begin.line));
    }
  }
  for (const int line : headers) {
    if (auto renamed = rename_header(line_at(line), new_id)) {
      m_edits.push_back({line, line, {*renamed}});
    }
  }
  m_result.changes.push_back(fmt::format("{}:{}: [\"{}\"] -> [\"{}\"] (the listing moved)", m_path.string(),
                                         header_line, entry.key, new_id));
}

std::vector<FieldEdit> FileEditor::field_edits(const BlessUpdate& update, const Entry& entry) const
{
  std::vector<FieldEdit> fields;
  if (update.expect)
    fields.push_back(string_field("expect", *update.expect));
  if (update.errors)
    fields.push_back(set_field("errors", *update.errors));
  if (update.remove_errors)
    fields.push_back({"errors", std::nullopt});
  if (update.remove_errors || update.remove_error_lines)
    fields.push_back({"error-lines", std::nullopt});
  if (update.remove_erratum) {
    fields.push_back({"erratum", std::nullopt});
    fields.push_back({"fix", std::nullopt});
  }
  if (update.stdout_text)
    fields.push_back(string_field("stdout", *update.stdout_text));
  for (const auto& [cell, record] : update.cells) {
    if (const auto* existing = entry.table->get_as<toml::table>(cell); existing != nullptr && !existing->is_inline()) {
      throw InputError(m_path, static_cast<int>(existing->source().begin.line),
                       fmt::format("[{}.{}] is a table of its own; bless writes what differs per cell as an inline "
                                   "table, so rewrite it as {} = {{ ... }} inside [{}]",
                                   toml_string(entry.key), cell, cell, toml_string(entry.key)));
    }
    fields.push_back(cell_field(cell, record));
  }
  if (update.allow) {
    fields.push_back(set_field("allow", *update.allow));
  }
  if (!update.reason_if_missing.empty() && entry.table->get("reason") == nullptr) {
    fields.push_back(string_field("reason", update.reason_if_missing));
  }
  fields.push_back(string_field("fingerprint", update.fingerprint));
  return fields;
}

void FileEditor::edit_field(const BlessUpdate& update, const Entry& entry, const FieldEdit& field, int table_end)
{
  const auto* node = entry.table->get(field.key);
  if (node == nullptr) {
    if (field.value) {
      m_edits.push_back({table_end + 1, table_end, {fmt::format("{} = {}", field.key, *field.value)}});
      m_result.changes.push_back(fmt::format("{}: {}: {} = {}", m_path.string(), update.id, field.key, *field.value));
    }
    return;
  }
  if (field.value && field.unchanged(*node)) {
    return;
  }
  int first = 0;
  for (const auto& [name, value] : *entry.table) {
    if (name.str() == field.key) {
      first = static_cast<int>(name.source().begin.line);
    }
  }
  const int last = static_cast<int>(node->source().end.line);
  // Keep the field's indentation, and whatever follows the value on its
  // last line: a `# comment` the maintainer wrote there.
  const auto& first_line = line_at(first);
  const auto indent = first_line.substr(0, first_line.find_first_not_of(" \t"));
  const auto& last_line = line_at(last);
  const auto value_end =
      std::min(last_line.size(), byte_offset(last_line, static_cast<int>(node->source().end.column)));
  const auto tail = last_line.substr(value_end);
  const auto before = current_text(m_lines, first, last, value_end);
  std::vector<std::string> replacement;
  if (field.value) {
    replacement.push_back(fmt::format("{}{} = {}{}", indent, field.key, *field.value, tail));
  } else if (const auto comment = tail.find('#'); comment != std::string::npos) {
    replacement.push_back(indent + tail.substr(comment)); // a removed field's comment stays, as a comment
  }
  m_edits.push_back({first, last, replacement});
  m_result.changes.push_back(fmt::format("{}: {}: {} {} -> {}", m_path.string(), update.id, field.key, before,
                                         field.value.value_or("(removed)")));
}

// The lines with every edit made, the appended entries after them.
std::string FileEditor::edited_text()
{
  for (std::size_t k = 0; k < m_edits.size(); ++k) {
    m_edits[k].sequence = k;
  }
  // Bottom-up so earlier line numbers stay valid; insertions at one place are
  // applied last-first so they keep their order.
  // At one line, a replacement goes first: a line inserted before it then stays.
  std::sort(m_edits.begin(), m_edits.end(), [](const LineEdit& a, const LineEdit& b) {
    const bool a_inserts = a.first > a.last;
    const bool b_inserts = b.first > b.last;
    if (a.first != b.first)
      return a.first > b.first;
    if (a_inserts != b_inserts)
      return b_inserts;
    return a.sequence > b.sequence;
  });
  int applied_above = std::numeric_limits<int>::max(); // first line of the last applied replacement
  for (const auto& edit : m_edits) {
    const auto begin = m_lines.begin() + (edit.first - 1);
    if (edit.first > edit.last) {
      m_lines.insert(begin, edit.replacement.begin(), edit.replacement.end());
    } else {
      if (edit.last >= applied_above) {
        continue; // inside a region already replaced (a removed entry's renamed header)
      }
      m_lines.erase(begin, m_lines.begin() + edit.last);
      m_lines.insert(m_lines.begin() + (edit.first - 1), edit.replacement.begin(), edit.replacement.end());
      applied_above = edit.first;
    }
  }
  return text::join_lines(m_lines) + m_appended;
}

BlessResult FileEditor::finish()
{
  auto joined = edited_text();
  if (uses_crlf(m_content)) {
    std::string with_crlf;
    with_crlf.reserve(joined.size() + m_lines.size());
    for (const char c : joined) {
      with_crlf += c == '\n' ? "\r\n" : std::string(1, c);
    }
    joined = std::move(with_crlf);
  }
  m_result.content = std::move(joined);
  // Never hand back a file snipcheck would reject.
  try {
    parse_expectation_file(m_result.content, m_path);
  } catch (const InputError& error) {
    throw InputError(m_path, 0,
                     fmt::format("bless would write a file snipcheck rejects, so it writes nothing; please report "
                                 "this as a bug. The file would say: {}",
                                 error.what()));
  }
  return std::move(m_result);
}

} // namespace

BlessResult bless_file(const std::string& content, const std::filesystem::path& path,
                       const std::vector<BlessUpdate>& updates)
{
  FileEditor editor(content, path);
  editor.apply(updates);
  return editor.finish();
}

} // namespace snipcheck::check
