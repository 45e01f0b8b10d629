// End-to-end: what snipcheck itself reads and writes for a hostile book
// (issue 18, items 1, 9 and 10). Includes ({{#include}}, \lstinputlisting)
// stay inside the book's project, oversized files are refused before they are
// read, and bless writes nothing outside expected/. The fixture books are in
// tests/e2e/hostile/includes/; the symlinks, FIFOs and sparse files are made here.
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

const fs::path fixtures = source_dir / "tests/e2e/hostile/includes";
const fs::path shared_build = SNIPCHECK_E2E_BUILD_DIR;
constexpr const char* passwd_line = "root:x:0:0:"; // what /etc/passwd would leak

void write(const fs::path& path, const std::string& content)
{
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

// The 1-based line of `file` holding `text`.
int line_of(const fs::path& file, const std::string& text)
{
  const auto lines = snipcheck::text::split_lines(read_file(file));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find(text) != std::string::npos) {
      return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

// A file of `size` bytes that takes no disk: a hole.
void make_sparse(const fs::path& path, std::uintmax_t size)
{
  fs::create_directories(path.parent_path());
  std::ofstream(path).close();
  fs::resize_file(path, size);
}

class HostileIncludes : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_temp = fresh_test_folder("hostile-includes");
    m_marker = std::to_string(::getpid());
  }
  void TearDown() override { fs::remove_all(m_temp); }

  // snipcheck in `dir`, killed after 300 s (a hang fails the test instead of blocking it).
  Finished snipcheck(const std::string& arguments, const fs::path& dir, const std::string& prefix = "") const
  {
    return run_shell(prefix + "timeout -s KILL 300 '" + binary.string() + "' " + arguments, dir, m_temp);
  }

  fs::path copy_fixture(const std::string& name, const fs::path& to) const
  {
    fs::create_directories(to.parent_path());
    fs::copy(fixtures / name, to, fs::copy_options::recursive);
    return to;
  }

  // Every regular file under `folder` that holds `secret`.
  static std::vector<std::string> files_holding(const fs::path& folder, const std::string& secret)
  {
    std::vector<std::string> found;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_regular_file(ec) && !it->is_symlink(ec) && it->file_size(ec) < (16u << 20) &&
          read_file(it->path()).find(secret) != std::string::npos) {
        found.push_back(it->path().string());
      }
    }
    return found;
  }

  fs::path m_temp;
  std::string m_marker;
};

TEST_F(HostileIncludes, MdbookIncludesOutsideTheProjectOrOfSpecialFilesAreThatListingsBadInput)
{
  // The project: a git work tree holding the book and, beside it, listings/.
  const auto project = m_temp / "project";
  copy_fixture("mdbook", project / "mdbook");
  copy_fixture("listings", project / "listings");
  fs::create_directories(project / ".git");
  const auto chapter = project / "mdbook/src/ch01.md";
  const auto outside_secret = "snipcheck-outside-" + m_marker;
  write(m_temp / "outside/secret.txt", outside_secret + "\n");
  fs::create_symlink(m_temp / "outside/secret.txt", project / "mdbook/src/leak.rs");
  ASSERT_EQ(::mkfifo((project / "mdbook/src/pipe.rs").c_str(), 0644), 0);
  fs::create_directories(m_temp / "expected");
  const auto environ_secret = "snipcheck-environ-" + m_marker;

  const auto started = std::chrono::steady_clock::now();
  const auto run = snipcheck("--book project/mdbook --expected expected --build-dir build --no-cache "
                             "--report json=report.json",
                             m_temp, "env SNIPCHECK_PROBE_SECRET=" + environ_secret + " ");
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_NE(run.exit_code, 137) << "the run hung (a FIFO opened?)\n" << run.out << run.err;
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_LT(seconds, 200);
  const auto report = json::parse(read_file(m_temp / "report.json"));

  const auto refused = [&](const std::string& id, const std::string& include, const std::string& why) {
    const auto& result = find_result(report, id);
    EXPECT_EQ(result["status"], "fail") << result.dump(1);
    const auto message = result["message"].get<std::string>();
    const auto at =
        fmt::format("src/ch01.md:{}: cannot include `{}`", line_of(chapter, "{{#include " + include), include);
    EXPECT_NE(message.find(at), std::string::npos) << id << ": " << message;
    EXPECT_NE(message.find(why), std::string::npos) << id << ": " << message;
    EXPECT_FALSE(result["actual"].contains("stdout")) << id << " was run: " << result.dump(1);
  };
  const auto root = fs::canonical(project).string();
  refused("absolute", "/etc/passwd", "outside the book's project " + root);
  refused("parent-escape", "../../../../../../../../../../../../etc/passwd", "outside the book's project " + root);
  refused("proc-environ", "/proc/self/environ", "outside the book's project");
  refused("symlink-out", "leak.rs", fs::canonical(m_temp / "outside/secret.txt").string() + ", outside");
  refused("fifo", "pipe.rs", "not a regular file");
  // The book's own ../listings, inside its git work tree, and a plain listing still pass.
  EXPECT_EQ(find_result(report, "sibling")["status"], "pass") << find_result(report, "sibling").dump(1);
  EXPECT_EQ(find_result(report, "sibling")["actual"]["stdout"], "hello from listings\n");
  EXPECT_EQ(find_result(report, "innocent")["status"], "pass") << find_result(report, "innocent").dump(1);

  // No secret anywhere: output, report, workspace and cache, `show`.
  for (const auto& secret : {std::string(passwd_line), environ_secret, outside_secret}) {
    EXPECT_EQ(run.out.find(secret), std::string::npos) << secret << "\n" << run.out;
    EXPECT_EQ(run.err.find(secret), std::string::npos) << secret;
    EXPECT_EQ(files_holding(m_temp / "build", secret), std::vector<std::string>{}) << secret;
    EXPECT_EQ(read_file(m_temp / "report.json").find(secret), std::string::npos) << secret;
  }
  for (const auto* id : {"absolute", "symlink-out"}) {
    const auto show =
        snipcheck("--book project/mdbook --expected expected --build-dir build show " + std::string(id), m_temp);
    EXPECT_EQ(show.out.find(passwd_line), std::string::npos) << show.out;
    EXPECT_EQ(show.out.find(outside_secret), std::string::npos) << show.out;
  }
}

