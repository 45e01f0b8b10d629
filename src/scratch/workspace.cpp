#include "scratch/workspace.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

namespace snipcheck::scratch {

namespace {

struct Package
{
  std::string name;
  std::string edition;
  CrateType crate_type = CrateType::bin;
  std::vector<const Unit*> units;
  std::map<std::string, Dependency> deps;
  std::map<std::string, std::string> dep_owner; // dependency -> listing id that asked first
};

// Listings per shared merged package: large enough that a package's rustc
// start-up is amortized, small enough that a big book keeps both cores busy.
constexpr int merged_batch_size = 48;

std::string package_name_for(const Unit& unit, const std::string& default_edition)
{
  const auto chapter = fmt::format("ch{:02}", unit.listing->chapter);
  if (unit.crate_type != CrateType::bin) {
    auto name = target_name(unit.listing->id);
    std::replace(name.begin(), name.end(), '_', '-');
    return name;
  }
  return unit.edition == default_edition ? chapter : fmt::format("{}-e{}", chapter, unit.edition);
}

void merge_dependencies(Package& package, const Unit& unit)
{
  for (const auto& dependency : unit.deps) {
    auto [it, inserted] = package.deps.try_emplace(dependency.name, dependency);
    if (inserted) {
      package.dep_owner[dependency.name] = unit.listing->id;
      continue;
    }
    if (it->second.version != dependency.version || it->second.default_features != dependency.default_features) {
      throw InputError({}, 0,
                       fmt::format("listings {} and {} need different versions of `{}` ({} and {}); chapter "
                                   "packages share their dependencies, so use one version",
                                   package.dep_owner[dependency.name], unit.listing->id, dependency.name,
                                   it->second.version, dependency.version));
    }
    for (const auto& feature : dependency.features) {
      if (std::find(it->second.features.begin(), it->second.features.end(), feature) == it->second.features.end()) {
        it->second.features.push_back(feature);
      }
    }
  }
}

std::string manifest(const Package& package, const std::map<const Unit*, std::string>& target_names)
{
  std::vector<std::string> bin_names;
  for (const auto* unit : package.units) {
    const auto& name = target_names.at(unit);
    if (std::find(bin_names.begin(), bin_names.end(), name) == bin_names.end()) {
      bin_names.push_back(name);
    }
  }
  toml::table root;
  root.insert(
      "package",
      toml::table{{"name", package.name}, {"version", "0.0.0"}, {"edition", package.edition}, {"publish", false}});
  if (package.crate_type == CrateType::bin) {
    toml::array bins;
    for (const auto& name : bin_names) {
      bins.push_back(toml::table{{"name", name},
                                 {"path", fmt::format("src/bin/{}.rs", name)},
                                 {"test", false},
                                 {"bench", false},
                                 {"doctest", false}});
    }
    root.insert("bin", std::move(bins));
  } else {
    toml::table lib{{"path", "src/lib.rs"}, {"test", false}, {"doctest", false}};
    if (package.crate_type == CrateType::proc_macro) {
      lib.insert("proc-macro", true);
    }
    root.insert("lib", std::move(lib));
  }
  toml::table dependencies;
  for (const auto& [name, dependency] : package.deps) {
    toml::table spec{{"version", dependency.version}};
    if (!dependency.features.empty()) {
      toml::array features;
      for (const auto& feature : dependency.features) {
        features.push_back(feature);
      }
      spec.insert("features", std::move(features));
    }
    if (!dependency.default_features) {
      spec.insert("default-features", false);
    }
    dependencies.insert(name, std::move(spec));
  }
  root.insert("dependencies", std::move(dependencies));
  std::ostringstream out;
  out << "# Written by snipcheck; rewritten on every run.\n" << root << "\n";
  return out.str();
}

std::string merged_target_name(const std::string& package)
{
  auto name = package + "_merged";
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

// One module per listing, and a `main` that runs the listing named by the
// first argument, so each listing still runs in a process of its own.
void write_merged_target(const std::vector<const Unit*>& units, const std::string& package,
                         const std::filesystem::path& path, Workspace& workspace)
{
  std::string text = "#![allow(unused)]\n// Written by snipcheck: the chapter's listings, one module each.\n";
  int line = 2;
  std::string dispatch;
  for (const auto* unit : units) {
    const auto module = target_name(unit->listing->id);
    text += fmt::format("mod {} {{\n", module);
    ++line;
    workspace.units.push_back({unit, package, merged_target_name(package), path, module, line});
    text += unit->source.text;
    line += static_cast<int>(unit->source.origins.size());
    text += "pub(crate) fn snipcheck_entry() -> impl std::process::Termination { main() }\n}\n";
    line += 2;
    dispatch += fmt::format("        Some(\"{0}\") => {0}::snipcheck_entry().report(),\n", module);
  }
  text += fmt::format("fn main() -> std::process::ExitCode {{\n    use std::process::Termination;\n"
                      "    match std::env::args().nth(1).as_deref() {{\n{}"
                      "        _ => std::process::ExitCode::from(2),\n    }}\n}}\n",
                      dispatch);
  text::write_file_if_changed(path, text);
}

} // namespace

std::string target_name(const std::string& listing_id)
{
  std::string name;
  for (const char c : listing_id) {
    name += std::isalnum(static_cast<unsigned char>(c)) != 0 ? static_cast<char>(std::tolower(c)) : '_';
  }
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) != 0) {
    name = "l_" + name;
  }
  return name;
}

