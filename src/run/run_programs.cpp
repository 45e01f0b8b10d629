#include "run/run_programs.hpp"

#include "util/errors.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace snipcheck::run {

namespace {

// A folder made by mkdtemp under `parent` (mode 0700).
std::filesystem::path make_temporary_folder(const std::filesystem::path& parent)
{
  std::string pattern = (parent / "snipcheck-run-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Fatal(fmt::format("cannot create a folder to run listings in {}: {}", parent.string(), std::strerror(errno)));
  }
  return pattern;
}

// Removes a folder when the run ends, however it ends.
struct RemovedAtEnd
{
  std::filesystem::path folder;
  ~RemovedAtEnd()
  {
    std::error_code ignored;
    if (!folder.empty()) {
      std::filesystem::remove_all(folder, ignored);
    }
  }
};

// Without isolation: one copy of each program in a folder of the invoking user
// that the sandbox uids may only read and execute from, so that no listing can
// replace another's program.
class ProgramCopies
{
public:
  explicit ProgramCopies(const std::vector<ProgramRun>& programs)
  {
    m_area.folder = make_temporary_folder(std::filesystem::temp_directory_path());
    ::chmod(m_area.folder.c_str(), 0711);
    std::error_code ec;
    for (const auto& program : programs) {
      auto [copy, added] = m_copies.try_emplace(program.executable);
      if (!added) {
        continue;
      }
      copy->second = m_area.folder / fmt::format("program-{}", program.executable.filename().string());
      std::filesystem::copy_file(program.executable, copy->second, ec);
      if (ec || ::chmod(copy->second.c_str(), 0755) != 0) {
        throw Fatal(fmt::format("cannot copy {} to {}: {}", program.executable.string(), m_area.folder.string(),
                                ec ? ec.message() : std::strerror(errno)));
      }
    }
  }

  const std::filesystem::path& area() const { return m_area.folder; }
  const std::filesystem::path& copy_of(const std::filesystem::path& executable) const
  {
    return m_copies.at(executable);
  }

private:
  RemovedAtEnd m_area;
  std::map<std::filesystem::path, std::filesystem::path> m_copies;
};

// The listing's own working folder, private to its uid.
std::filesystem::path make_private_folder(const std::filesystem::path& parent, std::optional<unsigned> owner)
{
  auto folder = make_temporary_folder(parent);
  if (owner && ::chown(folder.c_str(), *owner, *owner) != 0) {
    throw Fatal(fmt::format("cannot hand {} to the sandbox user: {}", folder.string(), std::strerror(errno)));
  }
  return folder;
}

cargo::Command sandboxed_command(const std::filesystem::path& folder, const RunSettings& settings,
                                 std::optional<unsigned> uid)
{
  cargo::Command command;
  command.working_dir = folder;
  command.environment = cargo::Environment::clear;
  command.set_env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"},
                     {"HOME", folder.string()},
                     {"TMPDIR", folder.string()},
                     {"LANG", "C.UTF-8"},
                     {"RUST_BACKTRACE", "0"}};
  command.timeout = std::chrono::milliseconds(static_cast<long>(settings.timeout_seconds * 1000));
  command.output_limit = 1024 * 1024;
  command.kill_on_output_limit = true;
  command.limits.address_space_bytes = std::size_t{2} << 30;
  command.limits.cpu_seconds = static_cast<std::size_t>(settings.timeout_seconds) + 1;
  command.limits.file_size_bytes = std::size_t{64} << 20;
  if (uid) {
    command.sandbox.run_as_uid = uid;
    command.limits.processes = 256; // counted per uid: the slot's uid owns nothing else
  }
  return command;
}

// A program's command, and the folder on the host it runs in (empty when isolated).
struct PreparedRun
{
  cargo::Command command;
  std::filesystem::path host_folder;
};

// Nothing on the host: the folder exists in the listing's private /tmp only,
// and the program is bound into it read-only.
PreparedRun isolated_run(const ProgramRun& program, std::size_t index, const RunSettings& settings,
                         std::optional<unsigned> uid)
{
  const auto folder = std::filesystem::path("/tmp") / fmt::format("snipcheck-run-{}", index + 1);
  const auto place = folder / fmt::format("program-{}", program.executable.filename().string());
  PreparedRun prepared;
  prepared.command = sandboxed_command(folder, settings, uid);
  prepared.command.argv = {place.string()};
  prepared.command.sandbox.new_network_namespace = true;
  prepared.command.sandbox.view = cargo::system_view({"null", "zero", "full", "random", "urandom"});
  prepared.command.sandbox.view->files_at.emplace_back(program.executable, place);
  prepared.command.sandbox.view->private_folder = folder;
  return prepared;
}

