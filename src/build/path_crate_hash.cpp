#include "build/path_crate_hash.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <set>
#include <vector>

namespace snipcheck::build {

namespace {

namespace fs = std::filesystem;

// cargo's build output: it tags every target folder it creates.
bool is_build_output(const fs::path& folder)
{
  std::error_code ec;
  return folder.filename() == "target" && fs::is_regular_file(folder / "CACHEDIR.TAG", ec);
}

// A symlinked folder is followed as rustc follows it; a cycle ends here.
constexpr int deepest_folder = 64;

std::vector<fs::path> files_of(const fs::path& crate)
{
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(crate, fs::directory_options::follow_directory_symlink, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec)) {
      if ((it.depth() == 0 && is_build_output(it->path())) || it.depth() >= deepest_folder) {
        it.disable_recursion_pending();
      }
    } else if (it->is_regular_file(ec)) {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The folders of the crates `crate`'s manifest names with a `path`.
std::vector<fs::path> path_dependencies(const fs::path& crate)
{
  std::vector<fs::path> found;
  toml::table manifest;
  try {
    manifest = toml::parse_file((crate / "Cargo.toml").string());
  } catch (const toml::parse_error&) {
    return found; // missing or broken: cargo will say what is wrong with it
  }
  const auto add_from = [&](const toml::table* tables) {
    if (tables == nullptr) {
      return;
    }
    for (const auto* section : {"dependencies", "build-dependencies"}) {
      const auto* deps = (*tables)[section].as_table();
      if (deps == nullptr) {
        continue;
      }
      for (const auto& [name, spec] : *deps) {
        if (const auto* table = spec.as_table()) {
          if (const auto path = (*table)["path"].value<std::string>()) {
            found.push_back(crate / *path);
          }
        }
      }
    }
  };
  add_from(&manifest);
  if (const auto* targets = manifest["target"].as_table()) {
    for (const auto& [platform, tables] : *targets) {
      add_from(tables.as_table());
    }
  }
  return found;
}

void hash_crate(const fs::path& crate, std::set<fs::path>& seen, std::string& material)
{
  std::error_code ec;
  auto canonical = fs::weakly_canonical(crate, ec);
  if (ec || !seen.insert(canonical).second) {
    return;
  }
  material += fmt::format("crate {}\n", canonical.string());
  for (const auto& file : files_of(canonical)) {
    const auto content = text::read_file(file);
    material +=
        fmt::format("{}\n{}\n{}\n", fs::relative(file, canonical).string(), content.size(), text::fnv1a_hex(content));
  }
  for (const auto& dependency : path_dependencies(canonical)) {
    hash_crate(dependency, seen, material);
  }
}

} // namespace

std::string path_crate_hash(const fs::path& crate)
{
  std::set<fs::path> seen;
  std::string material;
  hash_crate(crate, seen, material);
  return text::fnv1a_hex(material);
}

} // namespace snipcheck::build
