#include "check/expectation.hpp"
#include "util/edition.hpp"

#include "util/text.hpp"
#include "util/toml_input.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>

namespace snipcheck::check {

namespace {

constexpr std::string_view known_fields[] = {
    "expect", "errors", "error-lines", "stdout", "edition", "prelude", "epilogue",    "deps",
    "elide",  "wrap",   "crate-type",  "reason", "erratum", "fix",     "fingerprint", "mode",
};

constexpr std::string_view cell_fields[] = {
    "expect", "errors", "error-lines", "stdout", "reason", "erratum", "fix",
};

// Collects problems while one file is parsed, so the maintainer sees all at once.
class FileParser
{
public:
  FileParser(const std::filesystem::path& path)
    : m_path(path)
  {}

  void problem(const toml::source_region& where, std::string message)
  {
    m_problems.push_back({m_path, static_cast<int>(where.begin.line), std::move(message)});
  }
  const std::vector<InputProblem>& problems() const { return m_problems; }

  std::optional<std::string> string_field(const toml::node& node, std::string_view field)
  {
    if (auto value = node.value<std::string>()) {
      return *value;
    }
    problem(node.source(), fmt::format("`{}` must be a string", field));
    return std::nullopt;
  }

  Annotation parse_entry(const std::string& id, const toml::table& table, bool is_cell = false);

private:
  void parse_dependencies(const toml::node& node, Annotation& annotation);
  std::filesystem::path m_path;
  std::vector<InputProblem> m_problems;
};

// The checks on user text below are written by hand, not with std::regex:
// libstdc++'s regex executor recurses once per character it matches and
// overflows the stack on long input (fuzzing found it with a 1 MB error code,
// table key and listing line).

bool all_of_chars(std::string_view text, bool (*allowed)(char))
{
  return !text.empty() && std::all_of(text.begin(), text.end(), allowed);
}

bool is_ascii_digit(char c)
{
  return c >= '0' && c <= '9';
}

// E\d{4} | error | [a-z_]+
bool is_error_code(std::string_view code)
{
  if (code.size() == 5 && code[0] == 'E' && all_of_chars(code.substr(1), is_ascii_digit)) {
    return true;
  }
  return all_of_chars(code, [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

// edition-20(15|18|21|24) | toolchain-[A-Za-z0-9._-]+
bool is_cell_key(std::string_view key)
{
  if (key.starts_with("edition-")) {
    return util::is_edition(key.substr(8));
  }
  return key.starts_with("toolchain-") && all_of_chars(key.substr(10), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
         });
}

using text::is_word_char;
using text::skip_spaces;

// `word` at `pos`, ending at a word boundary.
bool word_at(std::string_view text, std::size_t pos, std::string_view word)
{
  const auto end = pos + word.size();
  return text.substr(pos).starts_with(word) && (end == text.size() || !is_word_char(text[end]));
}

// `//~^^ ERROR E0106` (compiletest): the first such marker on the line, as
// //~(\^*)\s*ERROR\b\s*(E\d{4})? would find it.
std::optional<InlineMarker> compiletest_marker(std::string_view line, int listing_line)
{
  for (auto at = line.find("//~"); at != std::string_view::npos; at = line.find("//~", at + 1)) {
    auto pos = at + 3;
    int carets = 0;
    while (pos < line.size() && line[pos] == '^') {
      ++carets;
      ++pos;
    }
    pos = skip_spaces(line, pos);
    if (!word_at(line, pos, "ERROR")) {
      continue;
    }
    pos = skip_spaces(line, pos + 5);
    InlineMarker marker{listing_line - carets, std::nullopt};
    const auto code = line.substr(pos, 5);
    if (code.size() == 5 && code[0] == 'E' && all_of_chars(code.substr(1), is_ascii_digit)) {
      marker.code = std::string(code);
    }
    return marker;
  }
  return std::nullopt;
}

// Where `// Error!` (or `// error:`, `// ERROR`) starts on the line, if anywhere.
// The word must be followed by `!` or `:` so a comment such as "// Error
// handling below" stays a comment.
std::optional<std::size_t> error_comment_position(std::string_view line)
{
  for (auto at = line.find("//"); at != std::string_view::npos; at = line.find("//", at + 1)) {
    const auto pos = skip_spaces(line, at + 2);
    if (word_at(line, pos, "Error") || word_at(line, pos, "ERROR") || word_at(line, pos, "error")) {
      const auto after = pos + 5;
      if (after < line.size() && (line[after] == '!' || line[after] == ':')) {
        return at;
      }
    }
  }
  return std::nullopt;
}

void FileParser::parse_dependencies(const toml::node& node, Annotation& annotation)
{
  const auto* table = node.as_table();
  if (table == nullptr) {
    problem(node.source(), "`deps` must be a table: deps = { tokio = { version = \"1\", features = [\"full\"] } }");
    return;
  }
  for (const auto& [name, spec] : *table) {
    Dependency dependency;
    dependency.name = std::string(name.str());
    if (auto version = spec.value<std::string>()) {
      dependency.version = *version;
    } else if (const auto* detail = spec.as_table()) {
      for (const auto& [key, value] : *detail) {
        if (key == "version") {
          dependency.version = string_field(value, "version").value_or("");
        } else if (key == "features") {
          const auto* features = value.as_array();
          if (features == nullptr) {
            problem(value.source(), "`features` must be an array of strings");
            continue;
          }
          for (const auto& feature : *features) {
            dependency.features.push_back(string_field(feature, "features").value_or(""));
          }
        } else if (key == "default-features") {
          if (auto flag = value.value<bool>()) {
            dependency.default_features = *flag;
          } else {
            problem(value.source(), "`default-features` must be true or false");
          }
        } else {
          problem(key.source(),
                  fmt::format("unknown dependency field `{}` (known: version, features, default-features)", key.str()));
        }
      }
    } else {
      problem(spec.source(), fmt::format("dependency `{}` must be a version string or a table", name.str()));
      continue;
    }
    if (dependency.version.empty()) {
      problem(spec.source(), fmt::format("dependency `{}` needs a version", name.str()));
    }
    annotation.deps.push_back(std::move(dependency));
  }
}

Annotation FileParser::parse_entry(const std::string& id, const toml::table& table, bool is_cell)
{
  Annotation annotation;
  annotation.id = id;
  annotation.file = m_path;
  annotation.line = static_cast<int>(table.source().begin.line);
  for (const auto& [key, node] : table) {
    const auto field = key.str();
    if (!is_cell && is_cell_key(field)) {
      if (const auto* cell = node.as_table()) {
        annotation.cells.emplace(std::string(field), parse_entry(id, *cell, true));
      } else {
        problem(node.source(), fmt::format("`{}` must be a table of what differs in that cell, like "
                                           "{{ expect = \"compile-fail\", errors = [\"E0133\"] }}",
                                           field));
      }
      continue;
    }
    if (is_cell && std::find(std::begin(cell_fields), std::end(cell_fields), field) == std::end(cell_fields)) {
      problem(key.source(), fmt::format("`{}` cannot differ per edition or toolchain (these can: {})", field,
                                        fmt::join(cell_fields, ", ")));
      continue;
    }
    if (std::find(std::begin(known_fields), std::end(known_fields), field) == std::end(known_fields)) {
      problem(key.source(), fmt::format("unknown field `{}` in [\"{}\"] (known: {}, and per-cell tables "
                                        "edition-NNNN / toolchain-NAME)",
                                        field, id, fmt::join(known_fields, ", ")));
      continue;
    }
    if (field == "expect") {
      if (auto name = string_field(node, field)) {
        annotation.expect = parse_outcome(*name);
        if (!annotation.expect) {
          problem(node.source(), fmt::format("unknown outcome `{}` (use compile, compile-fail, run, run-fail, "
                                             "skip or not-rust)",
                                             *name));
        }
      }
    } else if (field == "errors") {
      const auto* codes = node.as_array();
      if (codes == nullptr) {
        problem(node.source(), "`errors` must be an array of error codes, like [\"E0106\"]");
        continue;
      }
      annotation.errors.emplace();
      for (const auto& code : *codes) {
        auto text = string_field(code, field);
        if (text && !is_error_code(*text)) {
          problem(code.source(), fmt::format("`{}` is not an error code (E0106), a lint name, or \"error\"", *text));
        } else if (text) {
          annotation.errors->insert(*text);
        }
      }
    } else if (field == "error-lines") {
      const auto* lines = node.as_array();
      if (lines == nullptr) {
        problem(node.source(), "`error-lines` must be an array of listing line numbers");
        continue;
      }
      for (const auto& line : *lines) {
        // as_integer, not value<int64_t>: toml++ converts a float such as 7e106 with undefined behaviour.
        const auto* integer = line.as_integer();
        const auto number = integer != nullptr ? std::optional<int64_t>(integer->get()) : std::nullopt;
        if (!number || *number < 1) {
          problem(line.source(), "`error-lines` entries must be positive listing line numbers");
          continue;
        }
        annotation.error_lines.push_back(static_cast<int>(*number));
      }
    } else if (field == "stdout") {
      annotation.stdout_text = string_field(node, field);
    } else if (field == "edition") {
      annotation.edition = string_field(node, field);
      if (annotation.edition && !util::is_edition(*annotation.edition)) {
        problem(node.source(), util::unknown_edition_message(*annotation.edition));
      }
    } else if (field == "prelude") {
      annotation.prelude = string_field(node, field).value_or("");
    } else if (field == "epilogue") {
      annotation.epilogue = string_field(node, field).value_or("");
    } else if (field == "deps") {
      parse_dependencies(node, annotation);
    } else if (field == "elide") {
      const auto mode = string_field(node, field).value_or("");
      if (mode == "todo") {
        annotation.elide = scratch::ElideMode::todo;
      } else if (mode == "bodies") {
        annotation.elide = scratch::ElideMode::bodies;
      } else if (mode == "none") {
        annotation.elide = scratch::ElideMode::none;
      } else {
        problem(node.source(), fmt::format("unknown elide mode `{}` (use todo, bodies or none)", mode));
      }
    } else if (field == "wrap") {
      const auto mode = string_field(node, field).value_or("");
      if (mode == "auto") {
        annotation.wrap = scratch::WrapMode::automatic;
      } else if (mode == "main") {
        annotation.wrap = scratch::WrapMode::main;
      } else if (mode == "none") {
        annotation.wrap = scratch::WrapMode::none;
      } else if (mode == "async-main") {
        annotation.wrap = scratch::WrapMode::async_main;
      } else {
        problem(node.source(), fmt::format("unknown wrap mode `{}` (use auto, main, async-main or none)", mode));
      }
    } else if (field == "crate-type") {
      const auto type = string_field(node, field).value_or("");
      if (type == "bin") {
        annotation.crate_type = scratch::CrateType::bin;
      } else if (type == "lib") {
        annotation.crate_type = scratch::CrateType::lib;
      } else if (type == "proc-macro") {
        annotation.crate_type = scratch::CrateType::proc_macro;
      } else {
        problem(node.source(), fmt::format("unknown crate-type `{}` (use bin, lib or proc-macro)", type));
      }
    } else if (field == "reason") {
      annotation.reason = string_field(node, field);
    } else if (field == "erratum") {
      annotation.erratum = string_field(node, field);
    } else if (field == "fix") {
      annotation.fix = string_field(node, field);
    } else if (field == "fingerprint") {
      annotation.fingerprint = string_field(node, field);
    } else if (field == "mode") {
      const auto mode = string_field(node, field).value_or("");
      if (mode == "test" || mode == "program") {
        annotation.test_mode = mode == "test";
      } else {
        problem(node.source(), fmt::format("unknown mode `{}` (use program, or test: built as `cargo test` builds "
                                           "it, too)",
                                           mode));
      }
    }
  }
  if (is_cell) {
    return annotation; // checked as part of the entry it refines
  }
  const auto outcome = annotation.expect.value_or(Outcome::compile);
  const auto where = table.source();
  if (outcome == Outcome::skip && !annotation.reason) {
    problem(where, fmt::format("[\"{}\"] is `skip` without a `reason`; say why it cannot be checked", id));
  }
  if (annotation.erratum && outcome != Outcome::compile_fail && outcome != Outcome::run_fail &&
      outcome != Outcome::skip) {
    problem(where, fmt::format("[\"{}\"] has an `erratum` but expects `{}`: an erratum records how the listing "
                               "fails today",
                               id, outcome_name(outcome)));
  }
  if (annotation.erratum && !annotation.fix) {
    problem(where, fmt::format("[\"{}\"] has an `erratum` without a `fix`", id));
  }
  if ((annotation.errors || !annotation.error_lines.empty()) && outcome != Outcome::compile_fail) {
    problem(where, fmt::format("[\"{}\"] lists errors but expects `{}`", id, outcome_name(outcome)));
  }
  return annotation;
}

} // namespace

std::optional<Outcome> parse_outcome(std::string_view name)
{
  if (name == "compile")
    return Outcome::compile;
  if (name == "compile-fail")
    return Outcome::compile_fail;
  if (name == "run")
    return Outcome::run;
  if (name == "run-fail")
    return Outcome::run_fail;
  if (name == "skip")
    return Outcome::skip;
  if (name == "not-rust")
    return Outcome::not_rust;
  return std::nullopt;
}

std::string_view outcome_name(Outcome outcome)
{
  switch (outcome) {
  case Outcome::compile: return "compile";
  case Outcome::compile_fail: return "compile-fail";
  case Outcome::run: return "run";
  case Outcome::run_fail: return "run-fail";
  case Outcome::skip: return "skip";
  case Outcome::not_rust: return "not-rust";
  }
  return "compile";
}

Annotations parse_expectation_file(std::string_view content, const std::filesystem::path& path)
{
  if (auto bad_line = text::first_invalid_utf8_line(content)) {
    throw InputError(path, *bad_line, "invalid UTF-8");
  }
  const auto document = text::parse_toml_input(content, path);
  FileParser parser(path);
  Annotations annotations;
  for (const auto& [key, node] : document) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      parser.problem(key.source(),
                     fmt::format("`{}` must be a table keyed by a listing id, like [\"ch02/2.3-1\"]", key.str()));
      continue;
    }
    const std::string id(key.str());
    annotations.emplace(id, parser.parse_entry(id, *table));
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

std::vector<InlineMarker> find_inline_markers(const book::Listing& listing, book::Format format)
{
  std::vector<InlineMarker> markers;
  for (std::size_t k = 0; k < listing.lines.size(); ++k) {
    const std::string_view line = listing.lines[k].text;
    const int listing_line = static_cast<int>(k) + 1;
    if (auto marker = compiletest_marker(line, listing_line)) {
      markers.push_back(*marker);
      continue;
    }
    if (format == book::Format::markdown) {
      continue;
    }
    // `// Error!` after code claims an error there; on a commented-out line it claims nothing.
    if (const auto position = error_comment_position(line)) {
      const auto before = text::trim(line.substr(0, *position));
      if (!before.empty() && !before.starts_with("//")) {
        markers.push_back({listing_line, std::nullopt});
      }
    }
  }
  return markers;
}

namespace {

// The entry as it applies in one cell: per-cell fields over the entry's own.
Annotation annotation_in_cell(const Annotation& annotation, const Cell& cell)
{
  Annotation merged = annotation;
  for (const auto& key : {"edition-" + cell.edition, "toolchain-" + cell.toolchain}) {
    const auto found = annotation.cells.find(key);
    if (found == annotation.cells.end()) {
      continue;
    }
    const auto& differs = found->second;
    if (differs.expect) {
      merged.expect = differs.expect;
      if (*differs.expect != Outcome::compile_fail) {
        merged.errors.reset();
        merged.error_lines.clear();
      }
    }
    if (differs.errors)
      merged.errors = differs.errors;
    if (!differs.error_lines.empty())
      merged.error_lines = differs.error_lines;
    if (differs.stdout_text)
      merged.stdout_text = differs.stdout_text;
    if (differs.reason)
      merged.reason = differs.reason;
    if (differs.erratum)
      merged.erratum = differs.erratum;
    if (differs.fix)
      merged.fix = differs.fix;
  }
  return merged;
}

} // namespace

Expectation expectation_for(const book::Listing& listing, const Annotation* entry, book::Format format,
                            const Cell& cell, const std::set<std::string>& book_modules)
{
  std::optional<Annotation> in_cell;
  if (entry != nullptr) {
    in_cell = annotation_in_cell(*entry, cell);
  }
  const Annotation* annotation = in_cell ? &*in_cell : nullptr;
  Expectation expectation;
  expectation.required = find_inline_markers(listing, format);
  for (const auto& [name, keyword] : listing.declarations()) {
    expectation.declared_names.insert(name);
  }
  expectation.declared_names.insert(book_modules.begin(), book_modules.end());
  if (!listing.is_rust) {
    expectation.outcome = Outcome::not_rust;
    expectation.from = "default";
  } else if (format == book::Format::markdown) {
    const auto& fence = listing.fence;
    expectation.from = "fence";
    if (fence.ignore) {
      expectation.outcome = Outcome::skip;
      expectation.reason = "marked `ignore` in the book";
    } else if (fence.compile_fail) {
      expectation.outcome = Outcome::compile_fail;
      if (!fence.error_codes.empty()) {
        expectation.errors = std::set<std::string>(fence.error_codes.begin(), fence.error_codes.end());
      }
    } else if (fence.should_panic) {
      expectation.outcome = fence.no_run ? Outcome::compile : Outcome::run_fail;
    } else {
      expectation.outcome = fence.no_run ? Outcome::compile : Outcome::run;
    }
    if (fence.edition) {
      expectation.edition = fence.edition;
    }
  } else if (!expectation.required.empty()) {
    expectation.outcome = Outcome::compile_fail;
    expectation.from = "inline";
  } else {
    expectation.outcome = Outcome::compile;
    expectation.from = "default";
  }
  if (!expectation.required.empty() && listing.is_rust && expectation.outcome != Outcome::skip) {
    expectation.outcome = Outcome::compile_fail;
    if (expectation.from == "default") {
      expectation.from = "inline";
    }
  }

  if (annotation == nullptr) {
    return expectation;
  }
  expectation.from = annotation->file.parent_path().filename().string() + "/" + annotation->file.filename().string();
  if (annotation->expect) {
    expectation.outcome = *annotation->expect;
  }
  if (annotation->errors) {
    expectation.errors = annotation->errors;
  }
  for (const int line : annotation->error_lines) {
    expectation.required.push_back({line, std::nullopt});
  }
  if (expectation.outcome != Outcome::compile_fail) {
    expectation.required.clear();
    expectation.errors.reset();
  }
  if (annotation->stdout_text) {
    expectation.stdout_text = annotation->stdout_text;
  }
  if (annotation->edition) {
    expectation.edition = annotation->edition;
  }
  expectation.reason = annotation->reason;
  expectation.erratum = annotation->erratum;
  expectation.fix = annotation->fix;
  expectation.recorded_fingerprint = annotation->fingerprint;
  expectation.stale = annotation->fingerprint && !listing.matches_fingerprint(*annotation->fingerprint);
  expectation.annotation_file = annotation->file;
  expectation.annotation_line = annotation->line;
  if (annotation->id != listing.id) {
    expectation.moved_from = annotation->id;
  }
  expectation.wrap = {annotation->wrap, annotation->elide, annotation->crate_type, annotation->prelude,
                      annotation->epilogue};
  expectation.deps = annotation->deps;
  expectation.test_mode = annotation->test_mode;
  return expectation;
}

namespace {

// The chapter an entry belongs to: its id's `chNN/` prefix, else its file's name (chNN.toml).
std::optional<int> chapter_of(const Annotation& annotation)
{
  for (const std::string name : {annotation.id, annotation.file.stem().string()}) {
    if (name.size() >= 3 && name.starts_with("ch") && std::isdigit(static_cast<unsigned char>(name[2])) != 0) {
      std::size_t end = 2;
      while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end])) != 0 && end < 8) {
        ++end;
      }
      if (end == name.size() || name[end] == '/') {
        return std::stoi(name.substr(2, end - 2));
      }
    }
  }
  return std::nullopt;
}

} // namespace

