// The one translation unit that includes Boost.Process (v2: pidfd-based
// waiting on Linux, asio for the output pipes and the timeout): starting a
// child, its output, its time limit and interrupts; snipcheck's side of a run
// helper (run_helper.hpp). What the child does between fork and exec is in
// child_setup.cpp.
#include "cargo/process.hpp"

#include "cargo/child_setup.hpp"
#include "cargo/run_helper.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>

#include <functional>

#define BOOST_PROCESS_USE_STD_FS 1
// Compile the library's out-of-line parts here, once (src.hpp below).
#define BOOST_PROCESS_V2_SEPARATE_COMPILATION 1
// Boost 1.81's process v2 headers use these without including them.
#include <boost/optional.hpp>
#include <boost/type_traits/remove_pointer.hpp>
#include <type_traits>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>
#include <boost/process/v2/src.hpp> // the out-of-line parts, compiled here once

#include <algorithm>
#include <array>
#include <csignal>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace snipcheck::cargo {

namespace asio = boost::asio;
namespace bp = boost::process::v2;

namespace {

// Set by the signal handler, read by every runner (ninja's SubprocessSet way:
// the handler does nothing else).
volatile std::sig_atomic_t g_interrupt_signal = 0;

extern "C" void on_interrupt(int signal_number)
{
  g_interrupt_signal = signal_number;
}

// Runs in the child between fork and exec: its own process group, death with
// the snipcheck thread that started it, then the sandbox (child_setup.hpp).
struct ChildSetup
{
  const Command* command;
  const IsolationPlan* plan; // null: no isolation
  pid_t parent;

  template <typename Launcher>
  bp::error_code on_exec_setup(Launcher& launcher, const std::filesystem::path&, const char* const*&)
  {
    if (command->own_process_group) {
      ::setpgid(0, 0);
    }
    // Die with the snipcheck thread that started us, even when it is SIGKILLed.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {
      ::_exit(127);
    }
    const int error =
        plan != nullptr ? enter_isolation(*command, *plan, launcher.fd_whitelist.back()) : prepare_child(*command);
    return error == 0 ? bp::error_code() : bp::error_code(error, bp::system_category());
  }
};

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
      } else if (m_on_end) {
        m_on_end();
      }
    });
  }

  void on_end(std::function<void()> callback) { m_on_end = std::move(callback); }

private:
  asio::readable_pipe& m_pipe;
  std::string& m_sink;
  bool& m_truncated;
  std::size_t m_limit;
  std::function<void()> m_on_limit;
  std::function<void(std::string_view)> m_on_line;
  std::function<void()> m_on_end;
  std::size_t m_line_start = 0;
  std::array<char, 65536> m_chunk{};
};

// How long output may still arrive after the child ended: a leftover that
// escaped the process group (only possible without isolation) cannot hold the run.
constexpr std::chrono::milliseconds drain_time{500};
constexpr std::chrono::milliseconds interrupt_poll{50};

// One child from its start to the end of its output: the pipes, the time
// limit, the watch for interrupts, and how it ended.
class ChildRun
{
public:
  ChildRun(const Command& command, CommandResult& result)
    : m_command(command)
    , m_result(result)
    , m_out_reader(
          m_out_pipe, result.out, result.out_truncated, command.output_limit, [this] { stop_on_limit(); },
          command.on_stdout_line)
    , m_err_reader(m_err_pipe, result.err, result.err_truncated, command.output_limit, [this] { stop_on_limit(); })
  {}

  // Starts the program; false, with the reason in the result, when it cannot be started.
  bool start(const std::filesystem::path& executable, const IsolationPlan* plan)
  {
    std::vector<std::string> arguments(m_command.argv.begin() + 1, m_command.argv.end());
    const auto environment = child_environment(m_command);
    const bool isolated = plan != nullptr;
    try {
      m_child.emplace(m_context, executable, arguments, bp::process_stdio{nullptr, m_out_pipe, m_err_pipe},
                      bp::process_start_dir(m_command.working_dir.empty() || isolated ? std::filesystem::current_path()
                                                                                      : m_command.working_dir),
                      bp::process_environment(environment), ChildSetup{&m_command, plan, ::getpid()});
    } catch (const std::exception& error) {
      m_result.status.kind = ExitStatus::Kind::not_started;
      m_result.start_error = error.what();
      return false;
    }
    m_pid = m_child->id();
    return true;
  }

