#pragma once
// How one field of an expected/ entry is read from its TOML value: a string,
// one of a fixed set of names, error codes, listing line numbers, or a
// dependency table. check/expected_file.cpp names which field reads which way.
// Problems are collected with file and line, not thrown, so a maintainer
// sees every problem of a file at once.

#include "check/expectation.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace snipcheck::check::detail {

// The problems found so far in one expected/ file.
class ProblemLog
{
public:
  explicit ProblemLog(const std::filesystem::path& path)
    : m_path(path)
  {}

  void problem(const toml::source_region& where, std::string message)
  {
    m_problems.push_back({m_path, static_cast<int>(where.begin.line), std::move(message)});
  }
  const std::vector<InputProblem>& problems() const { return m_problems; }
  const std::filesystem::path& path() const { return m_path; }

  // The node's string; else a problem "`field` must be a string".
  std::optional<std::string> string_field(const toml::node& node, std::string_view field)
  {
    if (auto value = node.value<std::string>()) {
      return *value;
    }
    problem(node.source(), fmt::format("`{}` must be a string", field));
    return std::nullopt;
  }

private:
  std::filesystem::path m_path;
  std::vector<InputProblem> m_problems;
};

// Reads `field`'s value `node` into the entry, logging what is wrong with it.
using ReadField = void (*)(ProblemLog& log, std::string_view field, const toml::node& node, Annotation& annotation);

// One allowed spelling of a field whose value is one of a fixed set.
template <typename T>
struct Choice
{
  std::string_view name;
  T value;
};

// The values a field may take and how a wrong one is reported:
// "unknown {what} `x` ({hint})"; the hint defaults to "use a, b or c".
template <typename T, std::size_t N>
struct Choices
{
  std::string_view what;
  std::array<Choice<T>, N> values;
  std::string_view hint = {};

  std::optional<T> find(std::string_view name) const
  {
    for (const auto& choice : values) {
      if (choice.name == name) {
        return choice.value;
      }
    }
    return std::nullopt;
  }

  std::string hint_text() const
  {
    if (!hint.empty()) {
      return std::string(hint);
    }
    std::string text = "use ";
    for (std::size_t k = 0; k < N; ++k) {
      text += k == 0 ? "" : k + 1 == N ? " or " : ", ";
      text += values[k].name;
    }
    return text;
  }
};

// The type of an Annotation member: std::optional when the field may be absent.
template <auto member>
using MemberType = std::remove_cvref_t<decltype(std::declval<Annotation&>().*member)>;

template <typename T>
constexpr bool is_optional = false;
template <typename T>
constexpr bool is_optional<std::optional<T>> = true;

// A check on a string's value: a problem message, or none.
using TextCheck = std::optional<std::string> (*)(std::string_view value);

// A string. A field with a default (`prelude`) reads a non-string as "".
template <auto member, TextCheck check = nullptr>
void read_text(ProblemLog& log, std::string_view field, const toml::node& node, Annotation& annotation)
{
  auto value = log.string_field(node, field);
  if constexpr (is_optional<MemberType<member>>) {
    annotation.*member = value;
  } else {
    annotation.*member = value.value_or("");
  }
  if constexpr (check != nullptr) {
    if (value) {
      if (auto message = check(*value)) {
        log.problem(node.source(), std::move(*message));
      }
    }
  }
}

// One of a fixed set of names. A field without a default (`expect`) stays
// unset when its value is not a string; one with a default reads it as "",
// which is reported as unknown too.
template <auto member, const auto& choices>
void read_choice(ProblemLog& log, std::string_view field, const toml::node& node, Annotation& annotation)
{
  const auto name = log.string_field(node, field);
  if (!name && is_optional<MemberType<member>>) {
    return;
  }
  const auto spelled = name.value_or("");
  if (const auto value = choices.find(spelled)) {
    annotation.*member = *value;
  } else {
    log.problem(node.source(), fmt::format("unknown {} `{}` ({})", choices.what, spelled, choices.hint_text()));
  }
}

// true or false.
template <auto member>
void read_switch(ProblemLog& log, std::string_view field, const toml::node& node, Annotation& annotation)
{
  if (const auto value = node.value<bool>()) {
    annotation.*member = *value;
  } else {
    log.problem(node.source(), fmt::format("`{}` must be true or false", field));
  }
}

// `errors = ["E0106", "unused_mut", "error"]`: rustc's codes, lint names, or any error.
void read_error_codes(ProblemLog& log, std::string_view field, const toml::node& node, Annotation& annotation);
// `error-lines = [2, 7]`: listing lines, from 1.
void read_line_numbers(ProblemLog& log, std::string_view field, const toml::node& node, Annotation& annotation);
// `allow`: lint names for `snipcheck lint`, each a string.
void read_lint_names(ProblemLog& log, std::string_view field, const toml::node& node, Annotation& annotation);
// `deps = { tokio = { version = "1", features = ["full"] }, anyhow = "1" }`
void read_dependencies(ProblemLog& log, std::string_view field, const toml::node& node, Annotation& annotation);

} // namespace snipcheck::check::detail