// Without isolation: the program's copy, in a folder of the slot's own.
PreparedRun host_run(const ProgramRun& program, const ProgramCopies& copies, const RunSettings& settings,
                     std::optional<unsigned> uid)
{
  PreparedRun prepared;
  prepared.host_folder = make_private_folder(copies.area(), uid);
  prepared.command = sandboxed_command(prepared.host_folder, settings, uid);
  prepared.command.argv = {copies.copy_of(program.executable).string()};
  return prepared;
}

// One worker: runs programs one at a time under a uid of its own (as root).
class Slot
{
public:
  Slot()
  {
    if (::geteuid() == 0) {
      m_uid.emplace(cargo::SandboxUid::acquire());
    }
  }

  std::optional<unsigned> uid() const { return m_uid ? std::optional<unsigned>(m_uid->uid()) : std::nullopt; }

  // Whatever the last listing left running, or left in the shared temporary
  // folders, under the slot's uid: only without isolation. An isolated
  // program's processes died with its pid namespace, and its /tmp, /var/tmp
  // and /dev/shm were its own. (kill_all_owned_by forks snipcheck: a copy of
  // its page tables per run, the larger the book the costlier.)
  void clean_up(bool isolated) const
  {
    if (!m_uid || isolated) {
      return;
    }
    cargo::kill_all_owned_by(m_uid->uid());
    for (const auto* shared : {"/tmp", "/var/tmp", "/dev/shm"}) {
      std::error_code ec;
      for (const auto& entry : std::filesystem::directory_iterator(shared, ec)) {
        struct stat info
        {
        };
        if (::lstat(entry.path().c_str(), &info) == 0 && info.st_uid == m_uid->uid()) {
          std::error_code ignored;
          std::filesystem::remove_all(entry.path(), ignored);
        }
      }
    }
  }

private:
  std::optional<cargo::SandboxUid> m_uid;
};

// Whether programs run isolated; says once per process when they cannot.
bool probe_isolation(const util::Log& log)
{
  std::string why_not_isolated;
  const bool isolated = cargo::isolation_available(&why_not_isolated);
  static std::atomic<bool> noticed{false};
  if (!isolated && !noticed.exchange(true)) {
    log(fmt::format("notice: this machine allows no private namespaces ({}); listings run with network access "
                    "and see the whole file system",
                    why_not_isolated));
  }
  return isolated;
}

std::size_t thread_count(std::size_t programs, int jobs)
{
  return std::min<std::size_t>(programs, jobs > 0 ? static_cast<std::size_t>(jobs)
                                                  : std::max(1u, std::thread::hardware_concurrency()));
}

// Calls `worker` on `threads` threads, the caller's among them. The first
// exception (Fatal, Interrupted) sets `stop`, so every worker ends, and is
// rethrown here, on the caller's thread.
void run_workers(std::size_t threads, std::atomic<bool>& stop, const std::function<void()>& worker)
{
  std::mutex failing;
  std::exception_ptr failure;
  const auto guarded = [&] {
    try {
      worker();
    } catch (...) {
      const std::lock_guard lock(failing);
      stop = true;
      if (!failure) {
        failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) {
    pool.emplace_back(guarded);
  }
  guarded();
  for (auto& thread : pool) {
    thread.join();
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
}

} // namespace

std::vector<cargo::CommandResult> run_programs(const std::vector<ProgramRun>& programs, const RunSettings& settings,
                                               cargo::CommandRunner& runner, const util::Log& log,
                                               const std::function<void(const std::string& label)>& on_start,
                                               const ProgramEnded& on_end)
{
  std::vector<cargo::CommandResult> results(programs.size());
  if (programs.empty()) {
    return results;
  }
  const bool isolated = probe_isolation(log);
  std::optional<ProgramCopies> copies;
  if (!isolated) {
    copies.emplace(programs);
  }
  std::mutex reporting; // on_start, on_end and log are not thread-safe
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  const auto worker = [&] {
    const Slot slot;
    const auto own_runner = runner.runner_for_slot(); // the slot's run helper
    auto& slot_runner = own_runner ? *own_runner : runner;
    for (auto k = next++; k < programs.size() && !stop; k = next++) {
      const auto& program = programs[k];
      auto prepared =
          isolated ? isolated_run(program, k, settings, slot.uid()) : host_run(program, *copies, settings, slot.uid());
      const RemovedAtEnd remove_folder{prepared.host_folder};
      if (!program.argument.empty()) {
        prepared.command.argv.push_back(program.argument);
      }
      {
        const std::lock_guard lock(reporting);
        on_start(program.label);
        log(fmt::format("{} (in {}, limit {}s)", program.label, prepared.command.working_dir.string(),
                        settings.timeout_seconds));
      }
      results[k] = slot_runner.run(prepared.command);
      slot.clean_up(isolated);
      if (on_end) {
        const std::lock_guard lock(reporting);
        on_end(k, results[k]);
      }
    }
  };
  run_workers(thread_count(programs.size(), settings.jobs), stop, worker);
  return results;
}

} // namespace snipcheck::run
