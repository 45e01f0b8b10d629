#include "app/run_programs.hpp"

#include "util/errors.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace snipcheck::app {

namespace {

// A private folder under /tmp, owned by the sandbox uid when we run as root,
// so the book's programs can reach it wherever the build folder lives.
std::filesystem::path make_private_folder(const std::filesystem::path& parent)
{
  std::string pattern = (parent / "snipcheck-run-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Fatal(fmt::format("cannot create a folder to run listings in {}: {}", parent.string(), std::strerror(errno)));
  }
  const std::filesystem::path folder = pattern;
  if (::geteuid() == 0) {
    const auto uid = cargo::sandbox_uid();
    if (::chown(folder.c_str(), uid, uid) != 0) {
      throw Fatal(fmt::format("cannot hand {} to the sandbox user: {}", folder.string(), std::strerror(errno)));
    }
  }
  return folder;
}

cargo::Command sandboxed_command(const std::filesystem::path& program, const std::filesystem::path& folder,
                                 const Options& options, const Log& log)
{
  cargo::Command command;
  command.argv = {program.string()};
  command.working_dir = folder;
  command.environment = cargo::Environment::clear;
  command.set_env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"},
                     {"HOME", folder.string()},
                     {"TMPDIR", folder.string()},
                     {"LANG", "C.UTF-8"},
                     {"RUST_BACKTRACE", "0"}};
  command.timeout = std::chrono::milliseconds(static_cast<long>(options.timeout_seconds * 1000));
  command.output_limit = 1024 * 1024;
  command.kill_on_output_limit = true;
  command.limits.address_space_bytes = std::size_t{2} << 30;
  command.limits.cpu_seconds = static_cast<std::size_t>(options.timeout_seconds) + 1;
  command.limits.file_size_bytes = std::size_t{64} << 20;
  if (::geteuid() == 0) {
    command.sandbox.run_as_uid = cargo::sandbox_uid();
    command.limits.processes = 256; // counted per uid: the sandbox uid owns nothing else
  }
  static std::atomic<bool> noticed{false};
  if (cargo::network_isolation_available()) {
    command.sandbox.new_network_namespace = true;
  } else if (!noticed.exchange(true)) {
    log("notice: this machine does not allow a private network namespace; listings run with network access");
  }
  return command;
}

} // namespace

std::vector<cargo::CommandResult> run_programs(const std::vector<ProgramRun>& programs, const Options& options,
                                               cargo::CommandRunner& runner, const Log& log,
                                               const std::function<void(const std::string& label)>& on_start)
{
  std::vector<cargo::CommandResult> results(programs.size());
  if (programs.empty()) {
    return results;
  }
  // One copy of each program, where the sandbox uid can reach it.
  const auto area = make_private_folder(std::filesystem::temp_directory_path());
  std::map<std::filesystem::path, std::filesystem::path> copies;
  std::error_code ec;
  for (const auto& program : programs) {
    auto [copy, added] = copies.try_emplace(program.executable);
    if (!added) {
      continue;
    }
    copy->second = area / fmt::format("program-{}", program.executable.filename().string());
    std::filesystem::copy_file(program.executable, copy->second, ec);
    if (ec) {
      throw Fatal(fmt::format("cannot copy {} to {}: {}", program.executable.string(), area.string(), ec.message()));
    }
  }

  std::mutex reporting; // on_start and log are not thread-safe
  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    for (auto k = next++; k < programs.size(); k = next++) {
      const auto& program = programs[k];
      const auto folder = make_private_folder(area);
      auto command = sandboxed_command(copies.at(program.executable), folder, options, log);
      if (!program.argument.empty()) {
        command.argv.push_back(program.argument);
      }
      {
        const std::lock_guard lock(reporting);
        on_start(program.label);
        log(fmt::format("{} (in {}, limit {}s)", program.label, folder.string(), options.timeout_seconds));
      }
      results[k] = runner.run(command);
      std::error_code remove_error;
      std::filesystem::remove_all(folder, remove_error);
    }
  };
  const auto threads =
      std::min<std::size_t>(programs.size(), options.jobs > 0 ? static_cast<std::size_t>(options.jobs)
                                                              : std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) {
    pool.emplace_back(worker);
  }
  worker();
  for (auto& thread : pool) {
    thread.join();
  }
  if (::geteuid() == 0) {
    cargo::kill_all_owned_by(cargo::sandbox_uid()); // whatever escaped a process group
  }
  std::filesystem::remove_all(area, ec);
  return results;
}

} // namespace snipcheck::app
