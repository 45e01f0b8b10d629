// End-to-end: a listing builds with exactly its own crates, whatever is checked
// with it (issue 18, defect 5); a cached verdict equals a clean run's when what
// cargo compiles changes behind the cache's back (defect 6); in crates.io mode
// cargo writes no file of the user's home (defect 7).
#include "cargo/process.hpp"
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

void write(const fs::path& path, const std::string& text)
{
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class DepsCache : public ::testing::Test
{
protected:
  void SetUp() override { m_temp = fresh_test_folder("deps-cache"); }
  void TearDown() override { fs::remove_all(m_temp); }

  // snipcheck in `book` with `flags`; the JSON report of the run is kept in m_report.
  Finished check(const fs::path& book, const std::string& flags, const std::string& environment = "")
  {
    const auto report = m_temp / "report.json";
    fs::remove(report);
    auto run = run_shell(environment + " '" + binary.string() + "' --build-dir '" + (m_temp / "build").string() +
                             "' --report json='" + report.string() + "' " + flags,
                         book, m_temp);
    m_report = fs::exists(report) ? json::parse(read_file(report)) : json::object();
    return run;
  }

  // What the last run's report says of a listing: its status, outcome and error codes.
  std::string verdict(const std::string& id) const
  {
    const auto& result = find_result(m_report, id);
    return result["status"].get<std::string>() + " " + result["actual"].value("outcome", "") + " " +
           result["actual"].value("errors", json::array()).dump();
  }

  // The verdict of `id` from the cache equals a clean run's, in a build folder
  // of its own; the clean run's report is kept in m_report.
  void expect_cached_equals_clean(const fs::path& book, const std::string& id)
  {
    const auto cached_run = check(book, "");
    const auto cached = verdict(id);
    const auto clean_report = m_temp / "clean.json";
    const auto clean_run =
        run_shell("'" + binary.string() + "' --no-cache --build-dir '" + (m_temp / "clean-build").string() +
                      "' --report json='" + clean_report.string() + "'",
                  book, m_temp);
    m_report = json::parse(read_file(clean_report));
    EXPECT_EQ(cached, verdict(id)) << cached_run.out << "\n---- clean:\n" << clean_run.out << clean_run.err;
    EXPECT_EQ(cached_run.exit_code, clean_run.exit_code);
    fs::remove_all(m_temp / "clean-build");
  }

  fs::path m_temp;
  json m_report;
};

TEST_F(DepsCache, ListingsAskingForOtherFeaturesOfOneCrateDoNotShareThem)
{
  const auto book = m_temp / "book";
  fs::copy(source_dir / "tests/e2e/hostile/features", book, fs::copy_options::recursive);
  const std::string without_std = "pass compile-fail [\"E0425\"]";
  const std::string with_std = "pass run []";

  auto run = check(book, "--no-cache");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(verdict("without-std"), without_std) << run.out;
  EXPECT_EQ(verdict("with-std"), with_std) << run.out;

  for (const auto* flags : {"without-std --no-cache", "without-std", "--no-merge --no-cache", "", "with-std"}) {
    run = check(book, flags);
    EXPECT_EQ(run.exit_code, 0) << flags << "\n" << run.out << run.err;
    EXPECT_EQ(verdict(std::string(flags).starts_with("with-") ? "with-std" : "without-std"),
              std::string(flags).starts_with("with-") ? with_std : without_std)
        << flags << "\n"
        << run.out;
  }
}

TEST_F(DepsCache, EditsInAPathCratesDotFolderOrTargetNamedFolderAreNotAnsweredFromTheCache)
{
  const auto book = m_temp / "book";
  fs::copy(source_dir / "tests/e2e/hostile/path-crate", book, fs::copy_options::recursive);
  auto run = check(book, "");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  write(book / "helper/.hidden/answer.rs", "pub fn answer() -> i32 { 43 }\n");
  expect_cached_equals_clean(book, "uses-helper");
  EXPECT_EQ(verdict("uses-helper"), "fail run []");

  write(book / "helper/.hidden/answer.rs", "pub fn answer() -> i32 { 42 }\n");
  write(book / "helper/src/target/word.txt", "other\n");
  expect_cached_equals_clean(book, "uses-helper");
  EXPECT_EQ(verdict("uses-helper"), "fail run []");
}

TEST_F(DepsCache, AVerdictCompiledWithoutIsolationIsNotServedToAnIsolatedRun)
{
  std::string why;
  if (!snipcheck::cargo::isolation_available(&why)) {
    GTEST_SKIP() << "this machine allows no private namespaces (" << why << "): every run is unisolated";
  }
  ::unsetenv("RUSTC_WRAPPER"); // only the first run has one
  const auto secret = m_temp / "secret.txt";
  write(secret, "secret\n");
  const auto wrapper = m_temp / "wrapper.sh";
  write(wrapper, "#!/bin/sh\nexec \"$@\"\n");
  fs::permissions(wrapper, fs::perms::owner_all);
  const auto book = m_temp / "book";
  write(book / "book.md", "# 1 A secret\n\n```rust,{id=reads-secret}\nfn main() {\n    print!(\"{}\", include_str!(\"" +
                              secret.string() + "\"));\n}\n```\n");
  write(book / "expected/ch01.toml", "[\"reads-secret\"]\nexpect = \"run\"\nstdout = \"secret\\n\"\n");
  write(book / "snipcheck.toml", "book = \"book.md\"\nexpected = \"expected\"\n");

  auto run = check(book, "", "RUSTC_WRAPPER='" + wrapper.string() + "'");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err; // without isolation, rustc reads the file
  EXPECT_NE(run.err.find("notice: cargo and rustc run without isolation (RUSTC_WRAPPER is set"), std::string::npos)
      << run.err;
  run = check(book, "", "env -u RUSTC_WRAPPER");
  EXPECT_EQ(run.err.find("without isolation"), std::string::npos) << run.err;
  EXPECT_EQ(verdict("reads-secret").substr(0, 4), "fail") << run.out;
  expect_cached_equals_clean(book, "reads-secret");
}

TEST_F(DepsCache, ARegistryCrateChangedAtTheSameVersionIsBuiltAgain)
{
  const auto registry = m_temp / "registry";
  const auto crate = registry / "tiny-1.0.0";
  write(crate / "Cargo.toml", "[package]\nname = \"tiny\"\nversion = \"1.0.0\"\nedition = \"2021\"\n");
  write(crate / "src/lib.rs", "pub fn answer() -> i32 { 1 }\n");
  // As Debian writes it: no file checksums, so cargo notices nothing.
  const std::string checksum = R"({"package":"Could not get crate checksum","files":{}})";
  write(crate / ".cargo-checksum.json", checksum);
  const auto book = m_temp / "book";
  write(book / "book.md", "# 1 A registry crate\n\n```rust,{id=uses-tiny}\nfn main() {\n    println!(\"{}\", "
                          "tiny::answer());\n}\n```\n");
  write(book / "expected/ch01.toml", "[\"uses-tiny\"]\nexpect = \"run\"\nstdout = \"1\\n\"\ndeps = { tiny = \"1\" }\n");
  write(book / "snipcheck.toml",
        "book = \"book.md\"\nexpected = \"expected\"\n\n[registry]\ndirectory = \"" + registry.string() + "\"\n");
  auto run = check(book, "");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  // A new revision of the same version: the package manager replaces the files.
  const auto before = fs::last_write_time(crate / ".cargo-checksum.json");
  write(crate / "src/lib.rs", "pub fn answer() -> i32 { 2 }\n");
  write(crate / ".cargo-checksum.json", checksum);
  fs::last_write_time(crate / ".cargo-checksum.json", before + std::chrono::seconds(10));
  expect_cached_equals_clean(book, "uses-tiny");
  EXPECT_EQ(verdict("uses-tiny"), "fail run []");
  // And without the result cache, in the build folder that compiled the old revision.
  run = check(book, "--no-cache");
  EXPECT_EQ(verdict("uses-tiny"), "fail run []") << run.out << run.err;
}

TEST_F(DepsCache, ASwappedOrEditedCacheEntryIsAMiss)
{
  const auto book = m_temp / "book";
  write(book / "book.md", "# 1 Two listings\n\n```rust,{id=one}\nfn main() { println!(\"one\"); }\n```\n\n"
                          "```rust,{id=two}\nfn main() { println!(\"two\"); }\n```\n");
  write(book / "expected/ch01.toml", "[\"one\"]\nexpect = \"run\"\nstdout = \"one\\n\"\n\n"
                                     "[\"two\"]\nexpect = \"run\"\nstdout = \"two\\n\"\n");
  write(book / "snipcheck.toml", "book = \"book.md\"\nexpected = \"expected\"\n");
  auto run = check(book, "");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(m_temp / "build/cache")) {
    entries.push_back(entry.path());
  }
  ASSERT_EQ(entries.size(), 2u);

  // Swapped: each file holds the other listing's result.
  fs::rename(entries[0], m_temp / "swap");
  fs::rename(entries[1], entries[0]);
  fs::rename(m_temp / "swap", entries[1]);
  run = check(book, "");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out.find("(cached)"), std::string::npos) << run.out;

  // Edited: the stored output is another.
  for (const auto& entry : entries) {
    auto text = read_file(entry);
    for (const auto* word : {"\"one\\n\"", "\"two\\n\""}) {
      if (const auto at = text.find(word); at != std::string::npos) {
        text.replace(at, std::string(word).size(), "\"forged\\n\"");
      }
    }
    write(entry, text);
  }
  run = check(book, "");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out.find("(cached)"), std::string::npos) << run.out;
  run = check(book, ""); // the entries built again replaced the edited ones
  EXPECT_NE(run.out.find("(2 cached)"), std::string::npos) << run.out;
}

