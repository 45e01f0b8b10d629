#include "scratch/path_crates.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <deque>
#include <set>

namespace snipcheck::scratch {

namespace {

namespace fs = std::filesystem;

constexpr const char* dependency_tables[] = {"dependencies", "dev-dependencies", "build-dependencies",
                                             "dev_dependencies", "build_dependencies"};

// Every dependency table of a manifest: the top-level ones and each target's.
std::vector<const toml::table*> dependency_tables_of(const toml::table& manifest)
{
  std::vector<const toml::table*> tables;
  const auto add_from = [&](const toml::table& holder) {
    for (const auto* name : dependency_tables) {
      if (const auto* table = holder[name].as_table()) {
        tables.push_back(table);
      }
    }
  };
  add_from(manifest);
  if (const auto* targets = manifest["target"].as_table()) {
    for (const auto& [cfg, target] : *targets) {
      if (const auto* table = target.as_table()) {
        add_from(*table);
      }
    }
  }
  if (const auto* workspace = manifest["workspace"].as_table()) {
    if (const auto* table = (*workspace)["dependencies"].as_table()) {
      tables.push_back(table);
    }
  }
  return tables;
}

bool inherits_from_workspace(const toml::table& manifest)
{
  bool inherits = false;
  const auto check = [&](const toml::table& table) {
    for (const auto& [key, value] : table) {
      if (const auto* inner = value.as_table(); inner != nullptr && (*inner)["workspace"].value_or(false)) {
        inherits = true;
      }
    }
  };
  if (const auto* package = manifest["package"].as_table()) {
    check(*package);
  }
  for (const auto* table : dependency_tables_of(manifest)) {
    check(*table);
  }
  return inherits || manifest["lints"]["workspace"].value_or(false);
}

// The workspace manifest a crate belongs to: `package.workspace`, else the
// nearest folder above holding a Cargo.toml with [workspace], as cargo looks.
std::optional<fs::path> workspace_manifest(const fs::path& folder, const toml::table& manifest)
{
  if (const auto given = manifest["package"]["workspace"].value<std::string>()) {
    return (folder / *given / "Cargo.toml").lexically_normal();
  }
  for (auto above = folder.parent_path(); above != above.parent_path(); above = above.parent_path()) {
    const auto candidate = above / "Cargo.toml";
    std::error_code ec;
    if (!fs::is_regular_file(candidate, ec)) {
      continue;
    }
    try {
      if (toml::parse_file(candidate.string()).contains("workspace")) {
        return candidate;
      }
    } catch (const toml::parse_error&) {
      return candidate; // cargo would stop at it too, and say why
    }
  }
  return std::nullopt;
}

class Walk
{
public:
  void crate(const fs::path& folder)
  {
    const auto normal = fs::absolute(folder).lexically_normal();
    if (m_seen.insert(normal).second) {
      m_pending.push_back(normal);
    }
  }

  PathCrates run()
  {
    while (!m_pending.empty()) {
      const auto folder = m_pending.front();
      m_pending.pop_front();
      m_result.folders.push_back(folder);
      if (const auto manifest = read(folder / "Cargo.toml")) {
        follow(folder, *manifest);
      }
    }
    return std::move(m_result);
  }

private:
  std::optional<toml::table> read(const fs::path& manifest)
  {
    try {
      return toml::parse_file(manifest.string());
    } catch (const toml::parse_error& error) {
      m_result.problems.push_back({manifest, static_cast<int>(error.source().begin.line),
                                   fmt::format("not a valid Cargo.toml: {}", error.description())});
    } catch (const std::exception&) {
      // no manifest: the caller checked it, or the path's problem says so
    }
    return std::nullopt;
  }

  // The crates `table` names by path, relative to `folder`.
  void follow_paths(const fs::path& folder, const toml::table& table)
  {
    for (const auto& [name, spec] : table) {
      const auto* detail = spec.as_table();
      const auto path = detail != nullptr ? (*detail)["path"].value<std::string>() : std::nullopt;
      if (!path) {
        continue;
      }
      const auto dependency = (folder / *path).lexically_normal();
      std::error_code ec;
      if (!fs::is_regular_file(dependency / "Cargo.toml", ec)) {
        m_result.problems.push_back(
            {folder / "Cargo.toml", static_cast<int>(spec.source().begin.line),
             fmt::format("path dependency `{}`: no Cargo.toml in {}", name.str(), dependency.string())});
        continue;
      }
      crate(dependency);
    }
  }

  void follow(const fs::path& folder, const toml::table& manifest)
  {
    for (const auto* table : dependency_tables_of(manifest)) {
      follow_paths(folder, *table);
    }
    if (!inherits_from_workspace(manifest)) {
      return;
    }
    const auto root = workspace_manifest(folder, manifest);
    if (!root || !m_manifests.insert(*root).second) {
      return;
    }
    std::error_code ec;
    if (!fs::is_regular_file(*root, ec)) {
      m_result.problems.push_back({folder / "Cargo.toml", 0,
                                   fmt::format("it inherits from a workspace, but {} does not exist", root->string())});
      return;
    }
    m_result.manifests.push_back(*root);
    if (const auto workspace = read(*root)) {
      if (const auto* table = (*workspace)["workspace"]["dependencies"].as_table()) {
        follow_paths(root->parent_path(), *table);
      }
    }
  }

  std::set<fs::path> m_seen;
  std::set<fs::path> m_manifests;
  std::deque<fs::path> m_pending;
  PathCrates m_result;
};

} // namespace

PathCrates path_crates(const fs::path& crate_folder)
{
  Walk walk;
  walk.crate(crate_folder);
  return walk.run();
}

} // namespace snipcheck::scratch
