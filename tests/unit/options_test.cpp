// snipcheck.toml's book-level settings (docs/settings.md) and the toolchain pin.
#include "app/options.hpp"
#include "util/errors.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <unistd.h>

namespace snipcheck::app {
namespace {

namespace fs = std::filesystem;

class Settings : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_dir = fs::temp_directory_path() / ("snipcheck-options-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir / "book/helpers/src");
    write("book/helpers/Cargo.toml", "[package]\nname = \"helpers\"\nversion = \"0.1.0\"\n");
    write("book/helpers/src/lib.rs", "pub fn one() -> u32 { 1 }\n");
  }
  void TearDown() override { fs::remove_all(m_dir); }

  void write(const std::string& name, const std::string& text) const { std::ofstream(m_dir / name) << text; }

  std::vector<InputProblem> problems_of(const std::string& config) const
  {
    write("book/snipcheck.toml", config);
    try {
      load_defaults(m_dir / "book");
    } catch (const InputError& error) {
      return error.problems();
    }
    return {};
  }

  fs::path m_dir;
};

TEST_F(Settings, ToolchainEditionsMergeAndDependenciesAreRead)
{
  write("book/snipcheck.toml",
        "toolchain = [\"stable\", \"nightly\"]\nedition = [\"2021\", \"2024\"]\n"
        "merge = false\njobs = 3\ntimeout = 2.5\n\n[dependencies]\nfutures = \"0.3\"\n"
        "tokio = { version = \"1\", features = [\"rt\", \"macros\"], default-features = false }\n"
        "helpers = { path = \"helpers\" }\nrenamed = { package = \"serde\", version = \"1\" }\n");
  const auto options = load_defaults(m_dir / "book");
  EXPECT_EQ(options.toolchains, (std::vector<std::string>{"stable", "nightly"}));
  EXPECT_EQ(options.editions, (std::vector<std::string>{"2021", "2024"}));
  EXPECT_FALSE(options.merge);
  EXPECT_EQ(options.jobs, 3);
  EXPECT_EQ(options.timeout_seconds, 2.5);
  ASSERT_EQ(options.dependencies.size(), 4u); // in name order
  EXPECT_EQ(options.dependencies[0].name, "futures");
  EXPECT_EQ(options.dependencies[0].version, "0.3");
  EXPECT_EQ(options.dependencies[1].name, "helpers");
  EXPECT_EQ(options.dependencies[1].path, (m_dir / "book/helpers").lexically_normal()); // relative to the file
  EXPECT_FALSE(options.dependencies[1].content_hash.empty());
  EXPECT_EQ(options.dependencies[2].package, "serde");
  EXPECT_EQ(options.dependencies[3].features, (std::vector<std::string>{"rt", "macros"}));
  EXPECT_FALSE(options.dependencies[3].default_features);
}

TEST_F(Settings, EditingAPathCrateChangesItsHash)
{
  write("book/snipcheck.toml", "[dependencies]\nhelpers = { path = \"helpers\" }\n");
  const auto before = load_defaults(m_dir / "book").dependencies.at(0).content_hash;
  write("book/helpers/src/lib.rs", "pub fn one() -> u32 { 2 }\n");
  EXPECT_NE(load_defaults(m_dir / "book").dependencies.at(0).content_hash, before);
}

TEST_F(Settings, MistakesAreNamedAtTheirLine)
{
  auto problems = problems_of("toolchain = 3\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 1);
  problems = problems_of("merge = \"yes\"\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("`merge` must be true or false"), std::string::npos);
  problems = problems_of("edition = \"2022\"\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("unknown edition `2022`"), std::string::npos);
  problems = problems_of("[dependencies]\nfutures = \"0.3\"\nhelpers = { path = \"nowhere\" }\n"
                         "tokio = { version = \"1\", feature = [\"rt\"] }\nnothing = {}\n");
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_NE(problems[0].message.find("no Cargo.toml in"), std::string::npos);
  EXPECT_NE(problems[1].message.find("needs a `version`, a `path` or a `git`"), std::string::npos);
  EXPECT_EQ(problems[2].line, 4);
  EXPECT_NE(problems[2].message.find("unknown field `feature`"), std::string::npos);
}

TEST_F(Settings, ABadCrateNameIsRefusedAtItsLine)
{
  const auto problems = problems_of("[dependencies]\nfutures = \"0.3\"\n\"a b\" = \"1\"\n"
                                    "renamed = { package = \"q\\\"x\", version = \"1\" }\n");
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_NE(problems[0].message.find("\"a b\" is not a crate name"), std::string::npos) << problems[0].message;
  EXPECT_EQ(problems[1].line, 4);
  EXPECT_NE(problems[1].message.find("`package`: \"q\\\"x\" is not a crate name"), std::string::npos)
      << problems[1].message;
}

TEST_F(Settings, ThePathCratesOfAPathCrateMustExistAndCountInItsHash)
{
  fs::create_directories(m_dir / "inner/src");
  write("inner/Cargo.toml", "[package]\nname = \"inner\"\nversion = \"0.1.0\"\n");
  write("inner/src/lib.rs", "pub fn two() -> u32 { 2 }\n");
  write("book/helpers/Cargo.toml", "[package]\nname = \"helpers\"\nversion = \"0.1.0\"\n\n"
                                   "[target.'cfg(unix)'.dependencies]\ninner = { path = \"../../inner\" }\n");
  write("book/snipcheck.toml", "[dependencies]\nhelpers = { path = \"helpers\" }\n");
  const auto before = load_defaults(m_dir / "book").dependencies.at(0).content_hash;
  write("inner/src/lib.rs", "pub fn two() -> u32 { 3 }\n");
  EXPECT_NE(load_defaults(m_dir / "book").dependencies.at(0).content_hash, before) << "an edit in inner counts";

  write("book/helpers/Cargo.toml", "[package]\nname = \"helpers\"\nversion = \"0.1.0\"\n\n"
                                   "[build-dependencies]\ngone = { path = \"../gone\" }\n");
  const auto problems = problems_of("[dependencies]\nhelpers = { path = \"helpers\" }\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].file, m_dir / "book/helpers/Cargo.toml");
  EXPECT_EQ(problems[0].line, 6);
  EXPECT_NE(problems[0].message.find("path dependency `gone`: no Cargo.toml in"), std::string::npos)
      << problems[0].message;
}

TEST_F(Settings, ListingDepsAddToTheBooksAndReplaceTheSameCrate)
{
  Options options;
  options.dependencies = {{"futures", "0.3"}, {"tokio", "1"}};
  const auto merged = dependencies_for_listing(options, {{"anyhow", "1"}, {"tokio", "1.20", {"full"}}});
  ASSERT_EQ(merged.size(), 3u);
  EXPECT_EQ(merged[0].name, "anyhow");
  EXPECT_EQ(merged[1].name, "futures");
  EXPECT_EQ(merged[2].name, "tokio");
  EXPECT_EQ(merged[2].version, "1.20");
}

TEST_F(Settings, TheBooksToolchainPinIsFoundAsRustupFindsIt)
{
  EXPECT_EQ(find_toolchain_pin(m_dir / "book"), std::nullopt);
  write("rust-toolchain.toml", "[toolchain]\nchannel = \"1.82.0\"\ncomponents = [\"rustfmt\"]\n");
  auto pin = find_toolchain_pin(m_dir / "book/book.md"); // from a book file, in a folder above
  ASSERT_TRUE(pin);
  EXPECT_EQ(pin->channel, "1.82.0");
  EXPECT_EQ(pin->file, m_dir / "rust-toolchain.toml");
  write("book/rust-toolchain", "nightly-2024-05-01\n"); // the legacy one-line form, nearer the book
  pin = find_toolchain_pin(m_dir / "book");
  ASSERT_TRUE(pin);
  EXPECT_EQ(pin->channel, "nightly-2024-05-01");
}

// A missing pin is answered with the installed toolchain nearest to it: same
// channel, closest date (rustup's toolchains folder names them with the host).
TEST_F(Settings, TheNearestInstalledToolchainIsOfTheSameChannelAndClosestDate)
{
  for (const auto* name : {"stable-x86_64-unknown-linux-gnu", "nightly-x86_64-unknown-linux-gnu",
                           "nightly-2026-01-02-x86_64-unknown-linux-gnu", "nightly-2026-08-01-x86_64-unknown-linux-gnu",
                           "beta-2026-08-19-x86_64-unknown-linux-gnu", "1.80.1-x86_64-unknown-linux-gnu",
                           "1.85.0-x86_64-unknown-linux-gnu"}) {
    fs::create_directories(m_dir / "rustup/toolchains" / name);
  }
  const char* before = std::getenv("RUSTUP_HOME");
  const std::string saved = before != nullptr ? before : "";
  ::setenv("RUSTUP_HOME", (m_dir / "rustup").c_str(), 1);
  EXPECT_EQ(nearest_installed_toolchain("nightly-2026-08-20"), "nightly-2026-08-01");
  EXPECT_EQ(nearest_installed_toolchain("nightly-2025-12-30"), "nightly-2026-01-02");
  EXPECT_EQ(nearest_installed_toolchain("beta-2026-01-01"), "beta-2026-08-19");
  EXPECT_EQ(nearest_installed_toolchain("1.81.0"), "1.80.1");
  EXPECT_EQ(nearest_installed_toolchain("1.90"), "1.85.0");
  EXPECT_EQ(nearest_installed_toolchain("my-custom"), std::nullopt);
  fs::remove_all(m_dir / "rustup/toolchains/nightly-2026-01-02-x86_64-unknown-linux-gnu");
  fs::remove_all(m_dir / "rustup/toolchains/nightly-2026-08-01-x86_64-unknown-linux-gnu");
  EXPECT_EQ(nearest_installed_toolchain("nightly-2026-08-20"), "nightly"); // undated: after every dated one
  if (before != nullptr) {
    ::setenv("RUSTUP_HOME", saved.c_str(), 1);
  } else {
    ::unsetenv("RUSTUP_HOME");
  }
}

// Which book and which snipcheck.toml (docs/settings.md): nearest first, as cargo finds Cargo.toml.
TEST_F(Settings, TheBookIsTheNearestBookTomlOrConfiguredBook)
{
  write("book/book.toml", "[book]\ntitle = \"T\"\n");
  fs::create_directories(m_dir / "book/src/deep");
  auto found = find_book_settings("", m_dir / "book/src/deep");
  EXPECT_EQ(fs::absolute(found.book), m_dir / "book");
  EXPECT_EQ(found.config, std::nullopt);
  EXPECT_EQ(found.base, m_dir / "book");
  // A snipcheck.toml above that names this book is its config; one naming another book is not.
  write("snipcheck.toml", "book = \"book\"\n");
  found = find_book_settings("", m_dir / "book/src");
  EXPECT_EQ(found.config, m_dir / "snipcheck.toml");
  write("snipcheck.toml", "book = \"other.md\"\n");
  found = find_book_settings("", m_dir / "book/src");
  EXPECT_EQ(fs::absolute(found.book), m_dir / "book");
  EXPECT_EQ(found.config, std::nullopt);
  // From the folder of that snipcheck.toml, it is nearer than the mdBook below: its book.
  found = find_book_settings("", m_dir);
  EXPECT_TRUE(found.book.empty());
  EXPECT_EQ(found.config, m_dir / "snipcheck.toml");
  // --book DIR: DIR's own snipcheck.toml, not the current folder's for another book.
  write("book/snipcheck.toml", "timeout = 3\n");
  found = find_book_settings((m_dir / "book").string(), m_dir);
  EXPECT_EQ(found.config, m_dir / "book/snipcheck.toml");
}

} // namespace
} // namespace snipcheck::app
