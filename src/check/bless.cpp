#include "check/bless.hpp"

#include "check/compare.hpp"
#include "check/expectation.hpp"
#include "check/result.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"
#include "util/toml_input.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <limits>
#include <sys/file.h>
#include <unistd.h>

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

bool passes(const Expectation& expectation, const Observed& observed, const std::string& fingerprint)
{
  auto fresh = expectation;
  fresh.stale = false; // a changed fingerprint is rewritten anyway
  return !is_failure(status_of(compare(fresh, observed, fingerprint)));
}

struct LineEdit
{
  int first, last; // 1-based, inclusive; first > last means insert before `first`
  std::vector<std::string> replacement;
  std::size_t sequence = 0;
};

} // namespace

BlessResult bless_file(const std::string& content, const std::filesystem::path& path,
                       const std::vector<BlessUpdate>& updates)
{
  const auto document = text::parse_toml_input(content, path, "malformed TOML, not blessed");
  auto lines = text::split_lines(content);
  const auto line_at = [&](int line) -> std::string& { return lines[static_cast<std::size_t>(line - 1)]; };
  BlessResult result;
  std::string appended;
  std::vector<LineEdit> edits;
  std::set<std::string> appended_ids;

  std::set<std::string> renamed_away; // ids whose entries move to other ids in this bless
  for (const auto& update : updates) {
    if (update.written_id && *update.written_id != update.id) {
      renamed_away.insert(*update.written_id);
    }
  }
  for (const auto& update : updates) {
    // The entry as the file holds it now: under the id it was written under;
    // else (another bless renamed or added it meanwhile) under today's id,
    // unless the entry there is the one moving away.
    std::string key;
    const toml::table* table = nullptr;
    const auto* today = renamed_away.contains(update.id) ? nullptr : &update.id;
    for (const auto* candidate : {update.written_id ? &*update.written_id : nullptr, today}) {
      if (candidate != nullptr && table == nullptr) {
        table = document.get_as<toml::table>(*candidate);
        key = *candidate;
      }
    }
    if (update.remove_entry) {
      if (table == nullptr) {
        continue; // already gone
      }
    } else if (table == nullptr) {
      if (!appended_ids.insert(update.id).second) {
        continue;
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
      fields.push_back(fmt::format("fingerprint = {}", toml_string(update.fingerprint)));
      appended += fmt::format("\n{}[{}]\n", update.comment.empty() ? "" : "# " + update.comment + "\n",
                              toml_string(update.id));
      for (const auto& field : fields) {
        appended += field + "\n";
      }
      result.changes.push_back(
          fmt::format("{}: added [\"{}\"]: {}", path.string(), update.id, fmt::join(fields, ", ")));
      continue;
    }
    // Edits are made on the lines below the entry's `["id"]` header; an entry
    // written as an inline table or with dotted keys ("id".expect = ...) has no
    // such lines, and editing around it would break the file.
    const int header_line = static_cast<int>(table->source().begin.line);
    if (table->is_inline() || header_line < 1 || header_line > static_cast<int>(lines.size()) ||
        !is_own_header(line_at(header_line), key)) {
      throw InputError(path, header_line,
                       fmt::format("[{}] is written inline or with dotted keys; bless only edits entries under "
                                   "their own [{}] header, so rewrite it as one",
                                   toml_string(key), toml_string(key)));
    }
    if (update.remove_entry) {
      // The comment lines right above the header belong to the entry too.
      int first = header_line;
      while (first > 1 && text::trim(line_at(first - 1)).starts_with('#')) {
        --first;
      }
      const int last = last_line_of(*table);
      std::string removed;
      for (int k = first; k <= last; ++k) {
        removed += "\n    " + line_at(k);
      }
      edits.push_back({first, last, {}});
      result.changes.push_back(fmt::format("{}:{}: removed [\"{}\"], whose listing is gone from the book; it said:{}",
                                           path.string(), header_line, key, removed));
      continue;
    }
    if (key != update.id) {
      // The listing moved: rename the entry's header and its sub-tables' headers.
      std::vector<int> headers{header_line};
      for (const auto& [field, node] : *table) {
        if (const auto* sub = node.as_table(); sub != nullptr && !sub->is_inline()) {
          headers.push_back(static_cast<int>(sub->source().begin.line));
        }
      }
      for (const int line : headers) {
        if (auto renamed = rename_header(line_at(line), update.id)) {
          edits.push_back({line, line, {*renamed}});
        }
      }
      result.changes.push_back(fmt::format("{}:{}: [\"{}\"] -> [\"{}\"] (the listing moved)", path.string(),
                                           header_line, key, update.id));
    }

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
      if (const auto* existing = table->get_as<toml::table>(cell); existing != nullptr && !existing->is_inline()) {
        throw InputError(path, static_cast<int>(existing->source().begin.line),
                         fmt::format("[{}.{}] is a table of its own; bless writes what differs per cell as an inline "
                                     "table, so rewrite it as {} = {{ ... }} inside [{}]",
                                     toml_string(key), cell, cell, toml_string(key)));
      }
      fields.push_back(cell_field(cell, record));
    }
    fields.push_back(string_field("fingerprint", update.fingerprint));

    int table_end = header_line;
    for (const auto& [field, node] : *table) {
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
      if (field.value && field.unchanged(*node)) {
        continue;
      }
      int first = 0;
      for (const auto& [name, value] : *table) {
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
      const auto before = current_text(lines, first, last, value_end);
      std::vector<std::string> replacement;
      if (field.value) {
        replacement.push_back(fmt::format("{}{} = {}{}", indent, field.key, *field.value, tail));
      } else if (const auto comment = tail.find('#'); comment != std::string::npos) {
        replacement.push_back(indent + tail.substr(comment)); // a removed field's comment stays, as a comment
      }
      edits.push_back({first, last, replacement});
      result.changes.push_back(fmt::format("{}: {}: {} {} -> {}", path.string(), update.id, field.key, before,
                                           field.value.value_or("(removed)")));
    }
  }
  for (std::size_t k = 0; k < edits.size(); ++k) {
    edits[k].sequence = k;
  }
  // Bottom-up so earlier line numbers stay valid; insertions at one place are
  // applied last-first so they keep their order.
  // At one line, a replacement goes first: a line inserted before it then stays.
  std::sort(edits.begin(), edits.end(), [](const LineEdit& a, const LineEdit& b) {
    const bool a_inserts = a.first > a.last;
    const bool b_inserts = b.first > b.last;
    if (a.first != b.first)
      return a.first > b.first;
    if (a_inserts != b_inserts)
      return b_inserts;
    return a.sequence > b.sequence;
  });
  int applied_above = std::numeric_limits<int>::max(); // first line of the last applied replacement
  for (const auto& edit : edits) {
    const auto begin = lines.begin() + (edit.first - 1);
    if (edit.first > edit.last) {
      lines.insert(begin, edit.replacement.begin(), edit.replacement.end());
    } else {
      if (edit.last >= applied_above) {
        continue; // inside a region already replaced (a removed entry's renamed header)
      }
      lines.erase(begin, lines.begin() + edit.last);
      lines.insert(lines.begin() + (edit.first - 1), edit.replacement.begin(), edit.replacement.end());
      applied_above = edit.first;
    }
  }
  auto joined = text::join_lines(lines) + appended;
  if (uses_crlf(content)) {
    std::string with_crlf;
    with_crlf.reserve(joined.size() + lines.size());
    for (const char c : joined) {
      with_crlf += c == '\n' ? "\r\n" : std::string(1, c);
    }
    joined = std::move(with_crlf);
  }
  result.content = std::move(joined);
  // Never hand back a file snipcheck would reject.
  try {
    parse_expectation_file(result.content, path);
  } catch (const InputError& error) {
    throw InputError(path, 0,
                     fmt::format("bless would write a file snipcheck rejects, so it writes nothing; please report "
                                 "this as a bug. The file would say: {}",
                                 error.what()));
  }
  return result;
}

BlessDecision decide_update(const book::Listing& listing, const Expectation& expectation, const Observed& observed)
{
  const bool annotated = !expectation.annotation_file.empty();
  BlessUpdate update;
  update.id = listing.id;
  update.fingerprint = listing.fingerprint();
  if (annotated) {
    update.written_id = expectation.moved_from.value_or(listing.id);
    // A fingerprint that still names this code (an older form, say) stays as written.
    if (expectation.recorded_fingerprint && listing.matches_fingerprint(*expectation.recorded_fingerprint)) {
      update.fingerprint = *expectation.recorded_fingerprint;
    }
  }
  const auto keep_entry = [&] { return annotated ? BlessDecision{update, {}} : BlessDecision{}; };
  if (expectation.outcome == Outcome::skip || expectation.outcome == Outcome::not_rust ||
      passes(expectation, observed, listing.fingerprint())) {
    return keep_entry();
  }

  // It behaves otherwise than expected: record what it does.
  auto fresh = expectation;
  fresh.stale = false;
  const auto verdict = compare(fresh, observed, listing.fingerprint());
  std::string refusal;
  const auto record = record_of(observed, refusal);
  if (!record) {
    return {std::nullopt, refusal};
  }
  const auto& recorded = record->expect;
  update.errors = record->errors;
  if (recorded == "run" && expectation.stdout_text) {
    update.stdout_text = observed.run->stdout_text; // only where a maintainer chose to pin it
  }
  // Written out even when the fence says the same: an entry that lists errors
  // must say compile-fail itself, or the file would be rejected.
  update.expect = recorded;
  if (recorded == "compile-fail") {
    const auto* mismatch = std::get_if<verdict::ErrorMismatch>(&verdict);
    update.remove_error_lines = mismatch != nullptr && !mismatch->unmatched.empty();
  } else {
    update.remove_errors = true;
    update.remove_erratum = recorded == "compile" || recorded == "run";
  }
  if (!annotated) {
    update.comment =
        recorded == "compile-fail"
            ? fmt::format("blessed: fails with [{}]; say why (reason) or record an erratum and its fix",
                          fmt::join(*update.errors, ", "))
            : fmt::format("blessed: the book says {}, it does {}; say why (reason) or record an erratum and its fix",
                          outcome_name(expectation.outcome), recorded);
  }
  return {update, {}};
}

std::optional<CellRecord> record_of(const Observed& observed, std::string& refusal)
{
  switch (observed.build) {
  case Observed::Build::not_built: refusal = "it was not built"; return std::nullopt;
  case Observed::Build::failed: return CellRecord{"compile-fail", observed.error_codes()};
  case Observed::Build::compiled:
    if (!observed.run) {
      return CellRecord{"compile", std::nullopt};
    }
    if (observed.run->status.kind == cargo::ExitStatus::Kind::timed_out) {
      refusal = "its program timed out; raise --timeout, or mark it `skip` with a reason";
      return std::nullopt;
    }
    return CellRecord{observed.run->status.success() ? "run" : "run-fail", std::nullopt};
  }
  return std::nullopt;
}

ExpectedFolderLock::ExpectedFolderLock(const std::filesystem::path& folder)
{
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  m_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (m_fd < 0) {
    throw Fatal(fmt::format("cannot open {} to lock it: {}", folder.string(), std::strerror(errno)));
  }
  while (::flock(m_fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      const auto error = errno;
      ::close(m_fd);
      throw Fatal(fmt::format("cannot lock {}: {}", folder.string(), std::strerror(error)));
    }
  }
}

ExpectedFolderLock::~ExpectedFolderLock()
{
  ::close(m_fd); // releases the lock
}

void remove_abandoned_temporaries(const std::filesystem::path& folder)
{
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const auto name = entry.path().filename().string();
    const auto marker = name.rfind(".tmp.");
    if (marker == std::string::npos || !name.substr(0, marker).ends_with(".toml")) {
      continue;
    }
    const auto pid_text = name.substr(marker + 5);
    if (pid_text.empty() || !std::all_of(pid_text.begin(), pid_text.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        pid_text.size() > 9) {
      continue;
    }
    const auto pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
}

} // namespace snipcheck::check