  // Reads its output until the child ended and its pipes are drained, killing
  // it at the time limit, the output limit (when asked) or an interrupt.
  void wait()
  {
    read_output();
    arm_timeout();
    watch_for_interrupt();
    m_child->async_wait([this](const bp::error_code&, int) { on_exit(); });
    m_context.run();
  }

  void detach() { m_child->detach(); }
  bool interrupted() const { return m_interrupted; }

  ExitStatus status() const
  {
    ExitStatus status;
    if (m_timed_out) {
      status.kind = ExitStatus::Kind::timed_out;
    } else if (m_output_limited) {
      status.kind = ExitStatus::Kind::output_limit;
    } else if (WIFSIGNALED(m_native_status)) {
      status.kind = ExitStatus::Kind::signaled;
      status.signal = WTERMSIG(m_native_status);
    } else {
      status.kind = ExitStatus::Kind::exited;
      status.code = WEXITSTATUS(m_native_status);
    }
    return status;
  }

private:
  void kill_tree() const
  {
    if (m_command.own_process_group) {
      ::kill(-m_pid, SIGKILL);
    }
    ::kill(m_pid, SIGKILL);
  }

  void stop_on_limit()
  {
    if (m_command.kill_on_output_limit) {
      m_output_limited = true;
      kill_tree();
    }
  }

  void read_output()
  {
    const auto pipe_ended = [this] {
      if (--m_open_pipes == 0) {
        m_drain.cancel(); // all output is in
      }
    };
    m_out_reader.on_end(pipe_ended);
    m_err_reader.on_end(pipe_ended);
    m_out_reader.start();
    m_err_reader.start();
  }

  void arm_timeout()
  {
    if (!m_command.timeout) {
      return;
    }
    m_timer.expires_after(*m_command.timeout);
    m_timer.async_wait([this](const bp::error_code& ec) {
      if (!ec) {
        m_timed_out = true;
        kill_tree();
      }
    });
  }

  void watch_for_interrupt()
  {
    m_poll.expires_after(interrupt_poll);
    m_poll.async_wait([this](const bp::error_code& ec) {
      if (ec || m_ended) {
        return;
      }
      if (g_interrupt_signal != 0 && !m_interrupted) {
        m_interrupted = true;
        kill_tree();
      }
      watch_for_interrupt();
    });
  }

  void on_exit()
  {
    m_native_status = m_child->native_exit_code();
    m_ended = true;
    m_timer.cancel();
    m_poll.cancel();
    // End the group with the child; then give the pipes a moment, no more.
    if (m_command.own_process_group) {
      ::kill(-m_pid, SIGKILL);
    }
    if (m_open_pipes > 0) {
      drain_then_close();
    }
  }

  void drain_then_close()
  {
    m_drain.expires_after(drain_time);
    m_drain.async_wait([this](const bp::error_code& ec) {
      if (ec) {
        return;
      }
      // Output still waiting in a pipe is read first (a busy machine may
      // have kept us from it); a leftover that writes on is cut off.
      int waiting = 0;
      int bytes = 0;
      for (auto* pipe : {&m_out_pipe, &m_err_pipe}) {
        if (pipe->is_open() && ::ioctl(pipe->native_handle(), FIONREAD, &bytes) == 0) {
          waiting += bytes;
        }
      }
      if (waiting > 0 && ++m_drain_rounds < 10) {
        drain_then_close();
        return;
      }
      bp::error_code ignored;
      m_out_pipe.close(ignored);
      m_err_pipe.close(ignored);
    });
  }

