#include "fmt/rustfmt.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <system_error>
#include <thread>

namespace snipcheck::formatting {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t batch_size = 200;
constexpr int module_rounds = 4; // `mod a;` in `mod b;`...: each round adds the files rustfmt missed

// The work folder's files are scratch: written plainly, not atomically (a
// thousand fsyncs cost seconds), and thrown away with the folder.
void write_scratch(const fs::path& path, const std::string& content)
{
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << content;
  if (!file.flush()) {
    throw Fatal(fmt::format("cannot write {}", path.string()));
  }
}

// Where job `index` is formatted: `l12.rs`, or `l12/main.rs` when its code may
// declare `mod x;`, whose `x.rs` rustfmt then looks for in `l12/` (a folder
// per listing costs a mkdir each, seconds for a thousand on a busy disk).
fs::path source_path(const fs::path& work, std::size_t index, const std::string& source)
{
  if (source.find("mod") == std::string::npos) {
    return work / fmt::format("l{}.rs", index);
  }
  return work / fmt::format("l{}", index) / "main.rs";
}

// The job a path in rustfmt's message belongs to: ".../work/l12/main.rs:3:5", ".../work/l12.rs:3:5" -> 12.
std::optional<std::size_t> job_named(std::string_view message, const std::string& folder_prefix)
{
  const auto at = message.find(folder_prefix);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  std::size_t pos = at + folder_prefix.size();
  std::size_t index = 0;
  bool digits = false;
  for (; pos < message.size() && message[pos] >= '0' && message[pos] <= '9'; ++pos) {
    index = index * 10 + static_cast<std::size_t>(message[pos] - '0');
    digits = true;
  }
  if (!digits || pos >= message.size() || (message[pos] != '/' && message.substr(pos, 3) != ".rs")) {
    return std::nullopt;
  }
  return index;
}

// ".../main.rs:3:5" -> 3.
int line_after(std::string_view message, std::string_view file)
{
  const auto at = message.find(file);
  if (at == std::string_view::npos || at + file.size() >= message.size() || message[at + file.size()] != ':') {
    return 0;
  }
  int line = 0;
  for (auto pos = at + file.size() + 1; pos < message.size() && message[pos] >= '0' && message[pos] <= '9'; ++pos) {
    line = line * 10 + (message[pos] - '0');
  }
  return line;
}

// The file rustfmt looked for a `mod x;` in, when it is one of ours to create.
std::optional<fs::path> missing_module(std::string_view message, const fs::path& work)
{
  constexpr std::string_view marker = "failed to resolve mod `";
  constexpr std::string_view tail = " does not exist";
  const auto at = message.find(marker);
  const auto end = message.rfind(tail);
  if (at == std::string_view::npos || end == std::string_view::npos) {
    return std::nullopt;
  }
  const auto colon = message.find("`: ", at + marker.size());
  if (colon == std::string_view::npos || colon + 3 > end) {
    return std::nullopt;
  }
  const auto path = fs::path(std::string(message.substr(colon + 3, end - colon - 3))).lexically_normal();
  const auto relative = path.lexically_relative(work);
  if (relative.empty() || *relative.begin() == "..") {
    return std::nullopt;
  }
  return path;
}

class Batches
{
public:
  Batches(cargo::CommandRunner& runner, const RustfmtSettings& settings, const std::vector<RustfmtJob>& jobs,
          std::vector<RustfmtAnswer>& answers)
    : m_runner(runner)
    , m_settings(settings)
    , m_jobs(jobs)
    , m_answers(answers)
    , m_folder_prefix((settings.work_dir / "l").string())
  {}

  // Formats `indices` (one edition and config), in rounds while rustfmt asks for module files.
  void format(std::vector<std::size_t> indices)
  {
    for (int round = 0; round < module_rounds && !indices.empty(); ++round) {
      indices = run_once(indices, round + 1 == module_rounds);
    }
  }

private:
  fs::path path_of(std::size_t index) const { return source_path(m_settings.work_dir, index, m_jobs[index].source); }

  cargo::Command command(const std::vector<std::size_t>& indices) const
  {
    const auto& first = m_jobs[indices.front()];
    cargo::Command command;
    command.argv = {m_settings.rustfmt.string(), "--edition", first.edition, "--config-path",
                    (first.config.empty() ? m_settings.work_dir / "rustfmt.toml" : first.config).string()};
    for (const auto index : indices) {
      command.argv.push_back(path_of(index).string());
    }
    command.working_dir = m_settings.work_dir;
    command.timeout = m_settings.timeout;
    return command;
  }

