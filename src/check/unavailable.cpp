#include "check/unavailable.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace snipcheck::check {

namespace {

// The crates that come with every toolchain, and the path keywords.
constexpr std::string_view always_available[] = {"std",   "core", "alloc", "proc_macro", "test",
                                                 "crate", "self", "super", "Self"};

// The name in backticks right after `prefix` in `message`, if `prefix` occurs.
std::optional<std::string> quoted_after(std::string_view message, std::string_view prefix)
{
  const auto at = message.find(prefix);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  const auto begin = at + prefix.size();
  const auto end = message.find('`', begin);
  if (end == std::string_view::npos || end == begin) {
    return std::nullopt;
  }
  return std::string(message.substr(begin, end - begin));
}

struct CrateError
{
  std::string name;
  bool path_root = false; // `x::y` (only a module or type named x would resolve it), not `use x;`
  bool imported = false;  // in a `use` item: traits from it are missing too
};

// The crate an error says it cannot find, as rustc words it (1.95, and the
// older "failed to resolve: use of undeclared crate or module `x`"):
//   E0463 can't find crate for `x`            (extern crate x;)
//   E0432 unresolved import `x`               (use x; "no external crate `x`", or use x::y;
//                                              a longer path `x::y` means x was found)
//   E0433 cannot find module or crate `x`     (x::f() in an expression, use x::y::z;)
std::optional<CrateError> crate_not_found(const Diagnostic& diagnostic)
{
  std::optional<std::string> name;
  if (diagnostic.code == "E0463") {
    name = quoted_after(diagnostic.message, "can't find crate for `");
  } else if (diagnostic.code == "E0432") {
    name = quoted_after(diagnostic.message, "unresolved import `");
  } else if (diagnostic.code == "E0433") {
    for (const auto prefix :
         {"cannot find module or crate `", "undeclared crate or module `", "unresolved module or unlinked crate `"}) {
      if ((name = quoted_after(diagnostic.message, prefix))) {
        break;
      }
    }
  }
  // A crate's name starts with a letter: `__::Add` is an exercise's blank, not a crate.
  if (!name || !std::isalpha(static_cast<unsigned char>(name->front())) ||
      !std::all_of(name->begin(), name->end(), text::is_word_char) ||
      std::find(std::begin(always_available), std::end(always_available), *name) != std::end(always_available)) {
    return std::nullopt;
  }
  // rustc knows a module or item of that name (a forgotten `use`, `crate::` or a typo): the listing's error.
  for (const auto hint : {"a similar path exists", "consider importing", "similar name"}) {
    if (diagnostic.rendered.find(hint) != std::string::npos) {
      return std::nullopt;
    }
  }
  CrateError error;
  error.name = *name;
  error.path_root = diagnostic.code == "E0433" ||
                    diagnostic.rendered.find("unresolved module or unlinked crate") != std::string::npos;
  error.imported = diagnostic.code == "E0432" || diagnostic.rendered.find("| use ") != std::string::npos ||
                   diagnostic.rendered.find("| pub use ") != std::string::npos;
  return error;
}

// The libraries a link error says `-l` cannot find, when they are its only
// cause; nothing for any other link error (a symbol nothing defines).
//   rust-lld: error: unable to find library -lextlib
//   /usr/bin/ld: cannot find -lextlib: No such file or directory
std::set<std::string> libraries_not_found(const Diagnostic& diagnostic)
{
  if (!diagnostic.code.empty() || !diagnostic.message.starts_with("linking with `")) {
    return {};
  }
  std::set<std::string> libraries;
  for (const auto& line : text::split_lines(diagnostic.rendered)) {
    const auto trimmed = text::trim(line);
    if (trimmed.starts_with("error: linking with `") ||
        (trimmed.starts_with("= note:") && text::trim(trimmed.substr(7)).starts_with('"'))) {
      continue; // the message itself, and the linker's command line (`"cc" "-m64" ...`, paths may say anything)
    }
    std::size_t at = std::string::npos;
    for (const auto marker : {"unable to find library -l", "cannot find -l"}) {
      if ((at = line.find(marker)) != std::string::npos) {
        at += std::string_view(marker).size();
        break;
      }
    }
    if (at != std::string::npos) {
      auto end = line.find_first_of(" \t:", at + 1); // `-l:libx.a` is verbatim
      auto name = line.substr(at, end == std::string::npos ? std::string::npos : end - at);
      if (!name.empty()) {
        libraries.insert(name);
      }
    } else if (line.find("collect2: error: ld returned") == std::string::npos &&
               (line.find("error") != std::string::npos || line.find("undefined") != std::string::npos ||
                line.find("multiple definition") != std::string::npos)) {
      return {}; // something else is wrong too
    }
  }
  return libraries;
}

// An error that follows from a missing crate: `#[tokio::main] async fn main`
// (E0752), a derive's helper attribute such as `#[error(...)]`, and in a
// `#![no_std]` listing what panic_halt or an allocator crate would provide.
bool follows_from_missing_crate(const Diagnostic& diagnostic)
{
  if (diagnostic.code == "E0752") {
    return true;
  }
  if (!diagnostic.code.empty()) {
    return false;
  }
  for (const auto start : {"cannot find attribute `", "`#[panic_handler]` function required",
                           "unwinding panics are not supported without std", "no global memory allocator found"}) {
    if (diagnostic.message.starts_with(start)) {
      return true;
    }
  }
  return false;
}

// The expectation claims the errors of a missing crate itself (a listing that
// shows what happens without the dependency): then they are checked as usual.
bool claims_missing_crate_errors(const Expectation& expectation)
{
  const auto is_crate_error = [](const std::string& code) {
    return code == "E0432" || code == "E0433" || code == "E0463";
  };
  return (expectation.errors && std::any_of(expectation.errors->begin(), expectation.errors->end(), is_crate_error)) ||
         std::any_of(expectation.required.begin(), expectation.required.end(),
                     [&](const InlineMarker& marker) { return marker.code && is_crate_error(*marker.code); });
}

bool among_dependencies(const Expectation& expectation, const std::string& name)
{
  return std::any_of(expectation.deps.begin(), expectation.deps.end(), [&](const Dependency& dependency) {
    auto crate = dependency.name;
    std::replace(crate.begin(), crate.end(), '-', '_');
    return crate == name;
  });
}

std::string crates_phrase(const std::set<std::string>& names)
{
  return fmt::format("crate{} {}", names.size() == 1 ? "" : "s", fmt::join(names, ", "));
}

} // namespace