TEST_F(HostileIncludes, LatexInputListingsStayInsideTheBooksFolder)
{
  const auto book = copy_fixture("latex", m_temp / "latex");
  const auto outside_secret = "snipcheck-latex-outside-" + m_marker;
  write(m_temp / "outside.rs", "pub fn leaked() -> &'static str { \"" + outside_secret + "\" }\n");
  fs::create_directories(m_temp / "expected");
  const auto run = snipcheck("--book latex/book.tex --expected expected --build-dir '" +
                                 (shared_build / "hostile-includes-latex").string() + "' --report json=report.json",
                             m_temp);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  const auto report = json::parse(read_file(m_temp / "report.json"));
  const auto tex = book / "book.tex";
  const auto refused = [&](const std::string& id, const std::string& file, const std::string& why) {
    const auto& result = find_result(report, id);
    EXPECT_EQ(result["status"], "fail") << result.dump(1);
    const auto message = result["message"].get<std::string>();
    const auto at =
        fmt::format("book.tex:{}: \\lstinputlisting cannot read `{}`", line_of(tex, "{" + file + "}"), file);
    EXPECT_NE(message.find(at), std::string::npos) << id << ": " << message;
    EXPECT_NE(message.find(why), std::string::npos) << id << ": " << message;
  };
  refused("ch01/1-1", "/etc/passwd", "outside the book's project " + fs::canonical(book).string());
  refused("ch01/1-2", "../outside.rs", "outside the book's project");
  EXPECT_EQ(find_result(report, "ch01/1-3")["status"], "pass") << find_result(report, "ch01/1-3").dump(1);
  EXPECT_EQ(find_result(report, "ch01/1-4")["status"], "pass") << find_result(report, "ch01/1-4").dump(1);
  const auto show = snipcheck("--book latex/book.tex --expected expected --build-dir b show ch01/1-2", m_temp);
  EXPECT_EQ(show.out.find(outside_secret), std::string::npos) << show.out;
  EXPECT_EQ(read_file(m_temp / "report.json").find(passwd_line), std::string::npos);
  EXPECT_EQ(run.out.find(passwd_line), std::string::npos) << run.out;
}

TEST_F(HostileIncludes, IncludeRootsInSnipcheckTomlWidenTheProjectAndTheConfigFolderIsPartOfIt)
{
  const auto widened = copy_fixture("widened", m_temp / "widened");
  const auto book = widened / "book";
  const auto build = "--build-dir '" + (shared_build / "hostile-includes-widened").string() + "'";
  // The book's project is its folder (snipcheck.toml and book.toml are there): ../shared is outside it.
  auto run = snipcheck(build, book);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.out.find("src/ch01.md:7: cannot include `../../shared/greeting.rs`"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("outside the book's project " + fs::canonical(book).string()), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("include-roots"), std::string::npos) << "the message says how to widen it\n" << run.out;

  write(book / "snipcheck.toml", "book = \".\"\ninclude-roots = [\"../shared\"]\n");
  run = snipcheck(build, book);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;

  // A string names one folder; a folder that does not exist is bad input in snipcheck.toml.
  write(book / "snipcheck.toml", "book = \".\"\ninclude-roots = \"../nowhere\"\n");
  run = snipcheck(build, book);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("snipcheck.toml:2: "), std::string::npos) << run.err;

  // snipcheck.toml one folder up: the book's project is that folder, ../shared is inside it.
  fs::remove(book / "snipcheck.toml");
  write(widened / "snipcheck.toml", "book = \"book\"\nexpected = \"book/expected\"\n");
  run = snipcheck(build, widened);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
}

