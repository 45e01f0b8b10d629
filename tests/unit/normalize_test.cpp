#include "check/normalize.hpp"

#include <gtest/gtest.h>

namespace snipcheck::check {
namespace {

const NormalizePass& pass(const std::string& name)
{
  for (const auto& candidate : normalize_passes()) {
    if (candidate.name == name) {
      return candidate;
    }
  }
  throw std::runtime_error("no pass " + name);
}

NormalizeContext context()
{
  return {"ch02/src/bin/ch02_2_3_1.rs", "/work/.snipcheck/stable-2021/workspace", [](int line) {
            return line == 4 ? BookPlace{"book.txt", 286} : BookPlace{};
          }};
}

TEST(Normalize, ScratchLocationsPointAtTheBook)
{
  const std::string rendered = "error[E0106]: missing lifetime specifier\n --> ch02/src/bin/ch02_2_3_1.rs:4:33\n  |\n";
  EXPECT_EQ(pass("scratch-locations").apply(rendered, context()),
            "error[E0106]: missing lifetime specifier\n --> book.txt:286:33\n  |\n");
  EXPECT_EQ(pass("scratch-locations").apply(" --> ch02/src/bin/ch02_2_3_1.rs:2:1", context()),
            " --> (scaffolding, line 2 of the compiled file)");
  EXPECT_EQ(pass("scratch-locations").apply(" --> other.rs:4:1\n", context()), " --> other.rs:4:1\n");
}

TEST(Normalize, WorkspaceRootIsHidden)
{
  EXPECT_EQ(pass("workspace-root").apply("at /work/.snipcheck/stable-2021/workspace/ch02/Cargo.toml", context()),
            "at $WORKSPACE/ch02/Cargo.toml");
}

TEST(Normalize, SysrootPathsAreStable)
{
  EXPECT_EQ(
      pass("rustc-sysroot").apply("/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/fmt.rs", context()),
      "$RUST/library/core/src/fmt.rs");
}

TEST(Normalize, PassesRunInOrder)
{
  EXPECT_EQ(normalize_passes().front().name, "scratch-locations");
  EXPECT_EQ(normalize(" --> ch02/src/bin/ch02_2_3_1.rs:4:33 in /work/.snipcheck/stable-2021/workspace", context()),
            " --> book.txt:286:33 in $WORKSPACE");
}

} // namespace
} // namespace snipcheck::check
