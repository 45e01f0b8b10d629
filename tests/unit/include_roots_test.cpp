// Where a book may read from (book/include_roots.hpp), reading files without
// reading too much (util/text.hpp read_file), and where a write through a
// symlink lands (write_target): issue 18, items 1, 9 and 10.
#include "app/options.hpp"
#include "app/pipeline.hpp"
#include "book/include_roots.hpp"
#include "book/latex_reader.hpp"
#include "book/mdbook_include.hpp"
#include "util/errors.hpp"
#include "util/paths.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace snipcheck::book {
namespace {

namespace fs = std::filesystem;

class IncludeRoots : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_dir = fs::temp_directory_path() / ("snipcheck-roots-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    m_dir = fs::canonical(m_dir);
    write("project/book/src/ch01.rs", "fn main() {}\n");
    write("project/listings/hello.rs", "fn hello() {}\n");
    write("outside/secret.txt", "secret\n");
  }
  void TearDown() override { fs::remove_all(m_dir); }

  void write(const std::string& name, const std::string& text) const
  {
    fs::create_directories((m_dir / name).parent_path());
    std::ofstream(m_dir / name) << text;
  }

  // The refusal for reading `name` (relative to book/src) with roots `roots`; empty when it was read.
  std::string refusal(const fs::path& name, const std::vector<fs::path>& roots) const
  {
    const auto read = read_included_file(m_dir / "project/book/src" / name, roots);
    return read.refusal.value_or("");
  }

  fs::path m_dir;
};

TEST_F(IncludeRoots, TheProjectIsTheBooksFolderOrTheConfigFolderWidenedToTheGitWorkTree)
{
  const auto book = m_dir / "project/book";
  EXPECT_EQ(project_roots(book, {}), std::vector<fs::path>{book});
  EXPECT_EQ(project_roots(book / "src/ch01.rs", {}), std::vector<fs::path>{book / "src"}); // a file: its folder
  EXPECT_EQ(project_roots(book, m_dir / "project"), std::vector<fs::path>{m_dir / "project"});
  EXPECT_EQ(project_roots(book, m_dir / "outside"), (std::vector<fs::path>{m_dir / "outside", book}));
  fs::create_directories(m_dir / "project/.git");
  EXPECT_EQ(project_roots(book, {}), std::vector<fs::path>{m_dir / "project"});
  fs::remove(m_dir / "project/.git");
  write("project/.git", "gitdir: /elsewhere/.git/worktrees/project\n"); // a worktree's .git is a file
  EXPECT_EQ(project_roots(book / "src/ch01.rs", {}), std::vector<fs::path>{m_dir / "project"});
  // Relative paths are canonical too.
  const auto here = fs::current_path();
  fs::current_path(book);
  EXPECT_EQ(project_roots("src/ch01.rs", {}), std::vector<fs::path>{m_dir / "project"});
  fs::current_path(here);
}

TEST_F(IncludeRoots, WithoutSettingsTheBooksProjectIsTheRootAndExplicitRootsAreCanonical)
{
  EXPECT_EQ(include_roots_for({}, m_dir / "project/book"), std::vector<fs::path>{m_dir / "project/book"});
  const ReadSettings settings{{m_dir / "project/book/../listings", m_dir / "project", m_dir / "outside"}};
  EXPECT_EQ(include_roots_for(settings, m_dir / "project/book"),
            (std::vector<fs::path>{m_dir / "outside", m_dir / "project"})); // listings lies inside project
}

