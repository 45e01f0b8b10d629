#include "cargo/cargo.hpp"

#include "cargo/compile_limit.hpp"

#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <unistd.h> // environ

namespace snipcheck::cargo {

namespace {

using nlohmann::json;

// The level rustc gives the diagnostics of a crash (an ICE), in its JSON.
constexpr std::string_view internal_compiler_error = "error: internal compiler error";

bool same_file(const std::string& span_file, const std::string& src_path)
{
  return span_file == src_path || src_path.ends_with("/" + span_file);
}

std::optional<SourceSpan> span_of(const json& span)
{
  if (!span.is_object()) {
    return std::nullopt;
  }
  return SourceSpan{span.value("file_name", ""), span.value("line_start", 0), span.value("column_start", 0)};
}

// The machine-applicable suggestions of a message (its own spans and its
// children's, one suggestion per child, as rustfix reads them) whose every
// edit is in the target's own file: a suggestion reaching into a macro's
// definition or another file is not one snipcheck can apply.
std::vector<Suggestion> machine_applicable(const json& message, const std::string& src_path)
{
  std::vector<Suggestion> suggestions;
  const auto collect = [&](const json& diagnostic) {
    Suggestion suggestion;
    suggestion.message = diagnostic.value("message", "");
    bool applicable = false;
    for (const auto& span : diagnostic.value("spans", json::array())) {
      const auto replacement = span.find("suggested_replacement");
      if (replacement == span.end() || !replacement->is_string()) {
        continue;
      }
      if (span.value("suggestion_applicability", "") != "MachineApplicable" ||
          !same_file(span.value("file_name", ""), src_path)) {
        return; // one edit it cannot make: none of them
      }
      applicable = true;
      suggestion.edits.push_back(Replacement{span.value("file_name", ""), span.value("line_start", 0),
                                             span.value("column_start", 0), span.value("line_end", 0),
                                             span.value("column_end", 0), replacement->get<std::string>()});
    }
    if (applicable) {
      suggestions.push_back(std::move(suggestion));
    }
  };
  collect(message);
  for (const auto& child : message.value("children", json::array())) {
    collect(child);
  }
  return suggestions;
}

// The primary span, or where the macro that produced it was invoked in the
// target's own file.
std::optional<SourceSpan> locate(const json& message, const std::string& src_path)
{
  const auto spans = message.value("spans", json::array());
  const json* primary = nullptr;
  for (const auto& span : spans) {
    if (span.value("is_primary", false)) {
      primary = &span;
      break;
    }
  }
  if (primary == nullptr && !spans.empty()) {
    primary = &spans.front();
  }
  if (primary == nullptr) {
    return std::nullopt;
  }
  const json* current = primary;
  while (current != nullptr && !same_file(current->value("file_name", ""), src_path)) {
    const auto expansion = current->find("expansion");
    if (expansion == current->end() || !expansion->is_object() || !expansion->contains("span")) {
      current = nullptr;
      break;
    }
    current = &(*expansion)["span"];
  }
  return span_of(current != nullptr ? *current : *primary);
}

std::filesystem::path home_folder(const char* variable, const char* default_name)
{
  if (const char* value = std::getenv(variable); value != nullptr && *value != '\0') {
    return std::filesystem::absolute(value);
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : "/") / default_name;
}

// Limits for cargo and every rustc it starts: a listing such as
// `include_bytes!("/dev/zero")` or an endless const evaluation stops here.
Limits compiler_limits()
{
  Limits limits;
  limits.address_space_bytes = std::size_t{8} << 30;
  limits.cpu_seconds = 20 * 60;
  limits.file_size_bytes = std::size_t{4} << 30;
  return limits;
}

FileView compiler_view(const CargoSettings& settings)
{
  // No /dev/zero: include_bytes! of it would read without end.
  auto view = system_view({"null", "random", "urandom"});
  const auto cargo_home = home_folder("CARGO_HOME", ".cargo");
  view.read_only.push_back(home_folder("RUSTUP_HOME", ".rustup"));
  view.read_only.push_back(cargo_home / "bin");
  if (settings.cargo_home.empty()) {
    // Downloaded crates; never config.toml or credentials.toml.
    for (const auto* folder : {"registry", "git"}) {
      (settings.offline ? view.read_only : view.writable).push_back(cargo_home / folder);
    }
  } else {
    if (!settings.offline) {
      // The private home's links lead to the user's downloads: readable, never writable.
      view.read_only.push_back(cargo_home / "registry" / "cache");
      view.read_only.push_back(cargo_home / "registry" / "index");
    }
    view.writable.push_back(settings.cargo_home);
  }
  for (const auto* tool : {"cargo", "rustc", "rustup"}) {
    const auto found = find_executable(tool);
    if (!found.empty()) {
      std::error_code ec;
      view.read_only.push_back(found.parent_path());
      view.read_only.push_back(std::filesystem::canonical(found, ec).parent_path());
    }
  }
  if (!settings.toolchain_bin.empty()) {
    view.read_only.push_back(settings.toolchain_bin.parent_path()); // the sysroot: rustc's libraries
  }
  view.read_only.insert(view.read_only.end(), settings.readable.begin(), settings.readable.end());
  view.writable.push_back(settings.workspace);
  view.writable.push_back(settings.target_dir);
  return view;
}

// clippy-driver in rustc's place for the workspace's own targets. cargo runs a
// RUSTC_WORKSPACE_WRAPPER as `wrapper rustc ARGS`, which is how clippy-driver
// expects to be called; when snipcheck is already that wrapper (the compile
// limit), it runs clippy-driver in rustc's place. The flags travel in
// CLIPPY_ARGS, which clippy-driver records in its dep-info, so cargo builds
// again when they change. clippy.toml is looked for from CLIPPY_CONF_DIR up:
// the workspace holds one (empty), so no file above the build folder applies.
void apply_clippy(Command& command, const CargoSettings& settings)
{
  std::string flags;
  for (const auto& flag : settings.clippy_flags) {
    flags += flag + "__CLIPPY_HACKERY__";
  }
  command.set_env["CLIPPY_ARGS"] = flags;
  command.set_env["CLIPPY_CONF_DIR"] = std::filesystem::absolute(settings.workspace).string();
  if (command.set_env.contains("RUSTC_WORKSPACE_WRAPPER")) {
    command.set_env[clippy_driver_variable] = settings.clippy_driver.string();
  } else {
    command.set_env["RUSTC_WORKSPACE_WRAPPER"] = settings.clippy_driver.string();
  }
}

} // namespace

std::map<std::string, std::string> toolchain_environment()
{
  std::map<std::string, std::string> environment;
  for (const auto* name : {"PATH", "HOME", "RUSTC_WRAPPER", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                           "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR"}) {
    if (const char* value = std::getenv(name); value != nullptr) {
      environment[name] = value;
    }
  }
  // A compiler wrapper's own settings (sccache's cache folder, server port)
  // go with it: they say where it caches, not what rustc builds.
  if (environment.contains("RUSTC_WRAPPER")) {
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const std::string_view variable(*entry);
      const auto equals = variable.find('=');
      if (variable.starts_with("SCCACHE_") && equals != std::string_view::npos) {
        environment[std::string(variable.substr(0, equals))] = std::string(variable.substr(equals + 1));
      }
    }
  }
  environment["CARGO_HOME"] = home_folder("CARGO_HOME", ".cargo").string();
  environment["RUSTUP_HOME"] = home_folder("RUSTUP_HOME", ".rustup").string();
  return environment;
}

