#include "check/inventory.hpp"

#include "check/unavailable.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace snipcheck::check {

IgnoredToday describe_ignored(const Observed& observed)
{
  IgnoredToday today;
  switch (observed.build) {
  case Observed::Build::compiled:
    today.state = "compiles";
    today.summary = "compiles";
    return today;
  case Observed::Build::timed_out:
    today.state = "compile-timeout";
    today.summary = "timed out while compiling";
    return today;
  case Observed::Build::not_built:
    today.state = "not-built";
    today.summary = fmt::format("not built: {}", text::trim(observed.environment_problem));
    return today;
  case Observed::Build::failed: break;
  }
  today.errors = observed.error_codes();
  const auto missing = unavailable(Expectation{}, observed);
  if (!missing.crates.empty() || !missing.compiler_crates.empty()) {
    today.state = "needs-crate";
    today.crates = missing.crates;
    today.crates.insert(missing.compiler_crates.begin(), missing.compiler_crates.end());
    today.summary = fmt::format("needs a crate that is not available: {}", fmt::join(today.crates, ", "));
  } else if (!missing.native_libraries.empty()) {
    today.state = "needs-library";
    today.summary = fmt::format("needs a native library that is not on this machine: {}",
                                fmt::join(missing.native_libraries, ", "));
  } else {
    today.state = "fails";
    today.summary = fmt::format("fails with [{}]", fmt::join(today.errors, ", "));
  }
  return today;
}

} // namespace snipcheck::check
