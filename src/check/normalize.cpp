#include "check/normalize.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <regex>

namespace snipcheck::check {

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to)
{
  if (from.empty()) {
    return text;
  }
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// `--> ch02/src/bin/x.rs:4:33` becomes `--> book.txt:286:33`.
std::string scratch_locations(const std::string& text, const NormalizeContext& context)
{
  if (context.scratch_file.empty() || !context.place) {
    return text;
  }
  std::string result;
  for (const auto& line : text::split_lines(text)) {
    const auto arrow = line.find("--> " + context.scratch_file + ":");
    if (arrow == std::string::npos) {
      result += line + "\n";
      continue;
    }
    const auto position = arrow + 4 + context.scratch_file.size() + 1;
    const auto colon = line.find(':', position);
    const int scratch_line = std::atoi(line.substr(position, colon - position).c_str());
    const auto place = context.place(scratch_line);
    const auto column = colon == std::string::npos ? std::string() : line.substr(colon);
    result += line.substr(0, arrow) + "--> " +
              (place.line > 0 ? fmt::format("{}:{}{}", place.file, place.line, column)
                              : fmt::format("(scaffolding, line {} of the compiled file)", scratch_line)) +
              "\n";
  }
  if (!text.ends_with('\n') && result.ends_with('\n')) {
    result.pop_back();
  }
  return result;
}

std::string workspace_root(const std::string& text, const NormalizeContext& context)
{
  return replace_all(text, context.workspace_root, "$WORKSPACE");
}

// The standard library's sources: /rustc/<commit>/library/... -> $RUST/library/...
std::string rustc_sysroot(const std::string& text, const NormalizeContext&)
{
  static const std::regex sysroot(R"(/rustc/[0-9a-f]{40}/)");
  return std::regex_replace(text, sysroot, "$$RUST/");
}

} // namespace

const std::vector<NormalizePass>& normalize_passes()
{
  static const std::vector<NormalizePass> passes = {
      {"scratch-locations", scratch_locations},
      {"workspace-root", workspace_root},
      {"rustc-sysroot", rustc_sysroot},
  };
  return passes;
}

std::string normalize(const std::string& rendered, const NormalizeContext& context)
{
  auto text = rendered;
  for (const auto& pass : normalize_passes()) {
    text = pass.apply(text, context);
  }
  return text;
}

} // namespace snipcheck::check
