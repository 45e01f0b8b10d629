// The toolchain cache answers only while nothing rustup or rustc read has
// changed: each test changes one input and expects rustup to be asked again.
#include "cargo/toolchain_cache.hpp"

#include "fake_runner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>

namespace snipcheck::cargo {
namespace {

namespace fs = std::filesystem;

// Sets an environment variable for one test and puts the old value back.
class ScopedEnv
{
public:
  ScopedEnv(const char* name, const std::string& value)
    : m_name(name)
  {
    if (const char* old = std::getenv(name); old != nullptr) {
      m_old = old;
    }
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv()
  {
    if (m_old) {
      ::setenv(m_name, m_old->c_str(), 1);
    } else {
      ::unsetenv(m_name);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
  const char* m_name;
  std::optional<std::string> m_old;
};

// A rustup installation in a temporary folder: a proxy on PATH, rustup's
// settings, one toolchain's sysroot, and a project folder to run in. Every
// file is dated an hour back, so that a change made by a test moves its mtime.
class ToolchainCache : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_root = fs::temp_directory_path() / ("snipcheck-toolchain-cache-" + std::to_string(::getpid()));
    fs::remove_all(m_root);
    m_sysroot = m_root / "rustup" / "toolchains" / "stable";
    write(m_sysroot / "bin" / "rustc", "rustc 1.95\n", true);
    write(m_sysroot / "bin" / "cargo", "cargo 1.95\n", true);
    write(m_sysroot / "lib" / "librustc_driver-1111.so", "driver\n");
    write(m_root / "rustup" / "settings.toml", "default_toolchain = \"stable\"\n");
    write(m_root / "proxies" / "rustc", "rustup\n", true);
    fs::create_directories(m_root / "early");
    fs::create_directories(m_root / "project" / "src");
    for (const auto& entry : fs::recursive_directory_iterator(m_root)) {
      date_back(entry.path());
    }
    date_back(m_root);
    m_old_dir = fs::current_path();
    fs::current_path(m_root / "project" / "src");
    m_path.emplace("PATH", (m_root / "early").string() + ":" + (m_root / "proxies").string());
    m_rustup_home.emplace("RUSTUP_HOME", (m_root / "rustup").string());
    m_cargo_home.emplace("CARGO_HOME", (m_root / "cargo").string());
  }

  void TearDown() override
  {
    fs::current_path(m_old_dir);
    m_path.reset();
    m_rustup_home.reset();
    m_cargo_home.reset();
    fs::remove_all(m_root);
  }

  static void write(const fs::path& path, const std::string& content, bool executable = false)
  {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    if (executable) {
      fs::permissions(path, fs::perms::owner_all);
    }
  }

  static void date_back(const fs::path& path) { fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::hours(1)); }

  // Written beside and renamed over, as an installer replaces a file.
  static void replace(const fs::path& path, const std::string& content)
  {
    write(path.string() + ".new", content, true);
    fs::rename(path.string() + ".new", path);
  }

  // rustup's proxy answers --print sysroot; the sysroot's rustc answers -vV.
  testing::FakeRunner runner()
  {
    return testing::FakeRunner([this](const Command& command) {
      if (std::find(command.argv.begin(), command.argv.end(), "sysroot") != command.argv.end()) {
        return testing::exited(0, m_sysroot.string() + "\n");
      }
      return testing::exited(0, "rustc 1.95.0 (59807616e 2026-04-14)\nhost: x86_64-unknown-linux-gnu\n");
    });
  }

  // How many processes resolving `toolchain` through the cache started; its
  // answer must be the one asking gives.
  std::size_t asked(const std::string& toolchain = "")
  {
    auto fake = runner();
    const auto resolved = resolve_toolchain_cached(fake, toolchain, cache_file(), std::chrono::nanoseconds(0));
    auto asking = runner();
    const auto expected = resolve_toolchain(asking, toolchain);
    EXPECT_EQ(resolved.bin, expected.bin);
    EXPECT_EQ(resolved.bin, m_sysroot / "bin");
    EXPECT_EQ(resolved.verbose_version, expected.verbose_version);
    return fake.commands.size();
  }

  fs::path cache_file() const { return m_root / "build" / "toolchain.json"; }

