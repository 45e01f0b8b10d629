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

std::string dependencies_signature(const std::vector<Dependency>& deps)
{
  std::vector<std::string> parts;
  for (const auto& dependency : deps) {
    parts.push_back(fmt::format("{} {} {} {}", dependency.name, dependency.version,
                                fmt::join(dependency.features, ","), dependency.default_features));
  }
  std::sort(parts.begin(), parts.end());
  return fmt::format("{}", fmt::join(parts, ";"));
}

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
    package += "-d" + text::fnv1a_hex(dependencies_signature(unit.deps)).substr(0, 8);
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
  case TargetKind::lib:
    return "src/lib.rs";
  case TargetKind::test:
    return fmt::format("src/test/{}.rs", target);
  case TargetKind::bin:
    break;
  }
  return fmt::format("src/bin/{}.rs", target);
}

std::string manifest(const Package& package, const std::map<const Unit*, std::string>& target_names)
{
  toml::table root;
  root.insert(
      "package",
      toml::table{{"name", package.name}, {"version", "0.0.0"}, {"edition", package.edition}, {"publish", false}});
  if (package.crate_type == CrateType::bin) {
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
  } else {
    toml::table lib{{"path", "src/lib.rs"}, {"test", false}, {"doctest", false}};
    if (package.crate_type == CrateType::proc_macro) {
      lib.insert("proc-macro", true);
    }
    root.insert("lib", std::move(lib));
  }
  toml::table dependencies;
  for (const auto& [name, dependency] : package.deps) {
    toml::table spec;
    if (!dependency.version.empty()) {
      spec.insert("version", dependency.version);
    }
    if (!dependency.path.empty()) {
      spec.insert("path", dependency.path.string());
    }
    for (const auto& [key, value] : {std::pair{"git", &dependency.git}, std::pair{"branch", &dependency.branch},
                                     std::pair{"tag", &dependency.tag}, std::pair{"rev", &dependency.rev},
                                     std::pair{"package", &dependency.package}}) {
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
    dependencies.insert(name, std::move(spec));
  }
  root.insert("dependencies", std::move(dependencies));
  std::ostringstream out;
  out << "# Written by snipcheck; rewritten on every run.\n" << root << "\n";
  return out.str();
}

// One module per listing, and a `main` that runs the listing named by the
// first argument, so each listing still runs in a process of its own.
void write_merged_target(const std::vector<const Unit*>& units, const std::string& package,
                         const std::filesystem::path& path, Workspace& workspace)
{
  std::string text = "#![allow(unused)]\n// Written by snipcheck: listings, one module each.\n";
  int line = 2;
  std::string dispatch;
  for (const auto* unit : units) {
    const auto module = target_name(unit->listing->id);
    text += fmt::format("mod {} {{\n", module);
    ++line;
    workspace.units.push_back({unit, package, package, TargetKind::bin, path, module, line});
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

bool is_identifier_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// Whether `word` occurs in `line` as a whole identifier-ish token.
bool has_word(std::string_view line, std::string_view word)
{
  for (auto pos = line.find(word); pos != std::string_view::npos; pos = line.find(word, pos + 1)) {
    const bool starts = pos == 0 || !is_identifier_char(line[pos - 1]);
    const auto end = pos + word.size();
    const bool ends = end >= line.size() || !is_identifier_char(line[end]) || !is_identifier_char(word.back());
    if (starts && ends) {
      return true;
    }
  }
  return false;
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

std::string batch_name(const std::vector<const Unit*>& members)
{
  std::string material;
  for (const auto* unit : members) {
    material += fmt::format("{}\n{}\n{}\n{}\n", unit->listing->id, unit->edition, dependencies_signature(unit->deps),
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

const WrittenUnit* Workspace::find_by_location(const std::string& src_path, int line) const
{
  for (const auto& unit : units) {
    if (unit.path.string() == src_path && unit.holds_line(line)) {
      return &unit;
    }
  }
  return nullptr;
}

// `extern "C" {` or `unsafe extern {` (brace maybe on the next line): a
// block of foreign items. A call into one that nothing defines fails at link
// time, with no span to tell which member of a batch made the call.
bool declares_foreign_items(std::string_view line)
{
  if (line.starts_with("unsafe ")) {
    line = text::trim(line.substr(7));
  }
  if (!line.starts_with("extern") || (line.size() > 6 && is_identifier_char(line[6]))) {
    return false;
  }
  auto rest = text::trim(line.substr(6));
  if (rest.starts_with('"')) {
    const auto close = rest.find('"', 1);
    rest = close == std::string_view::npos ? std::string_view() : text::trim(rest.substr(close + 1));
  }
  return rest.empty() || rest.starts_with('{');
}

bool can_merge(const ScratchSource& source)
{
  // Each changes meaning, collides, or reads its own place once in a shared crate or binary.
  static constexpr std::array<std::string_view, 24> binary_wide{
      "macro_export", "crate::",       "$crate",        "no_mangle",        "export_name",   "link_section",
      "link_name",    "#[used",        "#[link",        "global_allocator", "panic_handler", "alloc_error_handler",
      "linkage",      "extern crate",  "file!",         "line!",            "column!",       "module_path!",
      "type_name",    "env::args",     "args_os",       "current_exe",      "Location::caller", "track_caller"};
  const auto lines = text::split_lines(source.text);
  for (std::size_t k = 1; k < lines.size(); ++k) { // line 1 is the synthetic #![allow(unused)]
    const auto trimmed = text::trim(lines[k]);
    // Lint levels are fine as a module's inner attributes; crate-level ones (feature, no_std) are not.
    const bool lint_level = trimmed.starts_with("#![allow(") || trimmed.starts_with("#![warn(") ||
                            trimmed.starts_with("#![deny(") || trimmed.starts_with("#![forbid(") ||
                            trimmed.starts_with("#![expect(");
    if (trimmed.starts_with("#![") && !lint_level) {
      return false;
    }
    for (const auto word : binary_wide) {
      if (has_word(trimmed, word)) {
        return false;
      }
    }
    if (declares_foreign_items(trimmed)) {
      return false;
    }
    // `mod name;` reads a file whose path depends on where the module sits.
    if (has_word(trimmed, "mod") && trimmed.ends_with(";") && trimmed.find('{') == std::string_view::npos) {
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

  std::map<std::string, Package> packages;
  std::map<const Unit*, std::string> target_names;
  for (const auto& unit : units) {
    const auto name = package_name_for(unit);
    auto& package = packages[name];
    package.name = name;
    package.edition = unit.edition;
    package.crate_type = unit.crate_type;
    package.units.push_back(&unit);
    merge_dependencies(package, unit);
    if (!unit.batch.empty()) {
      target_names[&unit] = unit.batch;
    } else if (unit.crate_type != CrateType::bin) {
      target_names[&unit] = name;
    } else {
      const auto declared = declared_crate_name(unit.source);
      target_names[&unit] = declared.empty() ? target_name(unit.listing->id) : declared;
    }
  }

  Workspace workspace;
  workspace.root = root;
  for (const auto& [name, package] : packages) {
    workspace.packages.push_back(name);
    const auto package_root = root / name;
    workspace.manifests_changed |=
        text::write_file_if_changed(package_root / "Cargo.toml", manifest(package, target_names));
    std::vector<const Unit*> merged;
    for (const auto* unit : package.units) {
      if (!unit->batch.empty()) {
        merged.push_back(unit);
        continue;
      }
      const auto path = package_root / source_path_of(*unit, target_names[unit]);
      text::write_file_if_changed(path, unit->source.text);
      workspace.units.push_back({unit, name, target_names[unit], kind_of(*unit), path});
    }
    if (!merged.empty()) {
      write_merged_target(merged, name, package_root / source_path_of(*merged.front(), name), workspace);
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