  const Command& m_command;
  CommandResult& m_result;
  asio::io_context m_context;
  asio::readable_pipe m_out_pipe{m_context};
  asio::readable_pipe m_err_pipe{m_context};
  CappedReader m_out_reader;
  CappedReader m_err_reader;
  asio::steady_timer m_drain{m_context};
  asio::steady_timer m_timer{m_context};
  asio::steady_timer m_poll{m_context};
  std::optional<bp::process> m_child;
  int m_pid = 0;
  int m_open_pipes = 2;
  int m_drain_rounds = 0;
  int m_native_status = 0;
  bool m_output_limited = false;
  bool m_timed_out = false;
  bool m_interrupted = false;
  bool m_ended = false;
};

// Runs commands in this process's own children.
class ProcessRunner : public CommandRunner
{
public:
  CommandResult run(const Command& command) override
  {
    if (g_interrupt_signal != 0) {
      throw Interrupted();
    }
    CommandResult result;
    const auto started = std::chrono::steady_clock::now();
    const bool isolated = command.sandbox.view.has_value();
    // In a view the program may sit at a place that exists there only.
    auto executable = isolated && command.argv.at(0).starts_with('/') ? std::filesystem::path(command.argv.at(0))
                                                                      : find_executable(command.argv.at(0));
    if (executable.empty()) {
      result.status.kind = ExitStatus::Kind::not_started;
      result.start_error = fmt::format("`{}` not found on PATH", command.argv.at(0));
      return result;
    }
    std::optional<IsolationPlan> plan;
    if (isolated) {
      plan = plan_isolation(command);
    }
    ChildRun child(command, result);
    if (!child.start(executable, plan ? &*plan : nullptr)) {
      return result;
    }
    child.wait();
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    child.detach();
    if (child.interrupted()) {
      throw Interrupted();
    }
    result.status = child.status();
    return result;
  }

  std::unique_ptr<CommandRunner> runner_for_slot() override;
};

// How long a run helper may take beyond a command's own time limit before it
// is taken for hung: the drain of the pipes, a loaded machine.
constexpr std::chrono::seconds helper_slack{60};

// snipcheck's side of a run helper (run_helper.hpp): starts it, hands it one
// command at a time over a socket, waits for the reply and passes an interrupt
// on. Everything of the helper's that goes wrong is an environment failure.
class HelperRunner : public CommandRunner
{
public:
  HelperRunner()
  {
    asio::local::stream_protocol::socket helper_end(m_context);
    asio::local::connect_pair(m_socket, helper_end);
    const Command helper; // its own process group, no limits: what it starts gets them
    try {
      // /proc/self/exe: this very binary, even if a newer one replaced its file meanwhile.
      m_helper.emplace(m_context, "/proc/self/exe", std::vector<std::string>{std::string(run_helper_argument)},
                       bp::process_stdio{helper_end, helper_end, {}}, ChildSetup{&helper, nullptr, ::getpid()});
    } catch (const std::exception& error) {
      throw Fatal(fmt::format("cannot start snipcheck's run helper: {}", error.what()));
    }
  }

  HelperRunner(const HelperRunner&) = delete;
  HelperRunner& operator=(const HelperRunner&) = delete;

  // The helper ends at the end of its requests; one still busy (an exception
  // left a request unanswered) is killed, and its program with it.
  ~HelperRunner() override
  {
    if (!m_helper) {
      return;
    }
    bp::error_code ignored;
    if (m_busy) {
      ::kill(m_helper->id(), SIGKILL);
    }
    m_socket.close(ignored);
    m_helper->wait(ignored);
    m_helper->detach();
  }

