#pragma once
// Inside the process module (cargo/process.cpp and its parts), not for the
// stages above: the run helper, a small process per program slot (snipcheck
// itself, executed again with `run_helper_argument`) that starts the slot's
// programs one after another from its own small address space, so that the
// forks of a program's sandbox copy the helper's page tables, not those of a
// snipcheck holding a whole book. snipcheck and the helper speak in frames over
// a socket: a 4-byte little-endian length, then a CBOR map (RFC 8949). A
// program's output reaches the helper through pipes of its own and travels as
// a byte string inside a reply, so nothing it prints can pass for a frame.

#include "cargo/process.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace snipcheck::cargo {

// argv[1] of a run helper. Not an option: nobody types it.
inline constexpr std::string_view run_helper_argument = "--internal-run-helper";

// Frames larger than this are refused (a reply holds at most two capped outputs).
inline constexpr std::uint32_t max_frame_bytes = 256u << 20;

// What the helper answers to one request.
struct RunReply
{
  enum class Kind { finished, interrupted, failed };
  Kind kind = Kind::finished;
  CommandResult result; // finished
  std::string message;  // failed: what went wrong in the helper (an environment failure)
};

// A request: the command, without its callback (the helper runs nothing that reports lines).
std::string encode_request(const Command& command);
Command decode_request(std::string_view body);

std::string encode_reply(const RunReply& reply);
RunReply decode_reply(std::string_view body);

// The 4 bytes that precede a frame's body, and the body's length they give
// (nothing when it is over max_frame_bytes).
std::string frame_header(std::size_t body_bytes);
std::optional<std::uint32_t> frame_length(std::string_view header);

// The helper's main loop: reads requests on `requests`, runs each with the
// process runner, writes the replies on `replies`; returns its exit code when
// snipcheck closes the socket (0) or after an interrupt (130).
int serve_runs(int requests, int replies);

} // namespace snipcheck::cargo