  // One rustfmt over `indices`; returns those to format again, their module files now there.
  std::vector<std::size_t> run_once(const std::vector<std::size_t>& indices, bool last_round)
  {
    const auto result = m_runner.run(command(indices));
    if (result.status.kind == cargo::ExitStatus::Kind::not_started) {
      throw Fatal(fmt::format("cannot start {}: {}", m_settings.rustfmt.string(), result.start_error));
    }
    if (result.status.kind != cargo::ExitStatus::Kind::exited) {
      if (indices.size() > 1) { // one of them hangs or crashes rustfmt: each alone finds which
        for (const auto index : indices) {
          format({index});
        }
      } else {
        m_answers[indices.front()].error = fmt::format("rustfmt {}", result.status.describe());
      }
      return {};
    }
    std::set<std::size_t> again;
    std::set<std::size_t> failed;
    std::string complaint;
    for (const auto& line : text::split_lines(result.err)) {
      const auto trimmed = text::trim(line);
      if (trimmed.starts_with("error") || trimmed.starts_with("Error") || trimmed.starts_with("warning")) {
        complaint = trimmed;
      }
      const auto index = job_named(line, m_folder_prefix);
      if (!index || !std::count(indices.begin(), indices.end(), *index)) {
        continue;
      }
      if (const auto module = missing_module(line, m_settings.work_dir); module && !last_round) {
        std::error_code ignored;
        fs::create_directories(module->parent_path(), ignored);
        write_scratch(*module, "");
        again.insert(*index);
      } else if (failed.insert(*index).second) {
        auto& answer = m_answers[*index];
        answer.error = complaint.empty() ? std::string(trimmed) : complaint;
        answer.line = line_after(line, path_of(*index).string());
      }
    }
    if (!result.status.success() && failed.empty() && again.empty()) {
      const auto& config = m_jobs[indices.front()].config;
      const auto why = text::trim(result.err).empty() ? result.status.describe() : std::string(text::trim(result.err));
      if (!config.empty()) {
        throw InputError(config, 0, fmt::format("rustfmt rejects this configuration: {}", why));
      }
      throw Fatal(fmt::format("{} failed: {}", m_settings.rustfmt.string(), why));
    }
    for (const auto index : indices) {
      if (!failed.count(index) && !again.count(index)) {
        m_answers[index].formatted = text::read_file(path_of(index));
      }
    }
    for (const auto index : again) {
      m_answers[index].error.clear();
    }
    return {again.begin(), again.end()};
  }

  cargo::CommandRunner& m_runner;
  const RustfmtSettings& m_settings;
  const std::vector<RustfmtJob>& m_jobs;
  std::vector<RustfmtAnswer>& m_answers;
  std::string m_folder_prefix;
};

} // namespace

std::vector<RustfmtAnswer> run_rustfmt(cargo::CommandRunner& runner, const RustfmtSettings& settings,
                                       const std::vector<RustfmtJob>& jobs)
{
  std::vector<RustfmtAnswer> answers(jobs.size());
  std::error_code ignored;
  fs::remove_all(settings.work_dir, ignored);
  fs::create_directories(settings.work_dir);
  write_scratch(settings.work_dir / "rustfmt.toml", "");
  std::map<std::pair<std::string, fs::path>, std::vector<std::size_t>> groups;
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    const auto path = source_path(settings.work_dir, k, jobs[k].source);
    if (path.parent_path() != settings.work_dir) {
      fs::create_directory(path.parent_path());
    }
    write_scratch(path, jobs[k].source);
    groups[{jobs[k].edition, jobs[k].config}].push_back(k);
  }
  std::vector<std::vector<std::size_t>> batches;
  for (const auto& [key, indices] : groups) {
    for (std::size_t begin = 0; begin < indices.size(); begin += batch_size) {
      const auto end = std::min(indices.size(), begin + batch_size);
      batches.emplace_back(indices.begin() + static_cast<std::ptrdiff_t>(begin),
                           indices.begin() + static_cast<std::ptrdiff_t>(end));
    }
  }
  // A few rustfmt processes at once, one per core: each batch answers jobs of its own.
  const std::size_t parallel = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  Batches runs(runner, settings, jobs, answers);
  for (std::size_t first = 0; first < batches.size(); first += parallel) {
    std::vector<std::future<void>> running;
    for (std::size_t k = first; k < std::min(batches.size(), first + parallel); ++k) {
      running.push_back(std::async(std::launch::async, [&runs, &batches, k] { runs.format(batches[k]); }));
    }
    for (auto& run : running) {
      run.wait();
    }
    for (auto& run : running) {
      run.get(); // the first failure, once every process has ended
    }
  }
  fs::remove_all(settings.work_dir, ignored);
  return answers;
}

} // namespace snipcheck::formatting