TEST_F(IncludeRoots, FilesInsideARootAreReadAndEverythingElseIsRefusedWithTheRootNamed)
{
  const std::vector<fs::path> book{m_dir / "project/book"};
  const std::vector<fs::path> project{m_dir / "project"};
  EXPECT_EQ(read_included_file(m_dir / "project/book/src/ch01.rs", book).text, "fn main() {}\n");
  EXPECT_EQ(refusal("ch01.rs", book), "");
  EXPECT_EQ(refusal("../../listings/hello.rs", project), "");

  const auto outside = refusal("../../listings/hello.rs", book);
  EXPECT_EQ(outside, (m_dir / "project/listings/hello.rs").string() + " is outside the book's project " +
                         (m_dir / "project/book").string() +
                         " (includes are read only from there; `include-roots` in snipcheck.toml widens it)");
  EXPECT_NE(refusal("/etc/passwd", project).find("/etc/passwd is outside the book's project"), std::string::npos);
  EXPECT_NE(refusal("../../../../../../../../../../../etc/passwd", project).find("/etc/passwd is outside"),
            std::string::npos);
  EXPECT_NE(refusal("/proc/self/environ", project).find("outside the book's project"), std::string::npos);
  EXPECT_EQ(read_included_file("/etc/passwd", project).text, "");
  // Several roots are all named.
  EXPECT_NE(refusal("/etc/passwd", {m_dir / "a", m_dir / "b"})
                .find("project " + (m_dir / "a").string() + " and " + (m_dir / "b").string()),
            std::string::npos);
}

TEST_F(IncludeRoots, SymlinksAreFollowedBeforeTheCheck)
{
  const std::vector<fs::path> project{m_dir / "project"};
  fs::create_symlink(m_dir / "outside/secret.txt", m_dir / "project/book/src/leak.rs");
  fs::create_symlink("../../listings/hello.rs", m_dir / "project/book/src/alias.rs");
  fs::create_symlink(m_dir / "outside", m_dir / "project/book/src/linked-folder");
  EXPECT_EQ(refusal("leak.rs", project), "it resolves to " + (m_dir / "outside/secret.txt").string() +
                                             ", outside the book's project " + (m_dir / "project").string() +
                                             " (includes are read only from there; `include-roots` in "
                                             "snipcheck.toml widens it)");
  EXPECT_NE(refusal("linked-folder/secret.txt", project).find("resolves to"), std::string::npos);
  EXPECT_EQ(read_included_file(m_dir / "project/book/src/alias.rs", project).text, "fn hello() {}\n");
  // A root that is itself reached through a symlink is compared canonically.
  fs::create_symlink(m_dir / "project", m_dir / "project-link");
  EXPECT_EQ(read_included_file(m_dir / "project-link/book/src/ch01.rs",
                               include_roots_for({{m_dir / "project-link"}}, m_dir / "project-link/book"))
                .text,
            "fn main() {}\n");
}