TEST_F(DepsCache, InCratesIoModeABuildScriptWritesNoFileOfTheUsersCargoHome)
{
  std::string why;
  if (!snipcheck::cargo::isolation_available(&why)) {
    GTEST_SKIP() << "this machine allows no private namespaces (" << why
                 << "): a build script can write what you can (README)";
  }
  const auto home = m_temp / "home";
  // A crate the user downloaded before, and its index entry: cargo's private home links to them.
  const auto downloaded = home / ".cargo/registry/cache/index.example-0123/demo-1.0.0.crate";
  const auto index_entry = home / ".cargo/registry/index/index.example-0123/.cache/de/mo/demo";
  write(downloaded, "a downloaded crate\n");
  write(index_entry, "an index entry\n");
  const char* rustup_home = std::getenv("RUSTUP_HOME");
  const char* real_home = std::getenv("HOME");
  const auto rustup = rustup_home != nullptr ? fs::path(rustup_home) : fs::path(real_home) / ".rustup";
  const auto book = m_temp / "book";
  fs::copy(source_dir / "tests/e2e/hostile/cargo-home", book, fs::copy_options::recursive);
  const auto run =
      check(book, "--no-cache", "env -u CARGO_HOME HOME='" + home.string() + "' RUSTUP_HOME='" + rustup.string() + "'");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  for (const auto* folder : {"registry", "git"}) {
    EXPECT_FALSE(fs::exists(home / ".cargo" / folder / "PROBE_W")) << folder;
    // It ran, and wrote cargo's private home in the build folder.
    EXPECT_TRUE(fs::exists(m_temp / "build/cargo-home" / folder / "PROBE_W")) << folder;
  }
  // Seeded from the user's downloads, which the build script could not write through.
  const auto private_home = m_temp / "build/cargo-home/registry";
  EXPECT_EQ(fs::read_symlink(private_home / "cache/index.example-0123/demo-1.0.0.crate"), downloaded);
  EXPECT_EQ(fs::read_symlink(private_home / "index/index.example-0123/.cache/de/mo/demo"), index_entry);
  EXPECT_EQ(read_file(downloaded), "a downloaded crate\n");
  EXPECT_EQ(read_file(index_entry), "an index entry\n");
}

} // namespace
