#include "app/cache.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace snipcheck::app {

namespace {

using nlohmann::json;

// snipcheck itself is part of the key: a rebuilt binary may judge differently.
std::string own_binary_identity()
{
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    return "unknown";
  }
  const auto size = std::filesystem::file_size(self, ec);
  const auto time = std::filesystem::last_write_time(self, ec).time_since_epoch().count();
  return fmt::format("{}:{}:{}", self.string(), size, time);
}

// Which crate versions the registry offers decides what cargo resolves.
std::string registry_identity(const std::filesystem::path& registry)
{
  if (registry.empty()) {
    return "crates.io";
  }
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(registry, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return fmt::format("{}:{}", registry.string(), text::fnv1a_hex(fmt::format("{}", fmt::join(names, ","))));
}

} // namespace

std::string cache_key(const scratch::Unit& unit, const CacheContext& context)
{
  static const std::string binary = own_binary_identity();
  std::string material =
      fmt::format("snipcheck-cache/1\n{}\n{}\n{}\n{}\n{}\n", binary, context.rustc_verbose_version,
                  registry_identity(context.registry_directory), unit.edition, static_cast<int>(unit.crate_type));
  for (const auto& dependency : unit.deps) {
    material += fmt::format("dep {} {} {} {}\n", dependency.name, dependency.version,
                            fmt::join(dependency.features, ","), dependency.default_features);
    if (!dependency.path.empty() || !dependency.git.empty() || !dependency.package.empty()) {
      material += fmt::format("dep-source {} {} {} {} {} {} {}\n", dependency.path.string(), dependency.content_hash,
                              dependency.git, dependency.branch, dependency.tag, dependency.rev, dependency.package);
    }
  }
  if (context.runs) {
    material += fmt::format("runs with timeout {}\n", context.timeout_seconds);
  }
  if (context.test_harness) {
    material += "test harness\n";
  }
  material += fmt::format("compile limit {}\n", context.compile_timeout_seconds);
  material += unit.source.text;
  // Two 64-bit hashes over different material make accidental collisions negligible.
  return text::fnv1a_hex(material) + text::fnv1a_hex(material + unit.listing->id);
}

json observed_to_json(const check::Observed& observed)
{
  json diagnostics = json::array();
  for (const auto& d : observed.diagnostics) {
    diagnostics.push_back({{"level", d.level},
                           {"code", d.code},
                           {"message", d.message},
                           {"book_file", d.book_file.string()},
                           {"book_line", d.book_line},
                           {"listing_line", d.listing_line},
                           {"other_listing_lines", d.other_listing_lines},
                           {"prelude_line", d.prelude_line},
                           {"column", d.column},
                           {"rendered", d.rendered}});
  }
  json result{{"build", static_cast<int>(observed.build)},
              {"diagnostics", std::move(diagnostics)},
              {"command", observed.command},
              {"environment_problem", observed.environment_problem}};
  if (observed.run) {
    const auto& run = *observed.run;
    result["run"] = {{"kind", static_cast<int>(run.status.kind)},
                     {"code", run.status.code},
                     {"signal", run.status.signal},
                     {"stdout", run.stdout_text},
                     {"stderr", run.stderr_text},
                     {"truncated", run.truncated}};
  }
  return result;
}

check::Observed observed_from_json(const json& value)
{
  check::Observed observed;
  observed.build = static_cast<check::Observed::Build>(value.at("build").get<int>());
  for (const auto& d : value.at("diagnostics")) {
    check::Diagnostic diagnostic;
    diagnostic.level = d.at("level");
    diagnostic.code = d.at("code");
    diagnostic.message = d.at("message");
    diagnostic.book_file = d.at("book_file").get<std::string>();
    diagnostic.book_line = d.at("book_line");
    diagnostic.listing_line = d.at("listing_line");
    diagnostic.other_listing_lines = d.at("other_listing_lines").get<std::vector<int>>();
    diagnostic.prelude_line = d.at("prelude_line");
    diagnostic.column = d.at("column");
    diagnostic.rendered = d.at("rendered");
    observed.diagnostics.push_back(std::move(diagnostic));
  }
  observed.command = value.at("command");
  observed.environment_problem = value.at("environment_problem");
  if (value.contains("run")) {
    const auto& run = value["run"];
    check::RunOutput output;
    output.status.kind = static_cast<cargo::ExitStatus::Kind>(run.at("kind").get<int>());
    output.status.code = run.at("code");
    output.status.signal = run.at("signal");
    output.stdout_text = run.at("stdout");
    output.stderr_text = run.at("stderr");
    output.truncated = run.at("truncated");
    observed.run = std::move(output);
  }
  return observed;
}

std::optional<check::Observed> ResultCache::load(const std::string& key) const
{
  std::ifstream in(m_folder / (key + ".json"), std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  // Whole, then parsed: nlohmann's stream adapter reads a character per call,
  // and a no-change run of a large book is mostly these reads.
  std::ostringstream text;
  text << in.rdbuf();
  const auto value = json::parse(text.str(), nullptr, false);
  if (value.is_discarded()) {
    return std::nullopt; // a damaged entry is a miss, never an error
  }
  try {
    auto observed = observed_from_json(value);
    observed.cached = true;
    return observed;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

void ResultCache::store(const std::string& key, const check::Observed& observed) const
{
  if (observed.build == check::Observed::Build::not_built || observed.build == check::Observed::Build::timed_out) {
    return; // a compile timeout depends on the machine's load: a clean run decides it each time
  }
  if (observed.run && observed.run->status.kind != cargo::ExitStatus::Kind::exited &&
      observed.run->status.kind != cargo::ExitStatus::Kind::signaled) {
    return;
  }
  // Readable by the owner only: a listing's output and diagnostics are in it.
  std::error_code ec;
  if (std::filesystem::create_directories(m_folder, ec)) {
    std::filesystem::permissions(m_folder, std::filesystem::perms::owner_all, ec);
  }
  const auto path = m_folder / (key + ".json");
  text::write_file_atomically(path, observed_to_json(observed).dump());
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
}

} // namespace snipcheck::app
