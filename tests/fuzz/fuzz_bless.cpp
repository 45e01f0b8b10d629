// libFuzzer target: check::bless_file round trip: blessed TOML must parse and be a fixed point.
// The entry itself lives in fuzz_entries.hpp, shared with the regression test.
#include "fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return snipcheck::fuzz::run_one(snipcheck::fuzz::bless_round_trip, data, size);
}
