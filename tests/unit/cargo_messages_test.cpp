#include "cargo/cargo.hpp"
#include "fake_runner.hpp"
#include "test_support.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace snipcheck::cargo {
namespace {

std::string captured_check()
{
  return text::read_file(testing::source_dir() / "tests" / "data" / "cargo-check-ch02.jsonl");
}

TEST(CargoMessages, SplitsDiagnosticsByTarget)
{
  const auto messages = parse_cargo_messages(captured_check());
  ASSERT_TRUE(messages.finished_successfully.has_value());
  EXPECT_FALSE(*messages.finished_successfully);
  std::vector<std::string> codes;
  for (const auto& message : messages.messages) {
    if (message.level == "error" && !is_summary_message(message)) {
      EXPECT_TRUE(message.target_src_path.ends_with("ch02-e2021/src/bin/ch02_2_3_1.rs")) << message.target_src_path;
      codes.push_back(message.code);
    }
  }
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(codes, (std::vector<std::string>{"E0106", "E0428"}));
}

// rustc 1.95 crashing on a listing (rustc-dev-guide's hir-typeck/coercions.md):
// its JSON level is "error: internal compiler error". That is the listing's
// failure at the span rustc names, as rustdoc reports it, never the environment's.
TEST(CargoMessages, AnInternalCompilerErrorIsAnErrorOfTheListingItNames)
{
  const auto messages =
      parse_cargo_messages(text::read_file(testing::source_dir() / "tests" / "data" / "cargo-build-ice.jsonl"));
  std::vector<const CompilerMessage*> errors;
  for (const auto& message : messages.messages) {
    if (message.level == "error" && !is_summary_message(message)) {
      errors.push_back(&message);
    }
  }
  ASSERT_EQ(errors.size(), 2u);
  for (const auto* error : errors) {
    EXPECT_TRUE(error->target_src_path.ends_with("/src/bin/ice.rs")) << error->target_src_path;
    EXPECT_TRUE(error->message.starts_with("internal compiler error: ")) << error->message;
    ASSERT_TRUE(error->span.has_value());
    EXPECT_EQ(error->span->line, 15);
  }
}

TEST(CargoMessages, PrimarySpanIsInTheTargetFile)
{
  const auto messages = parse_cargo_messages(captured_check());
  const auto e0106 = std::find_if(messages.messages.begin(), messages.messages.end(),
                                  [](const CompilerMessage& m) { return m.code == "E0106"; });
  ASSERT_NE(e0106, messages.messages.end());
  ASSERT_TRUE(e0106->span.has_value());
  EXPECT_EQ(e0106->span->line, 4); // #![allow], fn main, comment, then the signature
  EXPECT_EQ(e0106->span->column, 33);
  EXPECT_NE(e0106->rendered.find("missing lifetime specifier"), std::string::npos);
}

TEST(CargoMessages, ArtifactsMarkBuiltTargets)
{
  const auto messages = parse_cargo_messages(captured_check());
  const auto built = std::count_if(messages.built.begin(), messages.built.end(), [](const std::string& path) {
    return path.find("/ch02-e2021/src/bin/") != std::string::npos;
  });
  EXPECT_EQ(built, 5);
  EXPECT_FALSE(std::any_of(messages.built.begin(), messages.built.end(),
                           [](const std::string& path) { return path.ends_with("ch02_2_3_1.rs"); }));
}

TEST(CargoMessages, NonJsonLinesAndGarbageAreIgnored)
{
  const auto messages =
      parse_cargo_messages("warning: text\n{not json\n{\"reason\":\"build-finished\",\"success\":true}\n");
  EXPECT_TRUE(messages.messages.empty());
  EXPECT_EQ(messages.finished_successfully, true);
}

TEST(CargoMessages, SpanInsideAMacroIsFollowedBackToTheListing)
{
  const std::string line =
      R"({"reason":"compiler-message","target":{"src_path":"/w/ch01/src/bin/a.rs"},"message":{"level":"error",)"
      R"("code":{"code":"E0308"},"message":"mismatched","rendered":"r","spans":[{"file_name":"/rustc/lib/macros.rs",)"
      R"("line_start":9,"column_start":1,"is_primary":true,"expansion":{"span":{"file_name":"ch01/src/bin/a.rs",)"
      R"("line_start":7,"column_start":5,"is_primary":false}}}]}})";
  const auto messages = parse_cargo_messages(line);
  ASSERT_EQ(messages.messages.size(), 1u);
  ASSERT_TRUE(messages.messages[0].span);
  EXPECT_EQ(messages.messages[0].span->line, 7);
  EXPECT_EQ(messages.messages[0].span->file, "ch01/src/bin/a.rs");
}

TEST(CargoCommand, IsHardened)
{
  CargoSettings settings{"/ws", "/target", "nightly", true};
  const auto command = cargo_command(settings, "check", {"--workspace"});
  EXPECT_EQ(command.argv[0], "cargo");
  EXPECT_EQ(command.argv[1], "+nightly");
  EXPECT_EQ(command.argv[2], "check");
  EXPECT_NE(std::find(command.argv.begin(), command.argv.end(), "--offline"), command.argv.end());
  EXPECT_NE(std::find(command.argv.begin(), command.argv.end(), "--message-format=json"), command.argv.end());
  EXPECT_EQ(command.set_env.at("CARGO_TARGET_DIR"), "/target");
  EXPECT_EQ(command.set_env.at("CARGO_INCREMENTAL"), "0");
  // Nothing of the caller's environment but what toolchain_environment() lets through.
  EXPECT_EQ(command.environment, Environment::clear);
  EXPECT_EQ(command.set_env.count("RUSTFLAGS"), 0u);
  EXPECT_TRUE(command.limits.address_space_bytes.has_value());
}

TEST(CargoCommand, RunsTheResolvedToolchainsOwnCargoAndRustc)
{
  CargoSettings settings{"/ws", "/target", "nightly", false};
  settings.toolchain_bin = "/toolchains/nightly/bin";
  const auto command = cargo_command(settings, "build", {});
  EXPECT_EQ(command.argv[0], "/toolchains/nightly/bin/cargo");
  EXPECT_EQ(command.argv[1], "build"); // no +nightly: no proxy to read it
  EXPECT_EQ(command.set_env.at("RUSTC"), "/toolchains/nightly/bin/rustc");
}

class ResolveToolchain : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_sysroot = std::filesystem::temp_directory_path() / ("snipcheck-sysroot-" + std::to_string(::getpid()));
    std::filesystem::create_directories(m_sysroot / "bin");
  }
  void TearDown() override { std::filesystem::remove_all(m_sysroot); }

  void add_tool(const char* name)
  {
    const auto path = m_sysroot / "bin" / name;
    std::ofstream(path) << "#!/bin/sh\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }

  // rustup's proxy answers --print sysroot; any rustc answers -vV.
  testing::FakeRunner runner()
  {
    return testing::FakeRunner([this](const Command& command) {
      if (std::find(command.argv.begin(), command.argv.end(), "sysroot") != command.argv.end()) {
        return testing::exited(0, m_sysroot.string() + "\n");
      }
      return testing::exited(0, "rustc 1.95.0 (59807616e 2026-04-14)\nhost: x86_64-unknown-linux-gnu\n");
    });
  }

  std::filesystem::path m_sysroot;
};