CompileIsolation compile_isolation()
{
  CompileIsolation result;
  if (!isolation_available(&result.why_not)) {
    return result;
  }
  if (const char* wrapper = std::getenv("RUSTC_WRAPPER"); wrapper != nullptr) {
    result.why_not = fmt::format("RUSTC_WRAPPER is set ({})", wrapper);
    return result;
  }
  result.isolated = true;
  return result;
}

std::string build_setup_identity()
{
  const char* wrapper = std::getenv("RUSTC_WRAPPER");
  return fmt::format("compile isolated {}, programs isolated {}, RUSTC_WRAPPER {}", compile_isolation().isolated,
                     isolation_available(), wrapper != nullptr ? fmt::format("'{}'", wrapper) : "unset");
}

void prepare_cargo_home(const std::filesystem::path& home)
{
  namespace fs = std::filesystem;
  const auto seeded = home / "snipcheck-seeded";
  std::error_code ec;
  if (fs::exists(seeded, ec)) {
    return;
  }
  const auto user_home = home_folder("CARGO_HOME", ".cargo");
  for (const auto* folder : {"registry/cache", "registry/index"}) {
    const auto from = user_home / folder;
    for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      std::error_code link_ec;
      if (!it->is_regular_file(link_ec) || it->is_symlink(link_ec)) {
        continue;
      }
      const auto link = home / folder / fs::relative(it->path(), from, link_ec);
      fs::create_directories(link.parent_path(), link_ec);
      fs::create_symlink(it->path(), link, link_ec); // one that cannot be made is downloaded again
    }
    ec.clear();
  }
  fs::create_directories(home, ec);
  text::write_file_atomically(seeded, "The user's registry/cache and registry/index, linked (snipcheck).\n");
}

