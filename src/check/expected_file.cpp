// The maintainers' expected/chNN.toml files (README.md, "Expectation files"),
// read against one table of fields: a row names a field, whether it may differ
// per edition or toolchain cell, and how its value is read and checked
// (check/expected_values.hpp). What an entry must hold as a whole follows, as
// a table of entry rules.
#include "check/expectation.hpp"

#include "check/expected_values.hpp"
#include "util/edition.hpp"
#include "util/text.hpp"
#include "util/toml_input.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>

namespace snipcheck::check {

namespace {

using detail::Choices;
using detail::ProblemLog;
using detail::read_choice;
using detail::read_text;

// The names each choice field accepts, in the order its message lists them.
constexpr Choices<Outcome, 6> outcomes{"outcome",
                                       {{{"compile", Outcome::compile},
                                         {"compile-fail", Outcome::compile_fail},
                                         {"run", Outcome::run},
                                         {"run-fail", Outcome::run_fail},
                                         {"skip", Outcome::skip},
                                         {"not-rust", Outcome::not_rust}}}};
constexpr Choices<scratch::ElideMode, 3> elide_modes{
    "elide mode",
    {{{"todo", scratch::ElideMode::todo}, {"bodies", scratch::ElideMode::bodies}, {"none", scratch::ElideMode::none}}}};
constexpr Choices<scratch::WrapMode, 4> wrap_modes{"wrap mode",
                                                   {{{"auto", scratch::WrapMode::automatic},
                                                     {"main", scratch::WrapMode::main},
                                                     {"async-main", scratch::WrapMode::async_main},
                                                     {"none", scratch::WrapMode::none}}}};
constexpr Choices<scratch::CrateType, 3> crate_types{"crate-type",
                                                     {{{"bin", scratch::CrateType::bin},
                                                       {"lib", scratch::CrateType::lib},
                                                       {"proc-macro", scratch::CrateType::proc_macro}}}};
constexpr Choices<bool, 2> test_modes{
    "mode", {{{"program", false}, {"test", true}}}, "use program, or test: built as `cargo test` builds it, too"};

std::optional<std::string> edition_problem(std::string_view edition)
{
  return util::is_edition(edition) ? std::nullopt : std::optional(util::unknown_edition_message(edition));
}

// edition-20(15|18|21|24) | toolchain-[A-Za-z0-9._-]+, checked by hand: a
// 1 MB key overflowed std::regex's stack.
bool is_cell_key(std::string_view key)
{
  if (key.starts_with("edition-")) {
    return util::is_edition(key.substr(8));
  }
  if (!key.starts_with("toolchain-")) {
    return false;
  }
  const auto name = key.substr(10);
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  });
}

// --- the fields of an entry ---------------------------------------------------

enum class PerCell { no, yes }; // may the field differ in an edition-NNNN / toolchain-NAME table?

struct Field
{
  std::string_view name;
  PerCell per_cell;
  detail::ReadField read;
};

// Every field of an entry, in the order messages list them. The reader names
// the field's type: text, one of a set of names, error codes, line numbers, deps.
constexpr Field fields[] = {
    {"expect", PerCell::yes, read_choice<&Annotation::expect, outcomes>},
    {"errors", PerCell::yes, detail::read_error_codes},
    {"error-lines", PerCell::yes, detail::read_line_numbers},
    {"stdout", PerCell::yes, read_text<&Annotation::stdout_text>},
    {"edition", PerCell::no, read_text<&Annotation::edition, edition_problem>},
    {"prelude", PerCell::no, read_text<&Annotation::prelude>},
    {"epilogue", PerCell::no, read_text<&Annotation::epilogue>},
    {"deps", PerCell::no, detail::read_dependencies},
    {"elide", PerCell::no, read_choice<&Annotation::elide, elide_modes>},
    {"wrap", PerCell::no, read_choice<&Annotation::wrap, wrap_modes>},
    {"crate-type", PerCell::no, read_choice<&Annotation::crate_type, crate_types>},
    {"reason", PerCell::yes, read_text<&Annotation::reason>},
    {"erratum", PerCell::yes, read_text<&Annotation::erratum>},
    {"fix", PerCell::yes, read_text<&Annotation::fix>},
    {"fingerprint", PerCell::no, read_text<&Annotation::fingerprint>},
    {"mode", PerCell::no, read_choice<&Annotation::test_mode, test_modes>},
    {"fmt", PerCell::no, detail::read_switch<&Annotation::fmt>},
    {"allow", PerCell::no, detail::read_lint_names},
};

const Field* find_field(std::string_view name)
{
  const auto found = std::find_if(std::begin(fields), std::end(fields), [&](const Field& f) { return f.name == name; });
  return found == std::end(fields) ? nullptr : found;
}

