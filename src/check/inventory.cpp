#include "check/inventory.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace snipcheck::check {

namespace {

constexpr std::string_view always_available[] = {"std",   "core", "alloc", "proc_macro", "test",
                                                 "crate", "self", "super", "Self"};

// The crate an unresolved-name error says it cannot find, as rustc 1.95 words it.
std::optional<std::string> missing_crate(const Diagnostic& diagnostic)
{
  static constexpr std::pair<std::string_view, std::string_view> forms[] = {
      {"E0463", "can't find crate for `"},
      {"E0432", "unresolved import `"},
      {"E0433", "cannot find module or crate `"},
      {"E0433", "use of undeclared crate or module `"},
      {"E0433", "use of unresolved module or unlinked crate `"},
  };
  for (const auto& [code, prefix] : forms) {
    const auto at = diagnostic.message.find(prefix);
    if (diagnostic.code != code || at == std::string::npos) {
      continue;
    }
    const auto begin = at + prefix.size();
    const auto end = diagnostic.message.find('`', begin);
    if (end == std::string::npos || end == begin) {
      continue;
    }
    const auto name = diagnostic.message.substr(begin, end - begin);
    if (std::all_of(name.begin(), name.end(), text::is_word_char) &&
        std::find(std::begin(always_available), std::end(always_available), name) == std::end(always_available) &&
        diagnostic.rendered.find("similar") == std::string::npos &&
        diagnostic.rendered.find("consider importing") == std::string::npos) {
      return name;
    }
  }
  return std::nullopt;
}

// Errors that follow from a missing crate (`#[tokio::main]`, a derive's attributes).
bool follows_from_missing_crate(const Diagnostic& diagnostic)
{
  return diagnostic.code == "E0752" ||
         (diagnostic.code.empty() && diagnostic.message.starts_with("cannot find attribute `"));
}

} // namespace

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
  bool only_missing = true;
  for (const auto& diagnostic : observed.diagnostics) {
    if (diagnostic.level != "error") {
      continue;
    }
    if (auto name = missing_crate(diagnostic)) {
      today.crates.insert(*name);
    } else if (!follows_from_missing_crate(diagnostic)) {
      only_missing = false;
    }
  }
  if (only_missing && !today.crates.empty()) {
    today.state = "needs-crate";
    today.summary = fmt::format("needs a crate that is not available: {}", fmt::join(today.crates, ", "));
  } else {
    today.state = "fails";
    today.crates.clear();
    today.summary = fmt::format("fails with [{}]", fmt::join(today.errors, ", "));
  }
  return today;
}

} // namespace snipcheck::check