Command cargo_command(const CargoSettings& settings, const std::string& subcommand,
                      const std::vector<std::string>& arguments)
{
  Command command;
  if (!settings.toolchain_bin.empty()) {
    command.argv.push_back((settings.toolchain_bin / "cargo").string());
  } else {
    command.argv.push_back("cargo");
    if (!settings.toolchain.empty()) {
      command.argv.push_back("+" + settings.toolchain);
    }
  }
  command.argv.push_back(subcommand);
  command.argv.push_back("--message-format=json");
  command.argv.push_back("--color=never");
  if (settings.offline) {
    command.argv.push_back("--offline");
  }
  command.argv.insert(command.argv.end(), arguments.begin(), arguments.end());
  command.working_dir = settings.workspace;
  command.environment = Environment::clear;
  command.set_env = toolchain_environment();
  command.set_env.insert({
      {"CARGO_TARGET_DIR", std::filesystem::absolute(settings.target_dir).string()},
      {"CARGO_INCREMENTAL", "0"},
      {"CARGO_TERM_COLOR", "never"},
      {"CARGO_TERM_PROGRESS_WHEN", "never"},
  });
  if (!settings.toolchain_bin.empty()) {
    command.set_env["RUSTC"] = (settings.toolchain_bin / "rustc").string();
  }
  if (!settings.cargo_home.empty()) {
    command.set_env["CARGO_HOME"] = std::filesystem::absolute(settings.cargo_home).string();
  }
  command.limits = compiler_limits();
  // A RUSTC_WRAPPER (sccache) only caches, but needs its own files, server and
  // network: with one, cargo runs without isolation (README).
  if (compile_isolation().isolated) {
    command.sandbox.view = compiler_view(settings);
    command.sandbox.new_network_namespace = settings.offline;
    command.set_env["TMPDIR"] = "/tmp";
  }
  apply_compile_limit(command, settings.compile_timeout);
  if (!settings.clippy_driver.empty()) {
    apply_clippy(command, settings);
  }
  return command;
}

BuildMessages parse_cargo_messages(std::string_view json_lines)
{
  BuildMessages result;
  for (const auto& line : text::split_lines(json_lines)) {
    if (!line.starts_with('{')) {
      continue;
    }
    const auto message = json::parse(line, nullptr, false);
    if (message.is_discarded() || !message.is_object()) {
      continue;
    }
    const auto reason = message.value("reason", "");
    const auto target = message.value("target", json::object());
    const auto src_path = target.value("src_path", "");
    if (reason == "compiler-message") {
      const auto& body = message["message"];
      CompilerMessage parsed;
      parsed.target_src_path = src_path;
      parsed.level = body.value("level", "");
      if (body.contains("code") && body["code"].is_object()) {
        parsed.code = body["code"].value("code", "");
      }
      parsed.message = body.value("message", "");
      if (parsed.level == internal_compiler_error) {
        // rustc crashed on this listing's code: the listing's failure (as rustdoc
        // reports it), placed at the span rustc names, not the environment's.
        parsed.level = "error";
        parsed.message = fmt::format("internal compiler error: {}", parsed.message);
      }
      parsed.span = locate(body, src_path);
      bool first_primary = true;
      for (const auto& span : body.value("spans", json::array())) {
        if (span.value("is_primary", false)) {
          if (!first_primary) {
            parsed.other_primary_spans.push_back(*span_of(span));
          }
          first_primary = false;
        }
      }
      if (!body.contains("rendered") || body["rendered"].is_null()) {
        parsed.rendered = parsed.message;
      } else {
        parsed.rendered = body.value("rendered", "");
      }
      parsed.suggestions = machine_applicable(body, src_path);
      result.messages.push_back(std::move(parsed));
    } else if (reason == "compiler-artifact") {
      result.built.insert(src_path);
      if (message.contains("executable") && message["executable"].is_string()) {
        result.executables[src_path] = message["executable"].get<std::string>();
      }
    } else if (reason == "build-finished") {
      result.finished_successfully = message.value("success", false);
    }
  }
  return result;
}

bool is_summary_message(const CompilerMessage& message)
{
  return !message.span &&
         (message.message.starts_with("aborting due to") || message.message.starts_with("could not compile"));
}