// A 1.5 GB include or chapter under a 1 GiB address-space limit: read whole,
// it could not fit, so a quick exit 2 with the message shows it was not read.
TEST_F(HostileIncludes, FilesOverTheSizeLimitAreRefusedBeforeTheyAreRead)
{
  constexpr std::uintmax_t huge = 1500ull << 20;
  const auto limit = "ulimit -v 1048576 && "; // KiB
  const auto book = m_temp / "mdbook";
  write(book / "book.toml", "[book]\ntitle = \"Huge\"\n");
  write(book / "src/SUMMARY.md", "- [Huge](ch01.md)\n");
  write(book / "src/ch01.md", "# Huge\n\n```rust\n{{#include huge.rs}}\n```\n");
  make_sparse(book / "src/huge.rs", huge);
  fs::create_directories(m_temp / "expected");
  const auto timed = [&](const std::string& arguments, Finished& finished) {
    const auto started = std::chrono::steady_clock::now();
    finished = snipcheck(arguments, m_temp, limit);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  Finished run;
  auto seconds = timed("--book mdbook --expected expected --build-dir b", run);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.out.find("src/ch01.md:4: cannot include `huge.rs`"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("is larger than 1024 MiB"), std::string::npos) << run.out;
  EXPECT_LT(seconds, 20) << run.out;

  // A LaTeX input, the same.
  write(m_temp / "book.tex", "\\chapter{Huge}\n\\lstinputlisting[language=Rust]{mdbook/src/huge.rs}\n");
  seconds = timed("--book book.tex --expected expected --build-dir b", run);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.out.find("book.tex:2: \\lstinputlisting cannot read `mdbook/src/huge.rs`"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("is larger than 1024 MiB"), std::string::npos) << run.out;
  EXPECT_LT(seconds, 20);

  // The book itself: exit 2 naming it.
  make_sparse(m_temp / "huge.md", huge);
  seconds = timed("--book huge.md --expected expected --build-dir b", run);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("huge.md: is larger than 1024 MiB"), std::string::npos) << run.err;
  EXPECT_LT(seconds, 20);
}

class BlessSymlinks : public HostileIncludes
{
protected:
  void SetUp() override
  {
    HostileIncludes::SetUp();
    copy_fixture("bless/book.md", m_temp / "book/book.md");
    fs::create_directories(m_temp / "book/expected");
  }

  Finished bless() const
  {
    return snipcheck("--book book.md --expected expected --build-dir '" +
                         (shared_build / "hostile-includes-bless").string() + "' bless",
                     m_temp / "book");
  }

  fs::path expected_file() const { return m_temp / "book/expected/ch01.toml"; }
};

TEST_F(BlessSymlinks, ASymlinkLeavingExpectedIsRefusedAndItsTargetUntouched)
{
  write(m_temp / "outside/victim.toml", "# not the book's\n");
  fs::create_symlink(m_temp / "outside/victim.toml", expected_file());
  const auto run = bless();
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("expected/ch01.toml"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("outside " + fs::canonical(m_temp / "book/expected").string()), std::string::npos) << run.err;
  EXPECT_EQ(read_file(m_temp / "outside/victim.toml"), "# not the book's\n");
  EXPECT_TRUE(fs::is_symlink(expected_file()));
}

TEST_F(BlessSymlinks, ADanglingSymlinkLeavingExpectedIsRefusedAndNothingIsCreated)
{
  fs::create_directories(m_temp / "outside");
  fs::create_symlink(m_temp / "outside/new.toml", expected_file());
  const auto run = bless();
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("expected/ch01.toml"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(m_temp / "outside/new.toml"));
  EXPECT_TRUE(fs::is_symlink(expected_file()));
}

TEST_F(BlessSymlinks, ASymlinkInsideExpectedStaysASymlinkAndItsTargetIsBlessed)
{
  write(m_temp / "book/expected/data/ch01.toml", "# Kept apart.\n");
  fs::create_symlink("data/ch01.toml", expected_file());
  const auto run = bless();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(fs::is_symlink(expected_file()));
  EXPECT_EQ(fs::read_symlink(expected_file()), "data/ch01.toml");
  EXPECT_NE(read_file(m_temp / "book/expected/data/ch01.toml").find("run-fail"), std::string::npos);
}

TEST_F(BlessSymlinks, ADanglingSymlinkInsideExpectedStaysASymlinkAndItsTargetIsCreated)
{
  fs::create_directories(m_temp / "book/expected/data");
  fs::create_symlink("data/ch01.toml", expected_file());
  const auto run = bless();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(fs::is_symlink(expected_file())) << "replaced by a regular file";
  ASSERT_TRUE(fs::exists(m_temp / "book/expected/data/ch01.toml"));
  EXPECT_NE(read_file(m_temp / "book/expected/data/ch01.toml").find("run-fail"), std::string::npos);
  // And the blessed book checks green through the link.
  const auto check = snipcheck("--book book.md --expected expected --build-dir '" +
                                   (shared_build / "hostile-includes-bless").string() + "'",
                               m_temp / "book");
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

} // namespace