  CommandResult run(const Command& command) override
  {
    if (g_interrupt_signal != 0) {
      throw Interrupted();
    }
    if (command.on_stdout_line) {
      return ProcessRunner().run(command); // lines are reported as they come: here only
    }
    if (!m_helper) {
      throw Fatal("snipcheck's run helper ended after a failure");
    }
    m_busy = true;
    send(encode_request(command));
    const auto reply = receive(command);
    m_busy = false;
    switch (reply.kind) {
    case RunReply::Kind::finished: return reply.result;
    case RunReply::Kind::interrupted: end_helper(); throw Interrupted();
    case RunReply::Kind::failed: end_helper(); throw Fatal(reply.message);
    }
    throw Fatal("the run helper's protocol broke: a reply of an unknown kind");
  }

private:
  void send(const std::string& frame)
  {
    bp::error_code ec;
    asio::write(m_socket, asio::buffer(frame), ec); // a socket: no SIGPIPE when the helper died
    if (ec) {
      throw Fatal(fmt::format("snipcheck's run helper {}: {}", ended_how(), ec.message()));
    }
  }

  // Waits for the helper's reply to `command`, polling for an interrupt (sent
  // on to the helper, which stops its program) and for a helper that hangs.
  RunReply receive(const Command& command)
  {
    std::string header(4, '\0');
    std::string body;
    bp::error_code failure;
    bool done = false;
    asio::async_read(m_socket, asio::buffer(header), [&](const bp::error_code& ec, std::size_t) {
      const auto length = ec ? std::nullopt : frame_length(header);
      if (!length) {
        failure = ec ? ec : asio::error::message_size;
        done = true;
        return;
      }
      body.resize(*length);
      asio::async_read(m_socket, asio::buffer(body), [&](const bp::error_code& ec, std::size_t) {
        failure = ec;
        done = true;
      });
    });
    auto deadline = command.timeout ? std::optional(std::chrono::steady_clock::now() + *command.timeout + helper_slack)
                                    : std::nullopt;
    bool passed_on = false;
    m_context.restart();
    while (!done) {
      m_context.run_one_for(interrupt_poll);
      if (g_interrupt_signal != 0 && !passed_on) {
        passed_on = true;
        ::kill(m_helper->id(), SIGTERM);
      }
      if (deadline && std::chrono::steady_clock::now() > *deadline) {
        ::kill(m_helper->id(), SIGKILL); // the read fails: an environment failure
        deadline.reset();
      }
    }
    if (failure) {
      throw Fatal(fmt::format("snipcheck's run helper {} while running {}: {}", ended_how(), command.argv.at(0),
                              failure.message()));
    }
    return decode_reply(body);
  }

  // Waits for the helper that is ending (after its last reply, or dead).
  void end_helper()
  {
    bp::error_code ignored;
    m_socket.close(ignored);
    m_helper->wait(ignored);
    m_last_status = m_helper->native_exit_code();
    m_helper->detach(); // reaped: its pid may be another child's by now
    m_helper.reset();
  }

  // Ends a helper that broke the protocol or stopped answering, and says how it ended.
  std::string ended_how()
  {
    const auto pid = m_helper->id();
    bp::error_code ec;
    const bool was_running = m_helper->running(ec);
    if (was_running) {
      ::kill(pid, SIGKILL);
    }
    end_helper();
    if (was_running) {
      return fmt::format("(pid {}) stopped answering", pid);
    }
    return fmt::format("(pid {}) ended unexpectedly ({})", pid,
                       WIFSIGNALED(m_last_status) ? fmt::format("killed by signal {}", WTERMSIG(m_last_status))
                                                  : fmt::format("exit code {}", WEXITSTATUS(m_last_status)));
  }

  asio::io_context m_context;
  asio::local::stream_protocol::socket m_socket{m_context};
  std::optional<bp::process> m_helper;
  bool m_busy = false;
  int m_last_status = 0;
};

std::unique_ptr<CommandRunner> ProcessRunner::runner_for_slot()
{
  return std::make_unique<HelperRunner>();
}

} // namespace

std::unique_ptr<CommandRunner> make_process_runner()
{
  return std::make_unique<ProcessRunner>();
}

void install_interrupt_handler()
{
  struct sigaction action
  {
  };
  action.sa_handler = on_interrupt;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    ::sigaction(signal_number, &action, nullptr);
  }
}

int interrupt_signal()
{
  return g_interrupt_signal;
}

} // namespace snipcheck::cargo
