// End-to-end, heavy: book-level [dependencies] (docs/settings.md) on an async
// mdBook whose listings use futures, tokio, async-std and the book's own
// helper crate, all offline from Debian's directory registry.
#include "e2e_support.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace {

using namespace snipcheck::e2e;
using snipcheck::text::read_file;

TEST(Crates, AnAsyncBookBuildsWithTheCratesItDeclaresOnce)
{
  const auto temp = fresh_test_folder("crates");
  const auto book = temp / "book";
  fs::copy(source_dir / "tests/e2e/books/async-mdbook", book, fs::copy_options::recursive);
  const auto snipcheck = "'" + binary.string() + "'";
  auto run = run_shell(snipcheck, book, temp);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("ok: 4 listings: 4 pass"), std::string::npos) << run.out;

  // The helper crate is part of the cache key: editing it re-checks its listing.
  auto helper = read_file(book / "helpers/src/lib.rs");
  helper.replace(helper.find("hello from the book"), 5, "howdy");
  std::ofstream(book / "helpers/src/lib.rs") << helper;
  run = run_shell(snipcheck, book, temp);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("FAIL      ch01/1-2"), std::string::npos) << run.out;

  // Without the book's [dependencies], the listings cannot be checked: the setting is what made them work.
  // A listing that fails only for a missing crate is a skip naming the crate, never a pass.
  auto config = read_file(book / "snipcheck.toml");
  config.erase(config.find("[dependencies]"));
  std::ofstream(book / "snipcheck.toml") << config;
  run = run_shell(snipcheck + " --report json=report.json", book, temp);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("0 pass, 0 fail, 0 stale, 4 skip"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("which is not available"), std::string::npos) << run.out;
  fs::remove_all(temp);
}

} // namespace