namespace {

// `rustc [+toolchain] ARGUMENT` (or the given rustc), in the environment cargo will have.
CommandResult run_rustc(CommandRunner& runner, const std::string& rustc, const std::string& toolchain,
                        const std::string& argument, const std::vector<std::string>& more = {})
{
  Command command;
  command.argv = {rustc};
  if (!toolchain.empty()) {
    command.argv.push_back("+" + toolchain);
  }
  command.argv.push_back(argument);
  command.argv.insert(command.argv.end(), more.begin(), more.end());
  command.environment = Environment::clear;
  command.set_env = toolchain_environment();
  command.timeout = std::chrono::seconds(60);
  return runner.run(command);
}

void throw_unless_usable(const CommandResult& result, const std::string& toolchain)
{
  if (result.status.kind == ExitStatus::Kind::not_started) {
    throw Fatal(fmt::format("no Rust toolchain: {}. Install one with `rustup toolchain install stable` "
                            "(or `apt-get install cargo`), and make sure cargo and rustc are on PATH",
                            result.start_error));
  }
  if (!result.status.success()) {
    const auto name = toolchain.empty() ? std::string("stable") : toolchain;
    throw Fatal(fmt::format("toolchain `{}` is not usable ({}): {}\nInstall it with `rustup toolchain install {}`",
                            name, result.status.describe(), text::trim(result.err), name));
  }
}

} // namespace

ResolvedToolchain resolve_toolchain(CommandRunner& runner, const std::string& toolchain)
{
  const auto sysroot_run = run_rustc(runner, "rustc", toolchain, "--print", {"sysroot"});
  throw_unless_usable(sysroot_run, toolchain);
  const auto lines = text::split_lines(sysroot_run.out);
  const std::filesystem::path bin =
      lines.empty() ? std::filesystem::path() : std::filesystem::path(std::string(text::trim(lines.front()))) / "bin";
  ResolvedToolchain resolved;
  const auto beside = [&](const char* tool) { return !find_executable((bin / tool).string()).empty(); };
  if (bin.is_absolute() && beside("rustc") && beside("cargo")) {
    const auto version_run = run_rustc(runner, (bin / "rustc").string(), "", "-vV");
    throw_unless_usable(version_run, toolchain);
    resolved.verbose_version = text::trim(version_run.out);
    resolved.bin = bin;
  } else { // a rustc without its cargo beside it: both through PATH, as given
    const auto version_run = run_rustc(runner, "rustc", toolchain, "-vV");
    throw_unless_usable(version_run, toolchain);
    resolved.verbose_version = text::trim(version_run.out);
  }
  return resolved;
}

namespace {

// A component's executable in a toolchain's bin/ (ResolvedToolchain::bin);
// with none there, on PATH for the default toolchain. Throws Fatal naming
// `rustup component add COMPONENT`.
std::filesystem::path component_executable(const std::filesystem::path& bin, const std::string& toolchain,
                                           const std::string& executable, const std::string& component)
{
  if (!bin.empty()) {
    if (auto beside = find_executable((bin / executable).string()); !beside.empty()) {
      return beside;
    }
  } else if (toolchain.empty()) {
    if (auto on_path = find_executable(executable); !on_path.empty()) {
      return on_path;
    }
  }
  const auto named = toolchain.empty() ? std::string() : " --toolchain " + toolchain;
  throw Fatal(fmt::format("{} is not installed for the {} toolchain; install it with `rustup component add {}{}`",
                          component, toolchain.empty() ? "default" : "`" + toolchain + "`", component, named));
}

} // namespace

std::filesystem::path resolve_clippy_driver(const std::filesystem::path& bin, const std::string& toolchain)
{
  return component_executable(bin, toolchain, "clippy-driver", "clippy");
}

std::string clippy_lint_help(CommandRunner& runner, const std::filesystem::path& clippy_driver)
{
  Command command;
  command.argv = {clippy_driver.string(), "rustc", "-W", "help"}; // `rustc` first, as cargo calls it
  command.environment = Environment::clear;
  command.set_env = toolchain_environment();
  command.timeout = std::chrono::seconds(60);
  const auto result = runner.run(command);
  if (!result.status.success()) {
    throw Fatal(fmt::format("{} -W help failed ({}): {}", clippy_driver.string(), result.status.describe(),
                            text::trim(result.err)));
  }
  return result.out;
}

std::filesystem::path resolve_rustfmt(CommandRunner& runner, const std::string& toolchain)
{
  return component_executable(resolve_toolchain(runner, toolchain).bin, toolchain, "rustfmt", "rustfmt");
}

} // namespace snipcheck::cargo
