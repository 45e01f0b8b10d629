// The run helper's protocol and its main loop (run_helper.hpp). snipcheck's
// side, which starts the helper and waits for its replies, is in process.cpp.
#include "cargo/run_helper.hpp"

#include "util/errors.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/prctl.h>
#include <unistd.h>

namespace snipcheck::cargo {

namespace {

using nlohmann::json;

json optional_number(const std::optional<std::size_t>& value)
{
  return value ? json(*value) : json(nullptr);
}

std::optional<std::size_t> read_optional_number(const json& value)
{
  return value.is_null() ? std::nullopt : std::optional<std::size_t>(value.get<std::size_t>());
}

// Bytes of any kind (a program's output need not be UTF-8) as a CBOR byte string.
json bytes(const std::string& text)
{
  return json::binary(std::vector<std::uint8_t>(text.begin(), text.end()));
}

std::string read_bytes(const json& value)
{
  const auto& data = value.get_binary();
  return std::string(data.begin(), data.end());
}

std::vector<std::string> read_paths(const json& value)
{
  return value.get<std::vector<std::string>>();
}

json encode_view(const FileView& view)
{
  json files_at = json::array();
  for (const auto& [source, place] : view.files_at) {
    files_at.push_back({source.string(), place.string()});
  }
  std::vector<std::string> read_only(view.read_only.begin(), view.read_only.end());
  std::vector<std::string> writable(view.writable.begin(), view.writable.end());
  return {{"read_only", read_only},
          {"writable", writable},
          {"devices", view.devices},
          {"files_at", files_at},
          {"private_folder", view.private_folder.string()}};
}

FileView decode_view(const json& value)
{
  FileView view;
  for (const auto& path : read_paths(value.at("read_only"))) {
    view.read_only.emplace_back(path);
  }
  for (const auto& path : read_paths(value.at("writable"))) {
    view.writable.emplace_back(path);
  }
  view.devices = value.at("devices").get<std::vector<std::string>>();
  for (const auto& pair : value.at("files_at")) {
    view.files_at.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
  }
  view.private_folder = value.at("private_folder").get<std::string>();
  return view;
}

std::string encode_frame(const json& body)
{
  const auto cbor = json::to_cbor(body);
  return frame_header(cbor.size()) + std::string(cbor.begin(), cbor.end());
}

json decode_frame(std::string_view body, const char* what)
{
  const auto value = json::from_cbor(body.begin(), body.end(), true, false);
  if (value.is_discarded() || !value.is_object()) {
    throw Fatal(fmt::format("the run helper's protocol broke: a {} that is not a CBOR map", what));
  }
  return value;
}

// Reads exactly `size` bytes; false at the end of the stream before the first byte.
bool read_exactly(int fd, char* data, std::size_t size)
{
  std::size_t done = 0;
  while (done < size) {
    const auto n = ::read(fd, data + done, size - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n == 0 && done == 0) {
      return false;
    } else if (n == 0 || errno != EINTR) {
      throw Fatal(fmt::format("the run helper cannot read its requests: {}",
                              n == 0 ? "the stream ended inside a frame" : std::strerror(errno)));
    }
  }
  return true;
}

void write_all(int fd, const std::string& data)
{
  std::size_t done = 0;
  while (done < data.size()) {
    const auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      throw Fatal(fmt::format("the run helper cannot write its replies: {}", std::strerror(errno)));
    }
    done += static_cast<std::size_t>(n);
  }
}

// The next request, or nothing when snipcheck closed the socket.
std::optional<Command> next_request(int fd)
{
  std::string header(4, '\0');
  if (!read_exactly(fd, header.data(), header.size())) {
    return std::nullopt;
  }
  const auto length = frame_length(header);
  if (!length) {
    throw Fatal("the run helper's protocol broke: a request over the frame limit");
  }
  std::string body(*length, '\0');
  if (!read_exactly(fd, body.data(), body.size()) && *length > 0) {
    throw Fatal("the run helper's protocol broke: the stream ended inside a request");
  }
  return decode_request(body);
}

} // namespace

std::string frame_header(std::size_t body_bytes)
{
  std::string header(4, '\0');
  for (int k = 0; k < 4; ++k) {
    header[k] = static_cast<char>((body_bytes >> (8 * k)) & 0xff);
  }
  return header;
}

std::optional<std::uint32_t> frame_length(std::string_view header)
{
  std::uint32_t length = 0;
  for (int k = 0; k < 4; ++k) {
    length |= static_cast<std::uint32_t>(static_cast<unsigned char>(header.at(k))) << (8 * k);
  }
  return length <= max_frame_bytes ? std::optional(length) : std::nullopt;
}

std::string encode_request(const Command& command)
{
  json request{{"argv", command.argv},
               {"working_dir", command.working_dir.string()},
               {"clear_environment", command.environment == Environment::clear},
               {"set_env", command.set_env},
               {"unset_env", command.unset_env},
               {"timeout_ms", command.timeout ? json(command.timeout->count()) : json(nullptr)},
               {"output_limit", command.output_limit},
               {"limits",
                {{"address_space", optional_number(command.limits.address_space_bytes)},
                 {"cpu", optional_number(command.limits.cpu_seconds)},
                 {"file_size", optional_number(command.limits.file_size_bytes)},
                 {"processes", optional_number(command.limits.processes)}}},
               {"network_namespace", command.sandbox.new_network_namespace},
               {"uid", command.sandbox.run_as_uid ? json(*command.sandbox.run_as_uid) : json(nullptr)},
               {"view", command.sandbox.view ? encode_view(*command.sandbox.view) : json(nullptr)},
               {"own_process_group", command.own_process_group},
               {"kill_on_output_limit", command.kill_on_output_limit}};
  return encode_frame(request);
}

