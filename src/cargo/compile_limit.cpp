#include "cargo/compile_limit.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace snipcheck::cargo {

namespace {

std::filesystem::path own_executable()
{
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : path;
}

void write_all(std::FILE* stream, const std::string& text)
{
  std::fwrite(text.data(), 1, text.size(), stream);
  std::fflush(stream);
}

// What rustc itself would print for an error of the target, as one JSON line.
std::string timeout_diagnostic(std::chrono::milliseconds limit)
{
  const auto seconds = static_cast<double>(limit.count()) / 1000.0;
  const auto message =
      fmt::format("compilation did not finish within the compile-time limit of {} s (compile-timeout); snipcheck "
                  "killed rustc and every process it started",
                  seconds);
  const nlohmann::json diagnostic{{"$message_type", "diagnostic"},
                                  {"message", message},
                                  {"code", {{"code", compile_timeout_code}, {"explanation", nullptr}}},
                                  {"level", "error"},
                                  {"spans", nlohmann::json::array()},
                                  {"children", nlohmann::json::array()},
                                  {"rendered", fmt::format("error: {}\n", message)}};
  return diagnostic.dump() + "\n";
}

} // namespace

bool is_compile_timeout(const CompilerMessage& message)
{
  return message.code == compile_timeout_code;
}

void apply_compile_limit(Command& command, std::optional<std::chrono::milliseconds> limit)
{
  const auto self = own_executable();
  // cargo would put a RUSTC_WRAPPER (sccache) around this one, which it does
  // not expect: with one, only cargo's own time limit applies (README).
  if (!limit || self.empty() || command.set_env.contains("RUSTC_WRAPPER")) {
    return;
  }
  command.set_env["RUSTC_WORKSPACE_WRAPPER"] = self.string();
  command.set_env[compile_limit_variable] = std::to_string(limit->count());
  if (command.sandbox.view) {
    command.sandbox.view->read_only.push_back(self);
  }
}

std::optional<std::chrono::milliseconds> wrapper_limit_from_environment()
{
  const char* text = std::getenv(compile_limit_variable);
  if (text == nullptr) {
    return std::nullopt;
  }
  long long milliseconds = 0;
  const std::string_view value(text);
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), milliseconds);
  if (error != std::errc() || end != value.data() + value.size() || milliseconds <= 0) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(milliseconds);
}

int run_rustc_within_limit(int argc, char** argv, std::chrono::milliseconds limit)
{
  if (argc < 2) {
    write_all(stderr, "snipcheck: run as a rustc wrapper without a rustc to run\n");
    return 2;
  }
  Command command;
  if (const char* clippy = std::getenv(clippy_driver_variable); clippy != nullptr && *clippy != '\0') {
    command.argv.push_back(clippy); // `clippy-driver rustc ARGS`, as cargo calls a workspace wrapper
  }
  command.argv.insert(command.argv.end(), argv + 1, argv + argc);
  command.environment = Environment::inherit;
  // No jobserver: rustc would inherit cargo's pipe, which a listing could read
  // (and block on) at compile time; rustc makes a private one instead. The
  // runner passes no descriptor above 2.
  command.unset_env = {compile_limit_variable, clippy_driver_variable, "CARGO_MAKEFLAGS", "MAKEFLAGS", "MFLAGS"};
  command.timeout = limit;
  command.own_process_group = true; // the timeout kills rustc's linker too
  const auto result = make_process_runner()->run(command);
  write_all(stdout, result.out);
  write_all(stderr, result.err);
  switch (result.status.kind) {
  case ExitStatus::Kind::exited: return result.status.code;
  case ExitStatus::Kind::signaled: return 128 + result.status.signal;
  case ExitStatus::Kind::timed_out: write_all(stderr, timeout_diagnostic(limit)); return 1;
  case ExitStatus::Kind::output_limit: return 1;
  case ExitStatus::Kind::not_started:
    write_all(stderr, fmt::format("snipcheck: cannot start {}: {}\n", command.argv.front(), result.start_error));
    return 127;
  }
  return 1;
}

} // namespace snipcheck::cargo
