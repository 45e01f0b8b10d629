#include "cargo/compile_limit.hpp"
#include "cli/commands.hpp"

int main(int argc, char** argv)
{
  // Started by snipcheck to run a slot's programs (cargo/run_helper.hpp).
  if (const auto code = snipcheck::cargo::run_as_helper(argc, argv)) {
    return *code;
  }
  // Started by cargo as the rustc wrapper that enforces the compile-time limit.
  if (const auto limit = snipcheck::cargo::wrapper_limit_from_environment()) {
    return snipcheck::cargo::run_rustc_within_limit(argc, argv, *limit);
  }
  return snipcheck::cli::main(argc, argv);
}
