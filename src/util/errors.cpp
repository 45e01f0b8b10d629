#include "util/errors.hpp"

#include <fmt/format.h>

namespace snipcheck {

std::string InputProblem::to_string() const
{
  if (file.empty()) {
    return message;
  }
  if (line > 0) {
    return fmt::format("{}:{}: {}", file.string(), line, message);
  }
  return fmt::format("{}: {}", file.string(), message);
}

namespace {
std::string join_problems(const std::vector<InputProblem>& problems)
{
  std::string text;
  for (const auto& problem : problems) {
    if (!text.empty()) {
      text += '\n';
    }
    text += problem.to_string();
  }
  return text;
}
} // namespace

InputError::InputError(std::vector<InputProblem> problems)
  : std::runtime_error(join_problems(problems))
  , m_problems(std::move(problems))
{}

InputError::InputError(std::filesystem::path file, int line, std::string message)
  : InputError(std::vector<InputProblem>{{std::move(file), line, std::move(message)}})
{}

} // namespace snipcheck
