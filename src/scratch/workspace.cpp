#include "scratch/workspace.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
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

// Bin listings share a package only with listings of the same chapter,
// edition and crates: a listing must not see crates that only others declare.
std::string package_name_for(const Unit& unit)
{
  if (!unit.batch.empty()) {
    return unit.batch;
  }
  auto name = target_name(unit.listing->id);
  std::replace(name.begin(), name.end(), '_', '-');
  if (unit.crate_type != CrateType::bin) {
    return name;
  }
  if (!declared_crate_name(unit.source).empty()) {
    return "named-" + name; // its target takes the listing's own crate name
  }
  auto package = fmt::format("ch{:02}-e{}", unit.listing->chapter, unit.edition);
  if (!unit.deps.empty()) {
    package += "-d" + text::fnv1a_hex(dependencies_fingerprint(unit.deps)).substr(0, 8);
  }
  if (unit.test_harness) {
    // cargo builds a package's bins before its tests: a neighbour that does
    // not compile would leave the test target unbuilt, with no error of its own.
    package += "-tests";
  }
  return package;
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

TargetKind kind_of(const Unit& unit)
{
  if (unit.crate_type != CrateType::bin) {
    return TargetKind::lib;
  }
  return unit.test_harness ? TargetKind::test : TargetKind::bin;
}

std::string source_path_of(const Unit& unit, const std::string& target)
{
  switch (kind_of(unit)) {
  case TargetKind::lib: return "src/lib.rs";
  case TargetKind::test: return fmt::format("src/test/{}.rs", target);
  case TargetKind::bin: break;
  }
  return fmt::format("src/bin/{}.rs", target);
}

// [[bin]] and [[test]] targets of a package of bin listings, one per target name.
void add_bin_targets(toml::table& root, const Package& package, const std::map<const Unit*, std::string>& target_names)
{
  std::vector<std::string> written;
  toml::array bins;
  toml::array tests;
  for (const auto* unit : package.units) {
    const auto& name = target_names.at(unit);
    if (std::find(written.begin(), written.end(), name) != written.end()) {
      continue;
    }
    written.push_back(name);
    toml::table target{{"name", name}, {"path", source_path_of(*unit, name)}};
    if (kind_of(*unit) == TargetKind::test) {
      target.insert("harness", true);
      tests.push_back(std::move(target));
    } else {
      target.insert("test", false);
      target.insert("bench", false);
      target.insert("doctest", false);
      bins.push_back(std::move(target));
    }
  }
  // Cargo would otherwise add targets of its own from src/bin and tests/.
  root["package"].as_table()->insert("autobins", false);
  root["package"].as_table()->insert("autotests", false);
  root["package"].as_table()->insert("autoexamples", false);
  root["package"].as_table()->insert("autobenches", false);
  if (!bins.empty()) {
    root.insert("bin", std::move(bins));
  }
  if (!tests.empty()) {
    root.insert("test", std::move(tests));
  }
}

// A [dependencies] entry.
toml::table dependency_spec(const Dependency& dependency)
{
  toml::table spec;
  if (!dependency.version.empty()) {
    spec.insert("version", dependency.version);
  }
  if (!dependency.path.empty()) {
    spec.insert("path", dependency.path.string());
  }
  for (const auto& [key, value] :
       {std::pair{"git", &dependency.git}, std::pair{"branch", &dependency.branch}, std::pair{"tag", &dependency.tag},
        std::pair{"rev", &dependency.rev}, std::pair{"package", &dependency.package}}) {
    if (!value->empty()) {
      spec.insert(key, *value);
    }
  }
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
  return spec;
}

std::string as_toml_file(std::string_view comment, const toml::table& table)
{
  std::ostringstream out;
  out << comment << table << "\n";
  return out.str();
}

std::string manifest(const Package& package, const std::map<const Unit*, std::string>& target_names)
{
  toml::table root;
  root.insert(
      "package",
      toml::table{{"name", package.name}, {"version", "0.0.0"}, {"edition", package.edition}, {"publish", false}});
  if (package.crate_type == CrateType::bin) {
    add_bin_targets(root, package, target_names);
  } else {
    toml::table lib{{"path", "src/lib.rs"}, {"test", false}, {"doctest", false}};
    if (package.crate_type == CrateType::proc_macro) {
      lib.insert("proc-macro", true);
    }
    root.insert("lib", std::move(lib));
  }
  toml::table dependencies;
  for (const auto& [name, dependency] : package.deps) {
    dependencies.insert(name, dependency_spec(dependency));
  }
  root.insert("dependencies", std::move(dependencies));
  return as_toml_file("# Written by snipcheck; rewritten on every run.\n", root);
}

// One module per listing, and a `main` that runs the listing named by the
// first argument, so each listing still runs in a process of its own.
void write_merged_target(const std::vector<const Unit*>& units, const std::string& package,
                         const std::filesystem::path& path, bool mark_analysis, Workspace& workspace)
{
  std::string text = "#![allow(unused)]\n// Written by snipcheck: listings, one module each.\n";
  int line = 2;
  std::string dispatch;
  for (const auto* unit : units) {
    const auto module = target_name(unit->listing->id);
    // `pub`, as the crate root a listing built alone has: what it exports
    // (`pub fn`) is exported in a batch too, which lints about visibility see.
    text += fmt::format("pub mod {} {{\n", module);
    ++line;
    workspace.units.push_back({unit, package, package, TargetKind::bin, path, module, line});
    text += unit->source.text;
    line += static_cast<int>(unit->source.origins.size());
    text += "pub(crate) fn snipcheck_entry() -> impl std::process::Termination { main() }\n}\n";
    line += 2;
    dispatch += fmt::format("        Some(\"{0}\") => {0}::snipcheck_entry().report(),\n", module);
  }
  if (mark_analysis) {
    text += fmt::format("#[warn({})]\nfn snipcheck_analysis_marker() {{\n    return;\n    let _ = 0;\n}}\n",
                        analysis_marker_lint);
    workspace.analysis_markers[path] = line + 4; // `let _ = 0;`
    line += 5;
    text += fmt::format("#[warn({})]\nfn snipcheck_resolution_marker() {{\n    ;;\n}}\n", resolution_marker_lint);
    workspace.resolution_markers[path] = line + 3; // `;;`
    line += 4;
    text += fmt::format("#[warn({})]\nfn snipcheck_borrow_check_marker() {{\n    let mut unused = 0;\n    let _ = unused;\n}}\n",
                        borrow_check_marker_lint);
    workspace.borrow_check_markers[path] = line + 3; // `let mut unused`
    line += 5;
  }
  text += fmt::format("fn main() -> std::process::ExitCode {{\n    use std::process::Termination;\n"
                      "    match std::env::args().nth(1).as_deref() {{\n{}"
                      "        _ => std::process::ExitCode::from(2),\n    }}\n}}\n",
                      dispatch);
  text::write_file_if_changed(path, text);
}

// The packages and the target name of every unit.
struct PackageLayout
{
  std::map<std::string, Package> packages;
  std::map<const Unit*, std::string> target_names;
};

PackageLayout lay_out_packages(const std::vector<Unit>& units)
{
  PackageLayout layout;
  for (const auto& unit : units) {
    const auto name = package_name_for(unit);
    auto& package = layout.packages[name];
    package.name = name;
    package.edition = unit.edition;
    package.crate_type = unit.crate_type;
    package.units.push_back(&unit);
    merge_dependencies(package, unit);
    auto& target = layout.target_names[&unit];
    if (!unit.batch.empty()) {
      target = unit.batch;
    } else if (unit.crate_type != CrateType::bin) {
      target = name;
    } else {
      const auto declared = declared_crate_name(unit.source);
      target = declared.empty() ? target_name(unit.listing->id) : declared;
    }
  }
  return layout;
}

// A package's Cargo.toml and sources; its units are added to the workspace.
void write_package(const Package& package, const std::map<const Unit*, std::string>& target_names,
                   bool mark_analysis, Workspace& workspace)
{
  const auto& name = package.name;
  workspace.packages.push_back(name);
  const auto package_root = workspace.root / name;
  workspace.manifests_changed |=
      text::write_file_if_changed(package_root / "Cargo.toml", manifest(package, target_names));
  std::vector<const Unit*> merged;
  for (const auto* unit : package.units) {
    if (!unit->batch.empty()) {
      merged.push_back(unit);
      continue;
    }
    const auto& target = target_names.at(unit);
    const auto path = package_root / source_path_of(*unit, target);
    text::write_file_if_changed(path, unit->source.text);
    workspace.units.push_back({unit, name, target, kind_of(*unit), path});
  }
  if (!merged.empty()) {
    write_merged_target(merged, name, package_root / source_path_of(*merged.front(), name), mark_analysis,
                        workspace);
  }
}

// The workspace's Cargo.toml over its packages, and its .cargo/config.toml.
void write_workspace_files(Workspace& workspace, const std::filesystem::path& registry_directory)
{
  // Written with toml++, which quotes and escapes every string (a registry
  // folder may hold a quote or a backslash).
  const auto& root = workspace.root;
  toml::array members;
  for (const auto& name : workspace.packages) {
    members.push_back(name);
  }
  toml::table manifest{{"workspace", toml::table{{"resolver", "2"}, {"members", std::move(members)}}},
                       {"profile", toml::table{{"dev", toml::table{{"debug", 0}}}}}};
  workspace.manifests_changed |= !std::filesystem::exists(root / "Cargo.lock");
  workspace.manifests_changed |=
      text::write_file_if_changed(root / "Cargo.toml", as_toml_file("# Written by snipcheck; rewritten on every run.\n"
                                                                    "# Debug assertions stay on (as in rustdoc); debug "
                                                                    "info only costs time.\n",
                                                                    manifest));
  std::string config;
  if (!registry_directory.empty()) {
    const toml::table sources{
        {"source", toml::table{{"crates-io", toml::table{{"replace-with", "local-registry"}}},
                               {"local-registry", toml::table{{"directory", registry_directory.string()}}}}}};
    config = as_toml_file("# Crates come from a local directory registry, offline.\n", sources);
  }
  text::write_file_if_changed(root / ".cargo" / "config.toml", config);
}

} // namespace

