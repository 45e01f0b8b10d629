// The one translation unit that includes Boost.Process (v2: pidfd-based
// waiting on Linux, asio for the output pipes and the timeout).
#include "cargo/process.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#define BOOST_PROCESS_USE_STD_FS 1
// Compile the library's out-of-line parts here, once (src.hpp below).
#define BOOST_PROCESS_V2_SEPARATE_COMPILATION 1
// Boost 1.81's process v2 headers use these without including them.
#include <boost/optional.hpp>
#include <boost/type_traits/remove_pointer.hpp>
#include <type_traits>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>
#include <boost/process/v2/src.hpp> // the out-of-line parts, compiled here once

#include <csignal>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace snipcheck::cargo {

namespace asio = boost::asio;
namespace bp = boost::process::v2;

namespace {

// Runs in the child between fork and exec: new process group, rlimits.
struct ChildSetup
{
  const Command* command;

  template<typename Launcher>
  bp::error_code on_exec_setup(Launcher&, const std::filesystem::path&, const char* const*&)
  {
    if (command->own_process_group) {
      ::setpgid(0, 0);
    }
    const auto limit = [](int resource, const std::optional<std::size_t>& value) {
      if (value) {
        rlimit bound{static_cast<rlim_t>(*value), static_cast<rlim_t>(*value)};
        ::setrlimit(resource, &bound);
      }
    };
    limit(RLIMIT_AS, command->limits.address_space_bytes);
    limit(RLIMIT_CPU, command->limits.cpu_seconds);
    limit(RLIMIT_FSIZE, command->limits.file_size_bytes);
    limit(RLIMIT_NPROC, command->limits.processes);
    return {};
  }
};

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

// Reads a pipe to its end, keeping at most `limit` bytes.
class CappedReader
{
public:
  CappedReader(asio::readable_pipe& pipe, std::string& sink, bool& truncated, std::size_t limit)
    : m_pipe(pipe), m_sink(sink), m_truncated(truncated), m_limit(limit)
  {
  }

  void start()
  {
    m_pipe.async_read_some(asio::buffer(m_chunk), [this](const bp::error_code& ec, std::size_t n) {
      const auto room = m_limit > m_sink.size() ? m_limit - m_sink.size() : 0;
      m_sink.append(m_chunk.data(), std::min(n, room));
      if (n > room) {
        m_truncated = true;
      }
      if (!ec) {
        start();
      }
    });
  }

private:
  asio::readable_pipe& m_pipe;
  std::string& m_sink;
  bool& m_truncated;
  std::size_t m_limit;
  std::array<char, 65536> m_chunk{};
};

class ProcessRunner : public CommandRunner
{
public:
  CommandResult run(const Command& command) override
  {
    CommandResult result;
    const auto started = std::chrono::steady_clock::now();
    auto executable = find_executable(command.argv.at(0));
    if (executable.empty()) {
      result.status.kind = ExitStatus::Kind::not_started;
      result.start_error = fmt::format("`{}` not found on PATH", command.argv.at(0));
      return result;
    }
    asio::io_context context;
    asio::readable_pipe out_pipe(context);
    asio::readable_pipe err_pipe(context);
    std::vector<std::string> arguments(command.argv.begin() + 1, command.argv.end());
    const auto environment = child_environment(command);
    std::optional<bp::process> child;
    try {
      child.emplace(context, executable, arguments, bp::process_stdio{nullptr, out_pipe, err_pipe},
                    bp::process_start_dir(command.working_dir.empty() ? std::filesystem::current_path()
                                                                      : command.working_dir),
                    bp::process_environment(environment), ChildSetup{&command});
    } catch (const std::exception& error) {
      result.status.kind = ExitStatus::Kind::not_started;
      result.start_error = error.what();
      return result;
    }
    const auto pid = child->id();
    CappedReader out_reader(out_pipe, result.out, result.out_truncated, command.output_limit);
    CappedReader err_reader(err_pipe, result.err, result.err_truncated, command.output_limit);
    out_reader.start();
    err_reader.start();

    bool timed_out = false;
    asio::steady_timer timer(context);
    if (command.timeout) {
      timer.expires_after(*command.timeout);
      timer.async_wait([&](const bp::error_code& ec) {
        if (!ec) {
          timed_out = true;
          kill_tree(pid, command.own_process_group);
        }
      });
    }
    int native_status = 0;
    child->async_wait([&](const bp::error_code&, int) {
      native_status = child->native_exit_code();
      timer.cancel();
      // Grandchildren may still hold the pipes open; end the group with the child.
      if (command.own_process_group) {
        ::kill(-pid, SIGKILL);
      }
    });
    context.run();
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (timed_out) {
      result.status.kind = ExitStatus::Kind::timed_out;
    } else if (WIFSIGNALED(native_status)) {
      result.status.kind = ExitStatus::Kind::signaled;
      result.status.signal = WTERMSIG(native_status);
    } else {
      result.status.kind = ExitStatus::Kind::exited;
      result.status.code = WEXITSTATUS(native_status);
    }
    child->detach();
    return result;
  }

private:
  static void kill_tree(int pid, bool group)
  {
    if (group) {
      ::kill(-pid, SIGKILL);
    }
    ::kill(pid, SIGKILL);
  }
};

} // namespace

std::string Command::display() const
{
  std::string text;
  for (const auto& [name, value] : set_env) {
    text += fmt::format("{}={} ", name, value);
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
  case Kind::not_started: return "not started";
  }
  return "unknown";
}

std::unique_ptr<CommandRunner> make_process_runner()
{
  return std::make_unique<ProcessRunner>();
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
