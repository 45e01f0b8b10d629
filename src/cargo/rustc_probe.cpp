#include "cargo/rustc_probe.hpp"

#include "cargo/cargo.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <set>
#include <unistd.h>

namespace snipcheck::cargo {

namespace {

// Each module shows one phase: resolution fails in the first, well-formedness
// checking in the second, type checking would fail in the third; the two
// markers warn in the early lints and in type checking.
constexpr std::string_view unresolved_trait_probe = R"(mod resolution {
    pub fn bounded<T: SnipcheckProbeMissingTrait>(_: T) {}
}
mod well_formedness {
    pub struct UnusedLifetime<'a>;
}
mod type_checking {
    pub fn mismatched() -> u32 { "" }
}
#[warn(redundant_semicolons)]
pub fn early_lints() { ;; }
#[warn(unreachable_code)]
pub fn type_checked() { return; let _ = 0; }
)";

constexpr std::string_view stops_answer = "stops\n";

bool probe_shows_the_stop(const std::string& json_lines)
{
  std::set<std::string> codes;
  for (const auto& line : text::split_lines(json_lines)) {
    const auto message = nlohmann::json::parse(line, nullptr, false);
    if (!message.is_object() || !message.contains("code") || !message["code"].is_object()) {
      continue;
    }
    codes.insert(message["code"].value("code", ""));
  }
  return codes.contains("E0405") && codes.contains("E0392") && codes.contains("redundant_semicolons") &&
         !codes.contains("E0308") && !codes.contains("unreachable_code");
}

} // namespace

bool unresolved_trait_stops_before_type_checking(CommandRunner& runner, const std::filesystem::path& bin,
                                                 const std::string& toolchain, const std::string& verbose_version,
                                                 const std::filesystem::path& cache_folder)
{
  const auto answer_file = cache_folder / fmt::format("unresolved-trait-{}.txt", text::fnv1a_hex(verbose_version));
  std::error_code ec;
  if (std::filesystem::exists(answer_file, ec)) {
    return text::read_file(answer_file) == stops_answer;
  }
  std::filesystem::create_directories(cache_folder, ec);
  const auto source = cache_folder / "unresolved-trait-probe.rs";
  text::write_file_if_changed(source, unresolved_trait_probe);
  const auto output = cache_folder / fmt::format("unresolved-trait-probe-{}.rmeta", ::getpid());
  Command command;
  command.argv = {bin.empty() ? std::string("rustc") : (bin / "rustc").string()};
  if (bin.empty() && !toolchain.empty()) {
    command.argv.push_back("+" + toolchain);
  }
  command.argv.insert(command.argv.end(), {"--edition", "2021", "--crate-type", "lib", "--emit", "metadata",
                                           "--error-format", "json", "-o", output.string(), source.string()});
  command.environment = Environment::clear;
  command.set_env = toolchain_environment();
  command.timeout = std::chrono::seconds(60);
  const auto result = runner.run(command);
  std::filesystem::remove(output, ec);
  if (result.status.kind == ExitStatus::Kind::not_started || result.status.success()) {
    return false; // no answer (or a rustc that took the probe): prove nothing with it
  }
  const bool stops = probe_shows_the_stop(result.err);
  text::write_file_atomically(answer_file, stops ? stops_answer : "goes on\n");
  return stops;
}

} // namespace snipcheck::cargo