std::optional<std::string> crate_name_problem(std::string_view name)
{
  const auto is_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (name.empty()) {
    return std::string("a crate name cannot be empty");
  }
  if (name.size() > 64) {
    return fmt::format("{:?} is not a crate name: it has more than 64 characters", name);
  }
  if (!is_letter(name.front()) && name.front() != '_') {
    return fmt::format("{:?} is not a crate name: it must start with a letter or `_`", name);
  }
  const bool allowed = std::all_of(
      name.begin(), name.end(), [&](char c) { return is_letter(c) || (c >= '0' && c <= '9') || c == '-' || c == '_'; });
  if (!allowed) {
    return fmt::format("{:?} is not a crate name: only letters, digits, `-` and `_` (ASCII)", name);
  }
  return std::nullopt;
}

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

std::string dependencies_fingerprint(const std::vector<Dependency>& deps)
{
  std::vector<std::string> parts;
  for (const auto& dependency : deps) {
    auto features = dependency.features;
    std::sort(features.begin(), features.end());
    features.erase(std::unique(features.begin(), features.end()), features.end());
    // Not the content hash: an edit of a path crate changes what is built, not how it resolves.
    parts.push_back(fmt::format("{} v={} f={} d={} p={} g={} b={} t={} r={} n={}", dependency.name, dependency.version,
                                fmt::join(features, ","), dependency.default_features, dependency.path.string(),
                                dependency.git, dependency.branch, dependency.tag, dependency.rev, dependency.package));
  }
  std::sort(parts.begin(), parts.end());
  return fmt::format("{}", fmt::join(parts, ";"));
}

