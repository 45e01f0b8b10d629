// The command line over snipcheck.toml (docs/settings.md): each setting given
// replaces the file's, and is checked by the same rules (options_rules.cpp).
#include "app/options.hpp"

#include "util/errors.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace snipcheck::app {

namespace {

namespace fs = std::filesystem;

// --expected must be a folder; a missing one is refused when it looks like a typo.
void use_expected(Options& options, const fs::path& given, MissingExpected missing_expected)
{
  const auto configured = options.expected;
  options.expected = given;
  std::error_code ec;
  if (fs::exists(options.expected, ec) && !fs::is_directory(options.expected, ec)) {
    throw InputError({}, 0, fmt::format("--expected {} is not a folder", options.expected.string()));
  }
  // A missing folder while the book's annotations sit elsewhere is a typo that
  // would turn every annotated listing red; a book without any yet may name
  // the folder bless will create.
  const bool annotations_elsewhere =
      fs::is_directory(configured, ec) && !fs::equivalent(configured, fs::absolute(options.expected), ec);
  if (!fs::exists(options.expected, ec) && annotations_elsewhere && missing_expected == MissingExpected::rejected) {
    throw InputError({}, 0,
                     fmt::format("--expected {}: no such folder, while the book's annotations are in {} "
                                 "(`snipcheck bless --expected {}` creates a new one)",
                                 options.expected.string(), configured.string(), options.expected.string()));
  }
}

void use_jobs_and_timeout(Options& options, const CommandLine& given)
{
  if (given.jobs) {
    if (const auto wrong = jobs_problem(*given.jobs, GivenIn::command_line)) {
      throw InputError({}, 0, *wrong);
    }
    options.jobs = *given.jobs;
  }
  if (given.timeout) {
    if (const auto wrong = timeout_problem(*given.timeout, GivenIn::command_line, given.timeout_text)) {
      throw InputError({}, 0, *wrong);
    }
    options.timeout_seconds = *given.timeout;
  }
  if (given.compile_timeout) {
    if (const auto wrong =
            compile_timeout_problem(*given.compile_timeout, GivenIn::command_line, given.compile_timeout_text)) {
      throw InputError({}, 0, *wrong);
    }
    options.compile_timeout_seconds = *given.compile_timeout;
  }
}

ColorChoice color_choice(const std::string& color)
{
  return color == "always" ? ColorChoice::always : color == "never" ? ColorChoice::never : ColorChoice::automatic;
}

// Checked after everything else is merged, in the order the command line reads.
void check_editions_reports_and_shard(Options& options, const CommandLine& given)
{
  for (const auto& edition : options.editions) {
    if (const auto wrong = edition_problem(edition)) {
      throw InputError({}, 0, *wrong);
    }
  }
  for (const auto& report : given.reports) {
    options.reports.push_back(parse_report_request(report));
  }
  if (!given.shard.empty()) {
    options.shard = parse_shard(given.shard);
    if (!options.shard) {
      throw InputError({}, 0, fmt::format("--shard `{}` must be K/N with 1 <= K <= N, like 2/4", given.shard));
    }
  }
}

} // namespace

Options merge_command_line(const CommandLine& given, const fs::path& start, MissingExpected missing_expected)
{
  const auto found = find_book_settings(given.book, start);
  auto options = load_config(found.config, found.base);
  if (!found.book.empty())
    options.book = found.book;
  options.settings_notes = found.notes;
  if (!given.expected.empty())
    use_expected(options, given.expected, missing_expected);
  if (!given.build_dir.empty())
    options.build_dir = given.build_dir;
  if (!given.toolchains.empty())
    options.toolchains = given.toolchains;
  if (!given.editions.empty())
    options.editions = given.editions;
  use_jobs_and_timeout(options, given);
  const char* rustup_toolchain = std::getenv("RUSTUP_TOOLCHAIN");
  if (options.toolchains.empty() && rustup_toolchain != nullptr && *rustup_toolchain != '\0') {
    // rustup puts its environment variable before any rust-toolchain file.
    options.toolchains = {rustup_toolchain};
    options.settings_notes.push_back(fmt::format("toolchain: {} (RUSTUP_TOOLCHAIN)", rustup_toolchain));
  } else if (options.toolchains.empty() && !options.book.empty()) {
    // Neither the command line nor snipcheck.toml chose: the book's own pin, as rustup would.
    options.toolchain_pin = find_toolchain_pin(options.book);
    if (options.toolchain_pin) {
      options.toolchains = {options.toolchain_pin->channel};
    }
  }
  options.quiet = given.quiet;
  options.verbose = given.verbose;
  options.use_cache = !given.no_cache;
  if (given.merge)
    options.merge = *given.merge;
  options.inventory = given.ignored;
  options.timings = given.timings;
  options.selectors = given.selectors;
  options.color = color_choice(given.color);
  check_editions_reports_and_shard(options, given);
  return options;
}

} // namespace snipcheck::app
