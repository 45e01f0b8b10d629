#include "cargo/cargo.hpp"
#include "test_support.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

#include <algorithm>

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

} // namespace
} // namespace snipcheck::cargo