std::string batch_name(const std::vector<const Unit*>& members)
{
  std::string material;
  for (const auto* unit : members) {
    material += fmt::format("{}\n{}\n{}\n{}\n", unit->listing->id, unit->edition, dependencies_fingerprint(unit->deps),
                            unit->source.text);
  }
  const auto edition = members.empty() ? std::string() : members.front()->edition;
  return fmt::format("merged_e{}_{}", edition, text::fnv1a_hex(material).substr(0, 12));
}

std::string declared_crate_name(const ScratchSource& source)
{
  for (const auto& line : text::split_lines(source.text)) {
    const auto trimmed = text::trim(line);
    if (!trimmed.starts_with("#![crate_name")) {
      continue;
    }
    const auto open = trimmed.find('"');
    const auto close = open == std::string_view::npos ? open : trimmed.find('"', open + 1);
    if (close != std::string_view::npos) {
      return std::string(trimmed.substr(open + 1, close - open - 1));
    }
  }
  return {};
}

bool WrittenUnit::holds_line(int line) const
{
  return !merged() || (line > line_offset && line <= line_offset + static_cast<int>(unit->source.origins.size()));
}

bool WrittenUnit::module_holds_line(int line) const
{
  // `pub mod name {`, the unit, its `snipcheck_entry` and the closing brace (write_merged_target).
  return !merged() || (line >= line_offset && line <= line_offset + static_cast<int>(unit->source.origins.size()) + 2);
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
  Workspace workspace;
  workspace.root = std::filesystem::absolute(settings.root);
  auto layout = lay_out_packages(units);
  for (const auto& [name, package] : layout.packages) {
    write_package(package, layout.target_names, settings.mark_analysis, workspace);
  }
  write_workspace_files(workspace, settings.registry_directory);
  return workspace;
}

} // namespace snipcheck::scratch