TEST_F(IncludeRoots, SpecialFilesAreRefusedAndAFifoIsNeverOpened)
{
  const std::vector<fs::path> everything{"/"};
  ASSERT_EQ(::mkfifo((m_dir / "project/book/src/pipe.rs").c_str(), 0644), 0);
  fs::create_symlink("pipe.rs", m_dir / "project/book/src/pipe-link.rs");
  // Opening a FIFO with no writer blocks: the death test's child would be killed by the alarm.
  EXPECT_EXIT(
      {
        ::alarm(10);
        const bool refused =
            read_included_file(m_dir / "project/book/src/pipe.rs", everything).refusal.has_value() &&
            read_included_file(m_dir / "project/book/src/pipe-link.rs", everything).refusal.has_value();
        std::_Exit(refused ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
  EXPECT_NE(refusal("pipe.rs", everything).find("pipe.rs is not a regular file (a FIFO"), std::string::npos);
  EXPECT_NE(refusal("/dev/null", everything).find("not a regular file"), std::string::npos);
  EXPECT_NE(refusal("/dev/zero", everything).find("not a regular file"), std::string::npos);
  EXPECT_NE(refusal(m_dir / "project", everything).find("not a regular file"), std::string::npos);
  // /proc and /sys hold regular files of size 0; even a root of `/` does not reach them.
  EXPECT_NE(refusal("/proc/self/environ", everything).find("is a file of /proc or /sys"), std::string::npos);
  EXPECT_NE(refusal("/proc/self/status", everything).find("is a file of /proc or /sys"), std::string::npos);
  EXPECT_NE(refusal("/sys/devices/system/cpu/online", everything).find("is a file of /proc or /sys"),
            std::string::npos);
}

// A sparse file: 1.5 GB that takes no disk.
void make_sparse(const fs::path& path, std::uintmax_t size)
{
  std::ofstream(path).close();
  fs::resize_file(path, size);
}

TEST_F(IncludeRoots, AFileOverTheLimitIsRefusedBeforeItIsRead)
{
  make_sparse(m_dir / "project/book/src/huge.rs", text::max_file_size + 1);
  const auto started = std::chrono::steady_clock::now();
  const auto huge = refusal("huge.rs", {m_dir / "project"});
  EXPECT_EQ(huge,
            (m_dir / "project/book/src/huge.rs").string() + ": is larger than 1024 MiB; is it really a text file?");
  try {
    text::read_file(m_dir / "project/book/src/huge.rs");
    ADD_FAILURE() << "read a file over the limit";
  } catch (const InputError& error) {
    EXPECT_EQ(error.problems()[0].message, "is larger than 1024 MiB; is it really a text file?");
  }
  // Reading 1 GiB of zeros takes seconds; checking the size, none.
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), 0.5);
  // At the limit it is still read.
  make_sparse(m_dir / "project/book/src/limit.rs", 4096);
  EXPECT_EQ(text::read_file(m_dir / "project/book/src/limit.rs").size(), 4096u);
}

TEST_F(IncludeRoots, ReadFileRefusesTheLastSymlinkWhenAsked)
{
  fs::create_symlink("ch01.rs", m_dir / "project/book/src/link.rs");
  EXPECT_EQ(text::read_file(m_dir / "project/book/src/link.rs"), "fn main() {}\n");
  EXPECT_THROW(text::read_file(m_dir / "project/book/src/link.rs", text::LastLink::refuse), InputError);
}

TEST_F(IncludeRoots, AnMdbookIncludeOutsideTheRootsIsAProblemAtTheIncludingLine)
{
  const auto chapter = m_dir / "project/book/src/chapter.md";
  const auto expanded = expand_mdbook_links("```rust\n{{#include ../../listings/hello.rs}}\n```\n"
                                            "```rust\n{{#include ch01.rs}}\n```\n",
                                            chapter);
  ASSERT_EQ(expanded.problems.size(), 1u);
  EXPECT_EQ(expanded.problems[0].file, chapter);
  EXPECT_EQ(expanded.problems[0].line, 2);
  EXPECT_TRUE(expanded.problems[0].message.starts_with("cannot include `../../listings/hello.rs`: "))
      << expanded.problems[0].message;
  EXPECT_NE(expanded.joined().find("fn main() {}"), std::string::npos);
  EXPECT_EQ(expanded.joined().find("fn hello"), std::string::npos);
  // Widened, it is read.
  const auto widened =
      expand_mdbook_links("{{#include ../../listings/hello.rs}}\n", chapter, ReadSettings{{m_dir / "project"}});
  EXPECT_TRUE(widened.problems.empty());
  EXPECT_EQ(widened.joined(), "fn hello() {}\n");
}

TEST_F(IncludeRoots, ALatexInputOutsideTheRootsIsThatListingsProblemAndTheRestIsRead)
{
  const auto book = parse_latex_file("\\chapter{A}\n\\lstinputlisting[language=Rust]{outside/secret.txt}\n"
                                     "\\lstinputlisting[language=Rust]{project/book/src/ch01.rs}\n",
                                     m_dir / "book.tex", ReadSettings{{m_dir / "project"}});
  ASSERT_EQ(book.listings.size(), 2u);
  ASSERT_EQ(book.listings[0].problems.size(), 1u);
  EXPECT_EQ(book.listings[0].problems[0].line, 2);
  EXPECT_TRUE(book.listings[0].problems[0].message.starts_with("\\lstinputlisting cannot read `outside/secret.txt`: "))
      << book.listings[0].problems[0].message;
  EXPECT_TRUE(book.listings[0].lines.empty());
  EXPECT_TRUE(book.listings[1].problems.empty());
  EXPECT_EQ(book.listings[1].lines.at(0).text, "fn main() {}");
}

TEST(WriteTarget, AWriteLandsInASymlinksTargetDanglingOrNot)
{
  const auto dir = fs::temp_directory_path() / ("snipcheck-write-target-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "data");
  const auto real = fs::canonical(dir);
  std::ofstream(dir / "plain.toml") << "x\n";
  fs::create_symlink("data/kept.toml", dir / "dangling.toml");
  fs::create_symlink("dangling.toml", dir / "chain.toml");
  std::ofstream(dir / "data/there.toml") << "x\n";
  fs::create_symlink(dir / "data/there.toml", dir / "absolute.toml");
  EXPECT_EQ(text::write_target(dir / "plain.toml"), dir / "plain.toml");
  EXPECT_EQ(text::write_target(dir / "missing.toml"), dir / "missing.toml");
  EXPECT_EQ(text::write_target(dir / "dangling.toml"), real / "data/kept.toml");
  EXPECT_EQ(text::write_target(dir / "chain.toml"), real / "data/kept.toml");
  EXPECT_EQ(text::write_target(dir / "absolute.toml"), real / "data/there.toml");
  // Written through, the link stays a link.
  text::write_file_atomically(dir / "chain.toml", "new\n");
  EXPECT_TRUE(fs::is_symlink(dir / "chain.toml"));
  EXPECT_TRUE(fs::is_symlink(dir / "dangling.toml"));
  EXPECT_EQ(text::read_file(dir / "data/kept.toml"), "new\n");
  fs::remove_all(dir);
}

TEST(IsWithin, ComparesWholeNames)
{
  EXPECT_TRUE(util::is_within("/a/b", "/a/b"));
  EXPECT_TRUE(util::is_within("/a/b/c", "/a/b"));
  EXPECT_TRUE(util::is_within("/a/b/c", "/a/b/"));
  EXPECT_TRUE(util::is_within("/etc/passwd", "/"));
  EXPECT_FALSE(util::is_within("/a/bc", "/a/b"));
  EXPECT_FALSE(util::is_within("/a", "/a/b"));
  EXPECT_FALSE(util::is_within("/etc/passwd", "/a/b"));
}

} // namespace
} // namespace snipcheck::book

