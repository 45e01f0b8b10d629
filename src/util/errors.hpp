#pragma once
// The two tiers of failure (after ccache's core/exceptions.hpp):
// - InputError: something the user wrote (book, expected/, config, command line)
//   is wrong; it names the file and line and maps to exit code 2.
// - Fatal: the environment failed (toolchain missing, cargo crashed, disk not
//   writable); it says what to do and maps to exit code 3.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace snipcheck {

// One problem in user input, located where the user can find it.
struct InputProblem
{
  std::filesystem::path file; // empty for command-line problems
  int line = 0;               // 1-based; 0 when the problem has no line
  std::string message;

  std::string to_string() const;
};

class InputError : public std::runtime_error
{
public:
  explicit InputError(std::vector<InputProblem> problems);
  InputError(std::filesystem::path file, int line, std::string message);

  const std::vector<InputProblem>& problems() const { return m_problems; }

private:
  std::vector<InputProblem> m_problems;
};

class Fatal : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

// Exit codes (docs/contract.md).
enum ExitCode : int {
  exit_ok = 0,
  exit_listing_failed = 1,
  exit_bad_input = 2,
  exit_environment = 3,
};

} // namespace snipcheck