TEST_F(ResolveToolchain, FindsTheSysrootsCargoAndAsksItsRustcForTheVersion)
{
  add_tool("rustc");
  add_tool("cargo");
  auto fake = runner();
  const auto resolved = resolve_toolchain(fake, "nightly");
  EXPECT_EQ(resolved.bin, m_sysroot / "bin");
  EXPECT_TRUE(resolved.verbose_version.starts_with("rustc 1.95.0"));
  ASSERT_EQ(fake.commands.size(), 2u);
  EXPECT_EQ(fake.commands[0].argv, (std::vector<std::string>{"rustc", "+nightly", "--print", "sysroot"}));
  EXPECT_EQ(fake.commands[1].argv, (std::vector<std::string>{(m_sysroot / "bin" / "rustc").string(), "-vV"}));
}

TEST_F(ResolveToolchain, WithoutCargoBesideRustcTheProxiesOnPathAreKept)
{
  add_tool("rustc"); // a rustc installed on its own: cargo comes from elsewhere
  auto fake = runner();
  const auto resolved = resolve_toolchain(fake, "");
  EXPECT_TRUE(resolved.bin.empty());
  ASSERT_EQ(fake.commands.size(), 2u);
  EXPECT_EQ(fake.commands[1].argv, (std::vector<std::string>{"rustc", "-vV"}));
}

TEST_F(ResolveToolchain, AToolchainThatIsNotInstalledIsFatal)
{
  testing::FakeRunner fake([](const Command&) { return testing::exited(1, "", "error: toolchain 'nope' is not installed"); });
  EXPECT_THROW(resolve_toolchain(fake, "nope"), Fatal);
}

} // namespace
} // namespace snipcheck::cargo