  fs::path m_root;
  fs::path m_sysroot;
  fs::path m_old_dir;
  std::optional<ScopedEnv> m_path;
  std::optional<ScopedEnv> m_rustup_home;
  std::optional<ScopedEnv> m_cargo_home;
};

TEST_F(ToolchainCache, ARerunWithNothingChangedStartsNoProcessAndGivesTheSameAnswer)
{
  EXPECT_EQ(asked(), 2u); // --print sysroot, then -vV
  EXPECT_EQ(asked(), 0u);
  EXPECT_EQ(asked(), 0u);
}

TEST_F(ToolchainCache, AnotherToolchainNameIsAskedFor)
{
  EXPECT_EQ(asked(""), 2u);
  EXPECT_EQ(asked("nightly"), 2u);
}

TEST_F(ToolchainCache, AToolchainFileCreatedInTheFolderOrAboveIsNoticed)
{
  EXPECT_EQ(asked(), 2u);
  write(m_root / "project" / "src" / "rust-toolchain.toml", "[toolchain]\nchannel = \"nightly\"\n");
  EXPECT_EQ(asked(), 2u);
  EXPECT_EQ(asked(), 0u);
  write(m_root / "project" / "rust-toolchain", "beta\n");
  EXPECT_EQ(asked(), 2u);
}

TEST_F(ToolchainCache, AToolchainFileEditedInPlaceIsNoticed)
{
  const auto file = m_root / "project" / "rust-toolchain.toml";
  write(file, "[toolchain]\nchannel = \"beta\"\n");
  date_back(file);
  EXPECT_EQ(asked(), 2u);
  write(file, "[toolchain]\nchannel = \"1.90\"\n"); // same size, same inode
  EXPECT_EQ(asked(), 2u);
}

TEST_F(ToolchainCache, RustupsSettingsChangedAreNoticed)
{
  EXPECT_EQ(asked(), 2u);
  write(m_root / "rustup" / "settings.toml", "default_toolchain = \"nightly\"\n");
  EXPECT_EQ(asked(), 2u);
}

TEST_F(ToolchainCache, AToolchainInstalledOrLinkedIsNoticed)
{
  EXPECT_EQ(asked(), 2u);
  fs::create_directory_symlink(m_sysroot, m_root / "rustup" / "toolchains" / "mine");
  EXPECT_EQ(asked(), 2u);
}

TEST_F(ToolchainCache, AChangedPathIsNoticed)
{
  EXPECT_EQ(asked(), 2u);
  const ScopedEnv other_path("PATH", (m_root / "proxies").string());
  EXPECT_EQ(asked(), 2u);
}

TEST_F(ToolchainCache, ARustcAddedToAnEarlierPathFolderIsNoticed)
{
  EXPECT_EQ(asked(), 2u);
  write(m_root / "early" / "rustc", "another rustc\n", true);
  EXPECT_EQ(asked(), 2u);
}

TEST_F(ToolchainCache, AReplacedProxyIsNoticed)
{
  EXPECT_EQ(asked(), 2u);
  replace(m_root / "proxies" / "rustc", "rustup\n"); // same content and size, another file
  EXPECT_EQ(asked(), 2u);
}

TEST_F(ToolchainCache, AReplacedRustcOrCargoInTheSysrootIsNoticed)
{
  EXPECT_EQ(asked(), 2u);
  replace(m_sysroot / "bin" / "rustc", "rustc 1.95\n");
  EXPECT_EQ(asked(), 2u);
  EXPECT_EQ(asked(), 0u);
  replace(m_sysroot / "bin" / "cargo", "cargo 1.95\n");
  EXPECT_EQ(asked(), 2u);
}

TEST_F(ToolchainCache, ANewCompilerDriverIsNoticed)
{
  EXPECT_EQ(asked(), 2u);
  fs::remove(m_sysroot / "lib" / "librustc_driver-1111.so");
  write(m_sysroot / "lib" / "librustc_driver-2222.so", "driver\n");
  EXPECT_EQ(asked(), 2u);
}

TEST_F(ToolchainCache, ASysrootWithoutItsDriverIsAskedEveryTime)
{
  fs::remove(m_sysroot / "lib" / "librustc_driver-1111.so");
  EXPECT_EQ(asked(), 2u);
  EXPECT_EQ(asked(), 2u);
}

TEST_F(ToolchainCache, FilesChangedJustBeforeAskingAreNotTrustedYet)
{
  write(m_root / "rustup" / "settings.toml", "default_toolchain = \"stable\"\n"); // modified now
  for (int run = 0; run < 2; ++run) {
    auto fake = runner();
    resolve_toolchain_cached(fake, "", cache_file()); // the default: two seconds to settle
    EXPECT_EQ(fake.commands.size(), 2u);
  }
}

TEST_F(ToolchainCache, ADamagedOrForeignCacheFileIsAMiss)
{
  EXPECT_EQ(asked(), 2u);
  write(cache_file(), "{\"format\": \"snipcheck-toolchain/1\", \"inputs\": 1");
  EXPECT_EQ(asked(), 2u);
  EXPECT_EQ(asked(), 0u);
  write(cache_file(), "[1, 2]");
  EXPECT_EQ(asked(), 2u);
}

TEST_F(ToolchainCache, AnotherWorkingFolderIsAskedFor)
{
  EXPECT_EQ(asked(), 2u);
  fs::current_path(m_root / "project");
  EXPECT_EQ(asked(), 2u);
}

} // namespace
} // namespace snipcheck::cargo
