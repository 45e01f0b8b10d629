// Commands as data: how one is shown, how a child ended, where a program is
// found, and the environment a child gets.
#include "cargo/child_setup.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <string_view>
#include <unistd.h>

extern char** environ;

namespace snipcheck::cargo {

std::string Command::display() const
{
  std::string text;
  for (const auto& [name, value] : set_env) {
    // What the caller's shell already has (PATH, HOME) would only hide what matters.
    const char* inherited = std::getenv(name.c_str());
    if (inherited == nullptr || value != inherited) {
      text += fmt::format("{}={} ", name, value);
    }
  }
  for (const auto& argument : argv) {
    if (!text.empty() && !text.ends_with(' ')) {
      text += ' ';
    }
    text += argument.find_first_of(" \"'$") == std::string::npos ? argument : fmt::format("'{}'", argument);
  }
  return text;
}

std::string ExitStatus::describe() const
{
  switch (kind) {
  case Kind::exited: return fmt::format("exit code {}", code);
  case Kind::signaled: return fmt::format("killed by signal {} ({})", signal, ::strsignal(signal));
  case Kind::timed_out: return "timed out";
  case Kind::output_limit: return "stopped: printed more than the output limit";
  case Kind::not_started: return "not started";
  }
  return "unknown";
}

std::vector<std::string> child_environment(const Command& command)
{
  std::map<std::string, std::string> variables;
  if (command.environment == Environment::inherit) {
    for (char** entry = environ; *entry != nullptr; ++entry) {
      std::string_view text(*entry);
      const auto equals = text.find('=');
      if (equals != std::string_view::npos) {
        variables.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
      }
    }
    for (const auto& name : command.unset_env) {
      variables.erase(name);
    }
  }
  for (const auto& [name, value] : command.set_env) {
    variables[name] = value;
  }
  std::vector<std::string> result;
  for (const auto& [name, value] : variables) {
    result.push_back(name + "=" + value);
  }
  return result;
}

std::filesystem::path find_executable(const std::string& name)
{
  if (name.find('/') != std::string::npos) {
    return ::access(name.c_str(), X_OK) == 0 ? std::filesystem::path(name) : std::filesystem::path();
  }
  const char* path = std::getenv("PATH");
  std::string_view directories = path != nullptr ? path : "/usr/bin:/bin";
  while (!directories.empty()) {
    const auto colon = directories.find(':');
    const auto directory = directories.substr(0, colon);
    if (!directory.empty()) {
      auto candidate = std::filesystem::path(directory) / name;
      if (::access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
    }
    if (colon == std::string_view::npos) {
      break;
    }
    directories.remove_prefix(colon + 1);
  }
  return {};
}

} // namespace snipcheck::cargo
