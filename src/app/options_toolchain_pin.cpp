// The toolchain a book pins, found as rustup finds it (docs/settings.md).
#include "app/options.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"
#include "util/toml_input.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

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

} // namespace

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
