#include "cargo/toolchain_cache.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace snipcheck::cargo {

namespace {

using nlohmann::json;

constexpr std::string_view cache_format = "snipcheck-toolchain/1";

// A description of files by what changes when any of them is written,
// replaced, created or removed, and the newest of their modification and
// status-change times.
class FileFacts
{
public:
  void add_text(std::string_view name, std::string_view value) { m_text += fmt::format("{} {}\n", name, value); }

  void add_file(const std::filesystem::path& path)
  {
    struct stat info
    {
    };
    if (::stat(path.c_str(), &info) != 0) {
      m_text += fmt::format("{} missing\n", path.string());
      return;
    }
    m_text += fmt::format("{} size {} mtime {}.{} ctime {}.{} inode {}:{} mode {:o}\n", path.string(), info.st_size,
                          info.st_mtim.tv_sec, info.st_mtim.tv_nsec, info.st_ctim.tv_sec, info.st_ctim.tv_nsec,
                          info.st_dev, info.st_ino, info.st_mode);
    m_newest = std::max({m_newest, nanoseconds(info.st_mtim), nanoseconds(info.st_ctim)});
  }

  const std::string& text() const { return m_text; }
  std::chrono::nanoseconds newest() const { return m_newest; }

private:
  static std::chrono::nanoseconds nanoseconds(const timespec& time)
  {
    return std::chrono::seconds(time.tv_sec) + std::chrono::nanoseconds(time.tv_nsec);
  }

  std::string m_text;
  std::chrono::nanoseconds m_newest{0};
};

FileFacts input_facts(const std::string& toolchain, const std::filesystem::path& working_dir)
{
  FileFacts facts;
  facts.add_text("toolchain", toolchain.empty() ? "(default)" : toolchain);
  const auto environment = toolchain_environment();
  for (const auto& [name, value] : environment) {
    facts.add_text("env " + name, value);
  }
  facts.add_text("working folder", working_dir.string());
  const std::filesystem::path rustup_home = environment.at("RUSTUP_HOME");
  facts.add_file(rustup_home / "settings.toml"); // the default toolchain, `rustup override`s
  facts.add_file(rustup_home / "toolchains");    // installed, removed and linked toolchains
  for (auto folder = working_dir;; folder = folder.parent_path()) {
    facts.add_file(folder / "rust-toolchain.toml");
    facts.add_file(folder / "rust-toolchain");
    if (folder == folder.parent_path()) {
      break;
    }
  }
  // Which rustc runs: the first on PATH (looked for again each time), and that file.
  // As find_executable looks: without PATH, its default.
  std::string_view path = environment.contains("PATH") ? environment.at("PATH") : std::string_view("/usr/bin:/bin");
  while (!path.empty()) {
    const auto colon = path.find(':');
    const std::filesystem::path folder(path.substr(0, colon));
    path = colon == std::string_view::npos ? std::string_view() : path.substr(colon + 1);
    if (folder.empty()) {
      continue;
    }
    if (!find_executable((folder / "rustc").string()).empty()) {
      facts.add_file(folder / "rustc");
      break;
    }
  }
  return facts;
}

FileFacts sysroot_facts(const std::filesystem::path& sysroot)
{
  FileFacts facts;
  const auto lib = sysroot / "lib";
  std::vector<std::filesystem::path> libraries;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(lib, ec)) {
    const auto name = entry.path().filename().string();
    if (name.starts_with("librustc_driver-") || name.starts_with("libLLVM")) {
      libraries.push_back(entry.path());
    }
  }
  const bool has_driver = std::any_of(libraries.begin(), libraries.end(), [](const auto& library) {
    return library.filename().string().starts_with("librustc_driver-");
  });
  if (ec || !has_driver) {
    return {};
  }
  std::sort(libraries.begin(), libraries.end());
  facts.add_file(sysroot / "bin" / "rustc");
  facts.add_file(sysroot / "bin" / "cargo");
  for (const auto& library : libraries) {
    facts.add_file(library);
  }
  return facts;
}

std::optional<ResolvedToolchain> load(const std::filesystem::path& cache_file, const std::string& inputs)
{
  std::error_code ec;
  if (!std::filesystem::is_regular_file(cache_file, ec)) {
    return std::nullopt;
  }
  json entry;
  try {
    entry = json::parse(text::read_file(cache_file), nullptr, false);
  } catch (const std::exception&) {
    return std::nullopt; // unreadable: asked again
  }
  if (!entry.is_object() || entry.value("format", "") != cache_format || entry.value("inputs", "") != inputs) {
    return std::nullopt;
  }
  const std::filesystem::path bin = entry.value("bin", "");
  const auto identity = entry.value("sysroot", "");
  if (!bin.is_absolute() || identity.empty() || sysroot_facts(bin.parent_path()).text() != identity) {
    return std::nullopt;
  }
  return ResolvedToolchain{entry.value("verbose_version", ""), bin};
}

} // namespace

std::string toolchain_inputs(const std::string& toolchain, const std::filesystem::path& working_dir)
{
  return input_facts(toolchain, working_dir).text();
}

std::string sysroot_identity(const std::filesystem::path& sysroot)
{
  return sysroot_facts(sysroot).text();
}

ResolvedToolchain resolve_toolchain_cached(CommandRunner& runner, const std::string& toolchain,
                                           const std::filesystem::path& cache_file, std::chrono::nanoseconds settle)
{
  std::error_code ec;
  const auto working_dir = std::filesystem::current_path(ec);
  if (ec) {
    return resolve_toolchain(runner, toolchain);
  }
  const auto inputs = input_facts(toolchain, working_dir);
  if (auto cached = load(cache_file, inputs.text())) {
    return *cached;
  }
  const auto asked_at = std::chrono::system_clock::now().time_since_epoch();
  auto resolved = resolve_toolchain(runner, toolchain);
  if (resolved.bin.empty()) {
    return resolved;
  }
  const auto sysroot = sysroot_facts(resolved.bin.parent_path());
  const auto inputs_after = input_facts(toolchain, working_dir);
  const bool settled = std::max(inputs_after.newest(), sysroot.newest()) < asked_at - settle;
  if (sysroot.text().empty() || inputs_after.text() != inputs.text() || !settled) {
    return resolved;
  }
  const json entry{{"format", cache_format},
                   {"inputs", inputs.text()},
                   {"sysroot", sysroot.text()},
                   {"bin", resolved.bin.string()},
                   {"verbose_version", resolved.verbose_version}};
  try {
    std::filesystem::create_directories(cache_file.parent_path(), ec);
    text::write_file_atomically(cache_file, entry.dump(1) + "\n");
  } catch (const std::exception&) {
    // Not kept: the next run asks again.
  }
  return resolved;
}

} // namespace snipcheck::cargo