bool WrittenUnit::holds_line(int line) const
{
  return !merged() || (line > line_offset && line <= line_offset + static_cast<int>(unit->source.origins.size()));
}

const WrittenUnit* Workspace::find_by_location(const std::string& src_path, int line) const
{
  for (const auto& unit : units) {
    if (unit.path.string() == src_path && unit.holds_line(line)) {
      return &unit;
    }
  }
  return nullptr;
}

bool can_merge(const ScratchSource& source)
{
  const auto lines = text::split_lines(source.text);
  for (std::size_t k = 1; k < lines.size(); ++k) { // line 1 is the synthetic #![allow(unused)]
    const auto trimmed = text::trim(lines[k]);
    // Lint levels are fine as a module's inner attributes; crate-level ones (feature, no_std) are not.
    const bool lint_level = trimmed.starts_with("#![allow(") || trimmed.starts_with("#![warn(") ||
                            trimmed.starts_with("#![deny(") || trimmed.starts_with("#![forbid(") ||
                            trimmed.starts_with("#![expect(");
    if ((trimmed.starts_with("#![") && !lint_level) || trimmed.find("macro_export") != std::string_view::npos ||
        trimmed.find("crate::") != std::string_view::npos || trimmed.find("no_mangle") != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

const WrittenUnit* Workspace::find_by_source(const std::string& src_path) const
{
  for (const auto& unit : units) {
    if (unit.path.string() == src_path) {
      return &unit;
    }
  }
  return nullptr;
}

Workspace write_workspace(const std::vector<Unit>& units, const WorkspaceSettings& settings)
{
  std::error_code ec;
  std::filesystem::create_directories(settings.root, ec);
  if (ec) {
    throw Fatal(fmt::format("cannot create the build folder {}: {}; choose a writable one with --build-dir",
                            settings.root.string(), ec.message()));
  }
  const auto root = std::filesystem::absolute(settings.root);
  const std::string default_edition = units.empty() ? "2021" : units.front().edition;

  std::map<std::string, Package> packages;
  std::map<const Unit*, std::string> target_names;
  // Merged listings without crates share packages across chapters, in batches
  // small enough that both cores get work: a small book then costs one rustc.
  std::map<const Unit*, std::string> shared_package;
  std::map<std::string, int> batch_sizes; // edition -> listings in its current batch
  std::map<std::string, int> batch_numbers;
  for (const auto& unit : units) {
    if (unit.merge && unit.deps.empty() && unit.crate_type == CrateType::bin) {
      auto& size = batch_sizes[unit.edition];
      if (size == 0 || size == merged_batch_size) {
        size = 0;
        ++batch_numbers[unit.edition];
      }
      ++size;
      shared_package[&unit] = fmt::format("merged-e{}-{}", unit.edition, batch_numbers[unit.edition]);
    }
  }
  for (const auto& unit : units) {
    const auto shared = shared_package.find(&unit);
    const auto name = shared != shared_package.end() ? shared->second : package_name_for(unit, default_edition);
    auto& package = packages[name];
    package.name = name;
    package.edition = unit.edition;
    package.crate_type = unit.crate_type;
    package.units.push_back(&unit);
    merge_dependencies(package, unit);
    target_names[&unit] = unit.crate_type == CrateType::bin ? target_name(unit.listing->id) : name;
  }

  Workspace workspace;
  workspace.root = root;
  for (const auto& [name, package] : packages) {
    workspace.packages.push_back(name);
    const auto package_root = root / name;
    std::vector<const Unit*> merged;
    for (const auto* unit : package.units) {
      if (unit->merge) {
        target_names[unit] = merged_target_name(name);
        merged.push_back(unit);
      }
    }
    workspace.manifests_changed |=
        text::write_file_if_changed(package_root / "Cargo.toml", manifest(package, target_names));
    for (const auto* unit : package.units) {
      if (unit->merge) {
        continue;
      }
      const auto path = package.crate_type == CrateType::bin
                            ? package_root / "src" / "bin" / (target_names[unit] + ".rs")
                            : package_root / "src" / "lib.rs";
      text::write_file_if_changed(path, unit->source.text);
      workspace.units.push_back({unit, name, target_names[unit], path});
    }
    if (!merged.empty()) {
      write_merged_target(merged, name, package_root / "src" / "bin" / (merged_target_name(name) + ".rs"), workspace);
    }
  }
  std::string members;
  for (const auto& name : workspace.packages) {
    members += fmt::format("  \"{}\",\n", name);
  }
  workspace.manifests_changed |= !std::filesystem::exists(root / "Cargo.lock");
  workspace.manifests_changed |= text::write_file_if_changed(
      root / "Cargo.toml", fmt::format("# Written by snipcheck; rewritten on every run.\n[workspace]\n"
                                       "resolver = \"2\"\nmembers = [\n{}]\n\n"
                                       "# Debug assertions stay on (as in rustdoc); debug info only costs time.\n"
                                       "[profile.dev]\ndebug = 0\n",
                                       members));
  std::string config;
  if (!settings.registry_directory.empty()) {
    config = fmt::format("# Crates come from a local directory registry, offline.\n"
                         "[source.crates-io]\nreplace-with = \"local-registry\"\n\n"
                         "[source.local-registry]\ndirectory = \"{}\"\n",
                         settings.registry_directory.string());
  }
  text::write_file_if_changed(root / ".cargo" / "config.toml", config);
  return workspace;
}

} // namespace snipcheck::scratch