Command decode_request(std::string_view body)
{
  const auto request = decode_frame(body, "request");
  try {
    Command command;
    command.argv = request.at("argv").get<std::vector<std::string>>();
    command.working_dir = request.at("working_dir").get<std::string>();
    command.environment = request.at("clear_environment").get<bool>() ? Environment::clear : Environment::inherit;
    command.set_env = request.at("set_env").get<std::map<std::string, std::string>>();
    command.unset_env = request.at("unset_env").get<std::vector<std::string>>();
    if (!request.at("timeout_ms").is_null()) {
      command.timeout = std::chrono::milliseconds(request.at("timeout_ms").get<long long>());
    }
    command.output_limit = request.at("output_limit").get<std::size_t>();
    const auto& limits = request.at("limits");
    command.limits.address_space_bytes = read_optional_number(limits.at("address_space"));
    command.limits.cpu_seconds = read_optional_number(limits.at("cpu"));
    command.limits.file_size_bytes = read_optional_number(limits.at("file_size"));
    command.limits.processes = read_optional_number(limits.at("processes"));
    command.sandbox.new_network_namespace = request.at("network_namespace").get<bool>();
    if (!request.at("uid").is_null()) {
      command.sandbox.run_as_uid = request.at("uid").get<unsigned>();
    }
    if (!request.at("view").is_null()) {
      command.sandbox.view = decode_view(request.at("view"));
    }
    command.own_process_group = request.at("own_process_group").get<bool>();
    command.kill_on_output_limit = request.at("kill_on_output_limit").get<bool>();
    if (command.argv.empty()) {
      throw Fatal("the run helper's protocol broke: a request without a program");
    }
    return command;
  } catch (const json::exception& error) {
    throw Fatal(fmt::format("the run helper's protocol broke: a malformed request ({})", error.what()));
  }
}

std::string encode_reply(const RunReply& reply)
{
  const auto& result = reply.result;
  json body{{"kind", static_cast<int>(reply.kind)},
            {"message", reply.message},
            {"status", static_cast<int>(result.status.kind)},
            {"code", result.status.code},
            {"signal", result.status.signal},
            {"out", bytes(result.out)},
            {"err", bytes(result.err)},
            {"out_truncated", result.out_truncated},
            {"err_truncated", result.err_truncated},
            {"duration_ms", result.duration.count()},
            {"start_error", bytes(result.start_error)}};
  return encode_frame(body);
}

RunReply decode_reply(std::string_view body)
{
  const auto value = decode_frame(body, "reply");
  try {
    RunReply reply;
    const auto kind = value.at("kind").get<int>();
    const auto status = value.at("status").get<int>();
    if (kind < 0 || kind > static_cast<int>(RunReply::Kind::failed) || status < 0 ||
        status > static_cast<int>(ExitStatus::Kind::not_started)) {
      throw Fatal("the run helper's protocol broke: a reply of an unknown kind");
    }
    reply.kind = static_cast<RunReply::Kind>(kind);
    reply.message = value.at("message").get<std::string>();
    auto& result = reply.result;
    result.status.kind = static_cast<ExitStatus::Kind>(status);
    result.status.code = value.at("code").get<int>();
    result.status.signal = value.at("signal").get<int>();
    result.out = read_bytes(value.at("out"));
    result.err = read_bytes(value.at("err"));
    result.out_truncated = value.at("out_truncated").get<bool>();
    result.err_truncated = value.at("err_truncated").get<bool>();
    result.duration = std::chrono::milliseconds(value.at("duration_ms").get<long long>());
    result.start_error = read_bytes(value.at("start_error"));
    return reply;
  } catch (const json::exception& error) {
    throw Fatal(fmt::format("the run helper's protocol broke: a malformed reply ({})", error.what()));
  }
}

std::optional<int> run_as_helper(int argc, char** argv)
{
  if (argc != 2 || argv[1] != run_helper_argument) {
    return std::nullopt;
  }
  return serve_runs(STDIN_FILENO, STDOUT_FILENO);
}

int serve_runs(int requests, int replies)
{
  // Started with PR_SET_PDEATHSIG (kept across exec): it dies with snipcheck.
  // SIGTERM from snipcheck stops the running program, as an interrupt does.
  install_interrupt_handler();
  const auto runner = make_process_runner();
  for (;;) {
    RunReply reply;
    try {
      const auto command = next_request(requests);
      if (!command) {
        return 0;
      }
      reply.result = runner->run(*command);
    } catch (const Interrupted&) {
      reply.kind = RunReply::Kind::interrupted;
    } catch (const std::exception& error) {
      reply.kind = RunReply::Kind::failed;
      reply.message = error.what();
    }
    write_all(replies, encode_reply(reply));
    if (reply.kind != RunReply::Kind::finished) {
      return reply.kind == RunReply::Kind::interrupted ? 130 : 3;
    }
  }
}

} // namespace snipcheck::cargo