namespace snipcheck::app {
namespace {

namespace fs = std::filesystem;

TEST(IncludeRootsSetting, IsReadRelativeToSnipcheckTomlAndWidensTheBooksProject)
{
  const auto dir = fs::temp_directory_path() / ("snipcheck-include-roots-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "work/book");
  fs::create_directories(dir / "shared");
  const auto real = fs::canonical(dir);
  std::ofstream(dir / "work/book/snipcheck.toml") << "book = \".\"\ninclude-roots = [\"../../shared\", \"..\"]\n";
  auto options = load_defaults(dir / "work/book");
  EXPECT_EQ(options.include_roots, (std::vector<fs::path>{dir / "shared", dir / "work"}));
  EXPECT_EQ(book::include_roots_for(book_read_settings(options), options.book),
            (std::vector<fs::path>{real / "shared", real / "work"}));
  std::ofstream(dir / "work/book/snipcheck.toml") << "include-roots = \"../../shared\"\n";
  EXPECT_EQ(load_defaults(dir / "work/book").include_roots, std::vector<fs::path>{dir / "shared"});
  // Without the setting: the book's folder, which holds snipcheck.toml.
  std::ofstream(dir / "work/book/snipcheck.toml") << "book = \".\"\n";
  options = load_defaults(dir / "work/book");
  EXPECT_EQ(book::include_roots_for(book_read_settings(options), options.book),
            std::vector<fs::path>{real / "work/book"});
  // A folder that is not there, or not a path, is bad input at its line.
  std::ofstream(dir / "work/book/snipcheck.toml") << "book = \".\"\ninclude-roots = [\"../nowhere\"]\n";
  try {
    load_defaults(dir / "work/book");
    ADD_FAILURE() << "a missing include root was accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(error.problems().at(0).line, 2);
    EXPECT_NE(error.problems()[0].message.find("`include-roots`: " + (dir / "work/nowhere").string() +
                                               " is not a folder (a path is relative to snipcheck.toml)"),
              std::string::npos)
        << error.problems()[0].message;
  }
  std::ofstream(dir / "work/book/snipcheck.toml") << "include-roots = 3\n";
  EXPECT_THROW(load_defaults(dir / "work/book"), InputError);
  fs::remove_all(dir);
}

} // namespace
} // namespace snipcheck::app
