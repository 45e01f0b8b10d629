#pragma once
// A CommandRunner that replays captured cargo output instead of running cargo.
#include "cargo/process.hpp"
#include "util/text.hpp"

#include <functional>
#include <vector>

namespace snipcheck::testing {

class FakeRunner : public cargo::CommandRunner
{
public:
  using Handler = std::function<cargo::CommandResult(const cargo::Command&)>;
  explicit FakeRunner(Handler handler)
    : m_handler(std::move(handler))
  {}

  cargo::CommandResult run(const cargo::Command& command) override
  {
    commands.push_back(command);
    return m_handler(command);
  }

  std::vector<cargo::Command> commands;

private:
  Handler m_handler;
};

inline cargo::CommandResult exited(int code, std::string out = {}, std::string err = {})
{
  cargo::CommandResult result;
  result.status = {cargo::ExitStatus::Kind::exited, code, 0};
  result.out = std::move(out);
  result.err = std::move(err);
  return result;
}

inline std::string replace_all(std::string text, const std::string& from, const std::string& to)
{
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

} // namespace snipcheck::testing