// "expect, errors, error-lines, ...": every field, or those that may differ per cell.
enum class Which { all, per_cell };
std::string field_names(Which which)
{
  std::vector<std::string_view> names;
  for (const auto& field : fields) {
    if (which == Which::all || field.per_cell == PerCell::yes) {
      names.push_back(field.name);
    }
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

// What an entry must hold as a whole (not checked in a cell table, which
// refines its entry), in the order the problems are reported.
struct EntryRule
{
  bool (*broken)(const Annotation& annotation, Outcome outcome);
  std::string (*message)(const std::string& id, Outcome outcome);
};

constexpr EntryRule entry_rules[] = {
    {[](const Annotation& annotation, Outcome outcome) { return outcome == Outcome::skip && !annotation.reason; },
     [](const std::string& id, Outcome) {
       return fmt::format("[\"{}\"] is `skip` without a `reason`; say why it cannot be checked", id);
     }},
    {[](const Annotation& annotation, Outcome outcome) {
       return annotation.erratum && outcome != Outcome::compile_fail && outcome != Outcome::run_fail &&
              outcome != Outcome::skip;
     },
     [](const std::string& id, Outcome outcome) {
       return fmt::format("[\"{}\"] has an `erratum` but expects `{}`: an erratum records how the listing "
                          "fails today",
                          id, outcome_name(outcome));
     }},
    {[](const Annotation& annotation, Outcome) { return !annotation.allow.empty() && !annotation.reason; },
     [](const std::string& id, Outcome) {
       return fmt::format("[\"{}\"] has `allow` without a `reason`; say why the book shows this code", id);
     }},
    {[](const Annotation& annotation, Outcome) { return annotation.erratum && !annotation.fix; },
     [](const std::string& id, Outcome) { return fmt::format("[\"{}\"] has an `erratum` without a `fix`", id); }},
    {[](const Annotation& annotation, Outcome outcome) {
       return (annotation.errors || !annotation.error_lines.empty()) && outcome != Outcome::compile_fail;
     },
     [](const std::string& id, Outcome outcome) {
       return fmt::format("[\"{}\"] lists errors but expects `{}`", id, outcome_name(outcome));
     }},
};

void check_entry(ProblemLog& log, const std::string& id, const toml::table& table, const Annotation& annotation)
{
  const auto outcome = annotation.expect.value_or(Outcome::compile);
  for (const auto& rule : entry_rules) {
    if (rule.broken(annotation, outcome)) {
      log.problem(table.source(), rule.message(id, outcome));
    }
  }
}

// One entry, or (is_cell) one edition-NNNN / toolchain-NAME table of an entry.
Annotation parse_entry(ProblemLog& log, const std::string& id, const toml::table& table, bool is_cell = false)
{
  Annotation annotation;
  annotation.id = id;
  annotation.file = log.path();
  annotation.line = static_cast<int>(table.source().begin.line);
  for (const auto& [key, node] : table) {
    const auto name = key.str();
    if (!is_cell && is_cell_key(name)) {
      if (const auto* cell = node.as_table()) {
        annotation.cells.emplace(std::string(name), parse_entry(log, id, *cell, true));
      } else {
        log.problem(node.source(), fmt::format("`{}` must be a table of what differs in that cell, like "
                                               "{{ expect = \"compile-fail\", errors = [\"E0133\"] }}",
                                               name));
      }
      continue;
    }
    const auto* field = find_field(name);
    if (is_cell && (field == nullptr || field->per_cell == PerCell::no)) {
      log.problem(key.source(), fmt::format("`{}` cannot differ per edition or toolchain (these can: {})", name,
                                            field_names(Which::per_cell)));
    } else if (field == nullptr) {
      log.problem(key.source(), fmt::format("unknown field `{}` in [\"{}\"] (known: {}, and per-cell tables "
                                            "edition-NNNN / toolchain-NAME)",
                                            name, id, field_names(Which::all)));
    } else {
      field->read(log, name, node, annotation);
    }
  }
  if (!is_cell) {
    check_entry(log, id, table, annotation);
  }
  return annotation;
}

} // namespace

std::optional<Outcome> parse_outcome(std::string_view name)
{
  return outcomes.find(name);
}

std::string_view outcome_name(Outcome outcome)
{
  for (const auto& choice : outcomes.values) {
    if (choice.value == outcome) {
      return choice.name;
    }
  }
  return "compile";
}

Annotations parse_expectation_file(std::string_view content, const std::filesystem::path& path)
{
  if (auto bad_line = text::first_invalid_utf8_line(content)) {
    throw InputError(path, *bad_line, "invalid UTF-8");
  }
  const auto document = text::parse_toml_input(content, path);
  ProblemLog parser(path);
  Annotations annotations;
  for (const auto& [key, node] : document) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      parser.problem(key.source(),
                     fmt::format("`{}` must be a table keyed by a listing id, like [\"ch02/2.3-1\"]", key.str()));
      continue;
    }
    const std::string id(key.str());
    annotations.emplace(id, parse_entry(parser, id, *table));
  }
  if (!parser.problems().empty()) {
    // toml++ iterates keys in sorted order; report in the file's order.
    auto problems = parser.problems();
    std::stable_sort(problems.begin(), problems.end(),
                     [](const InputProblem& a, const InputProblem& b) { return a.line < b.line; });
    throw InputError(problems);
  }
  return annotations;
}

Annotations load_expectations(const std::filesystem::path& folder)
{
  Annotations all;
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    return all;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<InputProblem> problems;
  for (const auto& file : files) {
    try {
      for (auto& [id, annotation] : parse_expectation_file(text::read_file(file), file)) {
        const auto expected_file = fmt::format("{}.toml", id.substr(0, id.find('/')));
        if (id.find('/') != std::string::npos && file.filename() != expected_file) {
          problems.push_back({file, annotation.line, fmt::format("[\"{}\"] belongs in {}", id, expected_file)});
        }
        all.emplace(id, std::move(annotation));
      }
    } catch (const InputError& error) {
      problems.insert(problems.end(), error.problems().begin(), error.problems().end());
    }
  }
  if (!problems.empty()) {
    throw InputError(problems);
  }
  return all;
}

const Annotation* find_annotation(const Annotations& annotations, const std::string& id)
{
  const auto found = annotations.find(id);
  return found == annotations.end() ? nullptr : &found->second;
}

} // namespace snipcheck::check