std::string Unavailable::reason() const
{
  std::vector<std::string> parts;
  const bool one = crates.size() == 1;
  if (!crates.empty()) {
    parts.push_back(fmt::format("needs {}, which {} not available: add {} to the book's dependencies",
                                crates_phrase(crates), one ? "is" : "are", one ? "it" : "them"));
  }
  if (!compiler_crates.empty()) {
    parts.push_back(fmt::format("needs the compiler's own {}, which come{} with the rustc-dev component of a nightly "
                                "toolchain (`rustup component add rustc-dev --toolchain nightly`, and check the "
                                "listing on nightly)",
                                crates_phrase(compiler_crates), compiler_crates.size() == 1 ? "s" : ""));
  }
  if (!native_libraries.empty()) {
    parts.push_back(fmt::format("needs native librar{} {}, which the linker cannot find on this machine",
                                native_libraries.size() == 1 ? "y" : "ies", fmt::join(native_libraries, ", ")));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

Unavailable unavailable(const Expectation& expectation, const Observed& observed)
{
  if (observed.build != Observed::Build::failed || claims_missing_crate_errors(expectation)) {
    return {};
  }
  Unavailable missing;
  bool imports_missing_crate = false;
  std::vector<const Diagnostic*> others;
  for (const auto& diagnostic : observed.diagnostics) {
    if (diagnostic.level != "error") {
      continue;
    }
    const auto error = crate_not_found(diagnostic);
    const auto& declared = error && error->path_root ? expectation.declared_modules : expectation.declared_names;
    if (error && !among_dependencies(expectation, error->name) && !declared.contains(error->name)) {
      const bool compiler_crate = expectation.rustc_private && error->name.starts_with("rustc_");
      (compiler_crate ? missing.compiler_crates : missing.crates).insert(error->name);
      imports_missing_crate = imports_missing_crate || error->imported;
    } else if (auto libraries = libraries_not_found(diagnostic); !libraries.empty()) {
      missing.native_libraries.merge(libraries);
    } else {
      others.push_back(&diagnostic);
    }
  }
  const bool only_what_is_missing = std::all_of(others.begin(), others.end(), [&](const Diagnostic* diagnostic) {
    return follows_from_missing_crate(*diagnostic) || (imports_missing_crate && diagnostic->code == "E0599") ||
           (!missing.compiler_crates.empty() && diagnostic->code == "E0554");
  });
  return only_what_is_missing ? missing : Unavailable{};
}

} // namespace snipcheck::check
