// The toolchain a book pins, found as rustup finds it (docs/settings.md).
#include "app/options.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"
#include "util/toml_input.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <regex>

namespace snipcheck::app {

namespace {

std::optional<std::string> channel_from_toml(const std::filesystem::path& file, std::string_view content)
{
  const auto document = text::parse_toml_input(content, file);
  const auto* channel = document.at_path("toolchain.channel").node();
  if (channel == nullptr || !channel->is_string()) {
    // A `path` toolchain or only components: nothing to pass to rustup as +NAME.
    return std::nullopt;
  }
  return *channel->value<std::string>();
}

// A toolchain name as rustup spells it: a channel (nightly, beta, stable or a
// version such as 1.80.0), an optional date, then an optional host triple.
struct ToolchainName
{
  std::string channel;
  std::optional<std::chrono::sys_days> date;
  std::string shown; // channel[-date], without the host
};

std::optional<ToolchainName> parse_toolchain_name(const std::string& name)
{
  static const std::regex pattern(R"(^(nightly|beta|stable|\d+\.\d+(?:\.\d+)?)(?:-(\d{4})-(\d{2})-(\d{2}))?(?:-.*)?$)");
  std::smatch match;
  if (!std::regex_match(name, match, pattern)) {
    return std::nullopt;
  }
  ToolchainName parsed{match[1], std::nullopt, match[1]};
  if (match[2].matched) {
    const std::chrono::year_month_day day{std::chrono::year(std::stoi(match[2])),
                                          std::chrono::month(static_cast<unsigned>(std::stoi(match[3]))),
                                          std::chrono::day(static_cast<unsigned>(std::stoi(match[4])))};
    parsed.date = std::chrono::sys_days(day);
    parsed.shown += "-" + match[2].str() + "-" + match[3].str() + "-" + match[4].str();
  }
  return parsed;
}

// A version channel (1.80.0) as a number that orders and measures like it.
long version_number(const std::string& channel)
{
  long major = 0, minor = 0, patch = 0;
  std::sscanf(channel.c_str(), "%ld.%ld.%ld", &major, &minor, &patch);
  return (major * 1000 + minor) * 1000 + patch;
}

bool is_version(const std::string& channel)
{
  return !channel.empty() && std::isdigit(static_cast<unsigned char>(channel.front())) != 0;
}

std::filesystem::path rustup_toolchains_folder()
{
  if (const char* home = std::getenv("RUSTUP_HOME"); home != nullptr && *home != '\0') {
    return std::filesystem::path(home) / "toolchains";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : "/") / ".rustup" / "toolchains";
}

} // namespace

std::optional<std::string> nearest_installed_toolchain(const std::string& channel)
{
  const auto wanted = parse_toolchain_name(channel);
  if (!wanted) {
    return std::nullopt;
  }
  // Distance: undated candidates of the channel come after every dated one.
  std::optional<std::pair<long, std::string>> best;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(rustup_toolchains_folder(), ec)) {
    const auto candidate = parse_toolchain_name(entry.path().filename().string());
    if (!candidate || candidate->shown == wanted->shown) {
      continue;
    }
    long distance = 0;
    if (is_version(wanted->channel) && (is_version(candidate->channel) || candidate->channel == "stable")) {
      distance = candidate->channel == "stable"
                     ? std::numeric_limits<long>::max() / 2
                     : std::labs(version_number(candidate->channel) - version_number(wanted->channel));
    } else if (candidate->channel == wanted->channel) {
      distance = wanted->date && candidate->date ? std::labs((*candidate->date - *wanted->date).count())
                                                 : std::numeric_limits<long>::max() / 2;
    } else {
      continue;
    }
    if (!best || distance < best->first || (distance == best->first && candidate->shown < best->second)) {
      best = {distance, candidate->shown};
    }
  }
  return best ? std::optional(best->second) : std::nullopt;
}

std::optional<ToolchainPin> find_toolchain_pin(const std::filesystem::path& book)
{
  std::error_code ec;
  auto folder = std::filesystem::absolute(book).lexically_normal();
  if (!std::filesystem::is_directory(folder, ec)) {
    folder = folder.parent_path();
  }
  while (true) {
    // rustup reads `rust-toolchain` first when a folder has both.
    for (const auto* name : {"rust-toolchain", "rust-toolchain.toml"}) {
      const auto file = folder / name;
      if (!std::filesystem::is_regular_file(file, ec)) {
        continue;
      }
      const auto content = text::read_file(file);
      std::optional<std::string> channel;
      if (content.find('[') != std::string::npos || std::string_view(name).ends_with(".toml")) {
        channel = channel_from_toml(file, content);
      } else {
        const auto lines = text::split_lines(content);
        channel = lines.empty() ? std::string() : std::string(text::trim(lines.front()));
      }
      if (!channel || channel->empty()) {
        return std::nullopt;
      }
      if (channel->find_first_of(" \t\n/") != std::string::npos) {
        throw InputError(file, 1, fmt::format("`{}` is not a toolchain name rustup knows", *channel));
      }
      return ToolchainPin{file, *channel};
    }
    if (!folder.has_parent_path() || folder.parent_path() == folder) {
      return std::nullopt;
    }
    folder = folder.parent_path();
  }
}

} // namespace snipcheck::app
