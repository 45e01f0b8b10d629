// libFuzzer target: the LaTeX reader (book::parse_latex_file).
// The entry itself lives in fuzz_entries.hpp, shared with the regression test.
#include "fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return snipcheck::fuzz::run_one(snipcheck::fuzz::latex_book, data, size);
}