MatchedAnnotations match_annotations(const Annotations& annotations, const book::Book& book)
{
  std::map<std::string, std::size_t> index_of; // listing id -> position in the book
  for (std::size_t k = 0; k < book.listings.size(); ++k) {
    index_of.emplace(book.listings[k].id, k);
  }
  MatchedAnnotations matched;
  std::vector<bool> claimed(book.listings.size(), false);
  const auto bind = [&](std::size_t index, const Annotation& annotation) {
    claimed[index] = true;
    matched.by_listing.emplace(book.listings[index].id, annotation);
  };
  const auto named = [&](const Annotation& annotation) -> std::optional<std::size_t> {
    const auto found = index_of.find(annotation.id);
    return found == index_of.end() ? std::nullopt : std::optional(found->second);
  };

  std::vector<const Annotation*> pending;
  for (const auto& [id, annotation] : annotations) {
    const auto index = named(annotation);
    if (index) {
      const auto& listing = book.listings[*index];
      if (book::has_explicit_id(listing) || !annotation.fingerprint ||
          listing.matches_fingerprint(*annotation.fingerprint)) {
        bind(*index, annotation);
        continue;
      }
    }
    pending.push_back(&annotation);
  }
  // Moved: the code it was written for stands under another id of its chapter.
  std::vector<const Annotation*> unmatched;
  for (const auto* annotation : pending) {
    const auto chapter = chapter_of(*annotation);
    const auto near = named(*annotation).value_or(0);
    std::optional<std::size_t> best;
    for (std::size_t k = 0; k < book.listings.size(); ++k) {
      const auto& listing = book.listings[k];
      if (claimed[k] || !annotation->fingerprint || (chapter && listing.chapter != *chapter) ||
          !listing.matches_fingerprint(*annotation->fingerprint)) {
        continue;
      }
      const auto distance = [near](std::size_t at) { return at > near ? at - near : near - at; };
      if (!best || distance(k) < distance(*best)) {
        best = k;
      }
    }
    if (best) {
      bind(*best, *annotation);
    } else {
      unmatched.push_back(annotation);
    }
  }
  // Changed in place: it stays on its id and is reported stale.
  for (const auto* annotation : unmatched) {
    const auto index = named(*annotation);
    if (index && !claimed[*index]) {
      bind(*index, *annotation);
      continue;
    }
    matched.orphan_entries.push_back(annotation);
    const auto chapter = chapter_of(*annotation);
    matched.orphans.push_back(
        {annotation->file, annotation->line,
         fmt::format("[\"{}\"] matches no listing of {}: {}{}; delete the entry (`snipcheck bless` removes it and "
                     "prints what it said), or give the listing its id with a fence attribute `id=NAME`",
                     annotation->id, book.path.string(),
                     index ? "its id now names other code, claimed by the entry that moved there"
                           : "no listing has that id (a typo, or the listing was removed)",
                     annotation->fingerprint
                         ? fmt::format(", and no listing{} has the code it was written for (fingerprint {})",
                                       chapter ? fmt::format(" of chapter {}", *chapter) : std::string(),
                                       *annotation->fingerprint)
                         : std::string())});
  }
  std::stable_sort(matched.orphans.begin(), matched.orphans.end(),
                   [](const InputProblem& a, const InputProblem& b) {
                     return a.file != b.file ? a.file < b.file : a.line < b.line;
                   });
  return matched;
}

std::vector<InputProblem> orphan_annotations(const Annotations& annotations, const book::Book& book)
{
  return match_annotations(annotations, book).orphans;
}

std::optional<std::string> moved_note(const book::Listing& listing, const Expectation& expectation)
{
  if (!expectation.moved_from) {
    return std::nullopt;
  }
  return fmt::format("{}: its entry is still written as [\"{}\"] ({}:{}): the listing moved (blocks were inserted "
                     "or removed before it) and the entry followed its code; `snipcheck bless` rewrites the id",
                     listing.id, *expectation.moved_from, expectation.from, expectation.annotation_line);
}

} // namespace snipcheck::check
