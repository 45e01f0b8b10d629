// The one translation unit that includes Boost.Process (v2: pidfd-based
// waiting on Linux, asio for the output pipes and the timeout).
#include "cargo/process.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>

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

#include <array>
#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <grp.h>
#include <sys/file.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace snipcheck::cargo {

namespace asio = boost::asio;
namespace bp = boost::process::v2;

namespace {

// Children alive now, by process group, so an interrupt can take them down.
std::array<std::atomic<int>, 16> g_running_groups{};
std::atomic<bool> g_sandbox_used{false};
std::atomic<unsigned> g_sandbox_uid{0};

void register_group(int pid)
{
  for (auto& slot : g_running_groups) {
    int expected = 0;
    if (slot.compare_exchange_strong(expected, pid)) {
      return;
    }
  }
}

void unregister_group(int pid)
{
  for (auto& slot : g_running_groups) {
    int expected = pid;
    slot.compare_exchange_strong(expected, 0);
  }
}

// Runs in the child between fork and exec: process group, namespaces,
// rlimits, then the unprivileged uid (last: it removes the right to do the rest).
struct ChildSetup
{
  const Command* command;

  template <typename Launcher>
  bp::error_code on_exec_setup(Launcher&, const std::filesystem::path&, const char* const*&)
  {
    if (command->own_process_group) {
      ::setpgid(0, 0);
    }
    if (command->sandbox.new_network_namespace) {
      if (::unshare(::geteuid() == 0 ? CLONE_NEWNET : CLONE_NEWUSER | CLONE_NEWNET) != 0) {
        return {errno, bp::system_category()};
      }
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
    if (command->sandbox.run_as_uid) {
      const auto id = *command->sandbox.run_as_uid;
      if (::setgroups(0, nullptr) != 0 || ::setgid(id) != 0 || ::setuid(id) != 0) {
        return {errno, bp::system_category()};
      }
    }
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
  CappedReader(asio::readable_pipe& pipe, std::string& sink, bool& truncated, std::size_t limit,
               std::function<void()> on_limit, std::function<void(std::string_view)> on_line = {})
    : m_pipe(pipe)
    , m_sink(sink)
    , m_truncated(truncated)
    , m_limit(limit)
    , m_on_limit(std::move(on_limit))
    , m_on_line(std::move(on_line))
  {}

  void start()
  {
    m_pipe.async_read_some(asio::buffer(m_chunk), [this](const bp::error_code& ec, std::size_t n) {
      const auto room = m_limit > m_sink.size() ? m_limit - m_sink.size() : 0;
      m_sink.append(m_chunk.data(), std::min(n, room));
      if (m_on_line) {
        for (auto end = m_sink.find('\n', m_line_start); end != std::string::npos;
             end = m_sink.find('\n', m_line_start)) {
          m_on_line(std::string_view(m_sink).substr(m_line_start, end - m_line_start));
          m_line_start = end + 1;
        }
      }
      if (n > room && !m_truncated) {
        m_truncated = true;
        if (m_on_limit) {
          m_on_limit();
        }
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
  std::function<void()> m_on_limit;
  std::function<void(std::string_view)> m_on_line;
  std::size_t m_line_start = 0;
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
      child.emplace(
          context, executable, arguments, bp::process_stdio{nullptr, out_pipe, err_pipe},
          bp::process_start_dir(command.working_dir.empty() ? std::filesystem::current_path() : command.working_dir),
          bp::process_environment(environment), ChildSetup{&command});
    } catch (const std::exception& error) {
      result.status.kind = ExitStatus::Kind::not_started;
      result.start_error = error.what();
      return result;
    }
    const auto pid = child->id();
    if (command.own_process_group) {
      register_group(pid);
    }
    if (command.sandbox.run_as_uid) {
      g_sandbox_uid = *command.sandbox.run_as_uid;
      g_sandbox_used = true;
    }
    bool output_limited = false;
    const auto stop_on_limit = [&] {
      if (command.kill_on_output_limit) {
        output_limited = true;
        kill_tree(pid, command.own_process_group);
      }
    };
    CappedReader out_reader(out_pipe, result.out, result.out_truncated, command.output_limit, stop_on_limit,
                            command.on_stdout_line);
    CappedReader err_reader(err_pipe, result.err, result.err_truncated, command.output_limit, stop_on_limit);
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
    if (command.own_process_group) {
      unregister_group(pid);
    }
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (timed_out) {
      result.status.kind = ExitStatus::Kind::timed_out;
    } else if (output_limited) {
      result.status.kind = ExitStatus::Kind::output_limit;
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
  case Kind::output_limit: return "stopped: printed more than the output limit";
  case Kind::not_started: return "not started";
  }
  return "unknown";
}

std::unique_ptr<CommandRunner> make_process_runner()
{
  return std::make_unique<ProcessRunner>();
}

unsigned sandbox_uid()
{
  static const unsigned uid = [] {
    constexpr unsigned base = 62000;
    for (unsigned candidate = 0; candidate < 1000; ++candidate) {
      const auto path = fmt::format("/tmp/snipcheck-sandbox-uid-{}.lock", base + candidate);
      const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      // Held until this process exits: the uid is ours alone meanwhile.
      if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
        return base + candidate;
      }
      if (fd >= 0) {
        ::close(fd);
      }
    }
    throw std::runtime_error("no free sandbox uid (1000 snipcheck runs at once?)");
  }();
  return uid;
}

bool network_isolation_available()
{
  static const bool available = [] {
    const pid_t child = ::fork();
    if (child == 0) {
      ::_exit(::unshare(::geteuid() == 0 ? CLONE_NEWNET : CLONE_NEWUSER | CLONE_NEWNET) == 0 ? 0 : 1);
    }
    int status = 0;
    return child > 0 && ::waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }();
  return available;
}

void kill_all_owned_by(unsigned uid)
{
  if (::geteuid() != 0) {
    return;
  }
  // kill(-1) from a process running as `uid` reaches exactly that uid's processes.
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setgid(uid) == 0 && ::setuid(uid) == 0) {
      ::kill(-1, SIGKILL);
    }
    ::_exit(0);
  }
  if (child > 0) {
    int status = 0;
    ::waitpid(child, &status, 0);
  }
}

namespace {
extern "C" void on_interrupt(int signal_number)
{
  for (auto& slot : g_running_groups) {
    const int pid = slot.load();
    if (pid > 0) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
    }
  }
  if (g_sandbox_used) {
    kill_all_owned_by(g_sandbox_uid.load());
  }
  ::signal(signal_number, SIG_DFL);
  ::_exit(128 + signal_number);
}
} // namespace

void install_interrupt_handler()
{
  struct sigaction action
  {
  };
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
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
