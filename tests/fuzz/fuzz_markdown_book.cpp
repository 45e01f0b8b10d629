// libFuzzer target: the Markdown reader (book::parse_markdown_file).
// The entry itself lives in fuzz_entries.hpp, shared with the regression test.
#include "fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return snipcheck::fuzz::run_one(snipcheck::fuzz::markdown_book, data, size);
}
