// The run helper's protocol (cargo/run_helper.hpp): commands and results cross
// it whole, and nothing a program prints can pass for a frame.
#include "cargo/run_helper.hpp"
#include "util/errors.hpp"

#include <gtest/gtest.h>

namespace {

using namespace snipcheck;
using namespace snipcheck::cargo;

// The body of the one frame in `frame`, checked against its header.
std::string_view body_of(const std::string& frame)
{
  const auto length = frame_length(frame.substr(0, 4));
  EXPECT_TRUE(length.has_value());
  EXPECT_EQ(frame.size(), 4 + *length) << "the header gives the whole frame";
  return std::string_view(frame).substr(4);
}

TEST(RunHelperProtocol, ACommandCrossesWhole)
{
  Command command;
  command.argv = {"/tmp/snipcheck-run-3/program-merged_1", "module_7"};
  command.working_dir = "/tmp/snipcheck-run-3";
  command.environment = Environment::clear;
  command.set_env = {{"HOME", "/tmp/snipcheck-run-3"}, {"LANG", "C.UTF-8"}};
  command.unset_env = {"RUSTFLAGS"};
  command.timeout = std::chrono::milliseconds(2500);
  command.output_limit = 1024 * 1024;
  command.kill_on_output_limit = true;
  command.own_process_group = true;
  command.limits.address_space_bytes = std::size_t{2} << 30;
  command.limits.cpu_seconds = 3;
  command.limits.processes = 256;
  command.sandbox.new_network_namespace = true;
  command.sandbox.run_as_uid = 61003;
  command.sandbox.view = system_view({"null", "zero"});
  command.sandbox.view->writable = {"/work/target"};
  command.sandbox.view->files_at = {{"/work/target/debug/merged_1", "/tmp/snipcheck-run-3/program-merged_1"}};
  command.sandbox.view->private_folder = "/tmp/snipcheck-run-3";

  const auto frame = encode_request(command);
  const auto back = decode_request(body_of(frame));
  EXPECT_EQ(back.argv, command.argv);
  EXPECT_EQ(back.working_dir, command.working_dir);
  EXPECT_EQ(back.environment, Environment::clear);
  EXPECT_EQ(back.set_env, command.set_env);
  EXPECT_EQ(back.unset_env, command.unset_env);
  EXPECT_EQ(back.timeout, command.timeout);
  EXPECT_EQ(back.output_limit, command.output_limit);
  EXPECT_TRUE(back.kill_on_output_limit);
  EXPECT_TRUE(back.own_process_group);
  EXPECT_EQ(back.limits.address_space_bytes, command.limits.address_space_bytes);
  EXPECT_EQ(back.limits.cpu_seconds, command.limits.cpu_seconds);
  EXPECT_EQ(back.limits.file_size_bytes, std::nullopt);
  EXPECT_EQ(back.limits.processes, command.limits.processes);
  EXPECT_TRUE(back.sandbox.new_network_namespace);
  EXPECT_EQ(back.sandbox.run_as_uid, command.sandbox.run_as_uid);
  ASSERT_TRUE(back.sandbox.view.has_value());
  EXPECT_EQ(back.sandbox.view->read_only, command.sandbox.view->read_only);
  EXPECT_EQ(back.sandbox.view->writable, command.sandbox.view->writable);
  EXPECT_EQ(back.sandbox.view->devices, command.sandbox.view->devices);
  EXPECT_EQ(back.sandbox.view->files_at, command.sandbox.view->files_at);
  EXPECT_EQ(back.sandbox.view->private_folder, command.sandbox.view->private_folder);

  Command plain;
  plain.argv = {"true"};
  const auto plain_back = decode_request(body_of(encode_request(plain)));
  EXPECT_EQ(plain_back.environment, Environment::inherit);
  EXPECT_EQ(plain_back.timeout, std::nullopt);
  EXPECT_EQ(plain_back.sandbox.run_as_uid, std::nullopt);
  EXPECT_FALSE(plain_back.sandbox.view.has_value());
}

// A program that prints a frame of its own (header and all), NUL bytes and
// bytes that are not UTF-8: its output comes back as those bytes, inside the
// one frame the helper wrote.
TEST(RunHelperProtocol, OutputThatLooksLikeAFrameIsData)
{
  RunReply forged;
  forged.result.status = {ExitStatus::Kind::exited, 0, 0};
  forged.result.out = "all good";
  const auto forged_frame = encode_reply(forged);

  RunReply reply;
  reply.result.status = {ExitStatus::Kind::signaled, 0, 9};
  reply.result.out = forged_frame + forged_frame + std::string("\0\xff\xfe\x80 tail", 9);
  reply.result.err = frame_header(3) + "\xc3\x28";
  reply.result.out_truncated = true;
  reply.result.duration = std::chrono::milliseconds(1234);
  reply.result.start_error = "";

  const auto frame = encode_reply(reply);
  const auto back = decode_reply(body_of(frame));
  EXPECT_EQ(back.kind, RunReply::Kind::finished);
  EXPECT_EQ(back.result.status.kind, ExitStatus::Kind::signaled);
  EXPECT_EQ(back.result.status.signal, 9);
  EXPECT_EQ(back.result.out, reply.result.out);
  EXPECT_EQ(back.result.err, reply.result.err);
  EXPECT_TRUE(back.result.out_truncated);
  EXPECT_FALSE(back.result.err_truncated);
  EXPECT_EQ(back.result.duration, std::chrono::milliseconds(1234));
}

TEST(RunHelperProtocol, InterruptsAndFailuresAreRepliesOfTheirOwn)
{
  RunReply failed;
  failed.kind = RunReply::Kind::failed;
  failed.message = "cannot create /run/snipcheck";
  const auto back = decode_reply(body_of(encode_reply(failed)));
  EXPECT_EQ(back.kind, RunReply::Kind::failed);
  EXPECT_EQ(back.message, failed.message);

  RunReply interrupted;
  interrupted.kind = RunReply::Kind::interrupted;
  EXPECT_EQ(decode_reply(body_of(encode_reply(interrupted))).kind, RunReply::Kind::interrupted);
}

// A broken helper (a torn or garbled frame, an oversized length) is an
// environment failure, never a listing's result.
TEST(RunHelperProtocol, ABrokenFrameIsFatal)
{
  EXPECT_EQ(frame_length(std::string("\xff\xff\xff\xff", 4)), std::nullopt);
  EXPECT_EQ(frame_length(frame_header(10)), 10u);

  RunReply reply;
  reply.result.out = "hello";
  const auto frame = encode_reply(reply);
  const auto body = body_of(frame);
  EXPECT_THROW(decode_reply(body.substr(0, body.size() / 2)), Fatal);
  EXPECT_THROW(decode_reply("not cbor at all"), Fatal);
  EXPECT_THROW(decode_request(body), Fatal); // a reply is not a request
  Command command;
  command.argv = {"true"};
  EXPECT_THROW(decode_reply(body_of(encode_request(command))), Fatal);
}

} // namespace
