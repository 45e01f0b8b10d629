#include "cli/commands.hpp"

#include "cargo/process.hpp"
#include "util/edition.hpp"
#include "util/errors.hpp"
#include "util/version.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <regex>
#include <unistd.h>

namespace snipcheck::cli {

namespace {

constexpr int exit_interrupted = 130;

struct CommonArguments
{
  std::string book;
  std::string expected;
  std::string build_dir;
  std::string color = "auto";
  std::vector<std::string> toolchains;
  std::vector<std::string> editions;
  std::vector<std::string> reports;
  std::string shard;
  int jobs = 0;
  double timeout = 0;
  bool quiet = false;
  bool verbose = false;
  bool no_cache = false;
  bool ignored = false;
  bool merge = true;
  // Given on the command line? (0, -1 and a missing --expected are errors, not defaults.)
  CLI::Option* jobs_option = nullptr;
  CLI::Option* timeout_option = nullptr;
  CLI::Option* merge_option = nullptr;
};

// What a command does with an --expected folder that does not exist.
enum class MissingExpected { rejected, created };

void add_common_options(CLI::App& app, CommonArguments& arguments)
{
  app.add_option("--book", arguments.book, "The book: a text, Markdown or LaTeX file, or an mdBook folder");
  app.add_option("--expected", arguments.expected, "Folder of expectation files (chNN.toml)");
  app.add_option("--build-dir", arguments.build_dir, "Where the scratch workspace and target folder live");
  // Each occurrence takes exactly one value, so a selector after them stays a selector.
  app.add_option("--toolchain", arguments.toolchains, "rustup toolchains to check with: stable,nightly,1.80")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--edition", arguments.editions, "Editions to check: 2021,2024")
      ->delimiter(',')
      ->allow_extra_args(false);
  arguments.jobs_option = app.add_option("--jobs,-j", arguments.jobs,
                                         "Parallel jobs: cargo's, and programs run at once (default: one per core)");
  arguments.timeout_option = app.add_option("--timeout", arguments.timeout, "Seconds a listing may run (default 10)");
  app.add_option("--report", arguments.reports, "FORMAT=PATH, repeatable: json=out.json, junit=out.xml, github")
      ->allow_extra_args(false);
  app.add_option("--color", arguments.color, "auto, always or never (NO_COLOR is honoured)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("--shard", arguments.shard, "K/N: check the K-th of N stable parts");
  app.add_flag("--quiet,-q", arguments.quiet, "Print failures and the summary only");
  app.add_flag("--verbose,-v", arguments.verbose, "Print each cargo command, and the one that built a failure");
  app.add_flag("--no-cache", arguments.no_cache, "Ignore cached results");
  app.add_flag("--ignored", arguments.ignored,
               "Also build every `ignore`d block without a claim and say what it does today (list, check)");
  arguments.merge_option = app.add_flag("--merge,!--no-merge", arguments.merge,
                                        "Build a chapter's listings in merged targets (default), or each in its own");
}

app::Options merge(const CommonArguments& arguments, std::vector<std::string> selectors,
                   MissingExpected missing_expected = MissingExpected::rejected)
{
  auto options = app::load_defaults(std::filesystem::current_path());
  if (!arguments.book.empty())
    options.book = arguments.book;
  if (!arguments.expected.empty()) {
    const auto configured = options.expected;
    options.expected = arguments.expected;
    std::error_code ec;
    if (std::filesystem::exists(options.expected, ec) && !std::filesystem::is_directory(options.expected, ec)) {
      throw InputError({}, 0, fmt::format("--expected {} is not a folder", options.expected.string()));
    }
    // A missing folder while the book's annotations sit elsewhere is a typo that
    // would turn every annotated listing red; a book without any yet may name
    // the folder bless will create.
    const bool annotations_elsewhere =
        std::filesystem::is_directory(configured, ec) &&
        !std::filesystem::equivalent(configured, std::filesystem::absolute(options.expected), ec);
    if (!std::filesystem::exists(options.expected, ec) && annotations_elsewhere &&
        missing_expected == MissingExpected::rejected) {
      throw InputError({}, 0,
                       fmt::format("--expected {}: no such folder, while the book's annotations are in {} "
                                   "(`snipcheck bless --expected {}` creates a new one)",
                                   options.expected.string(), configured.string(), options.expected.string()));
    }
  }
  if (!arguments.build_dir.empty())
    options.build_dir = arguments.build_dir;
  if (!arguments.toolchains.empty())
    options.toolchains = arguments.toolchains;
  if (!arguments.editions.empty())
    options.editions = arguments.editions;
  if (arguments.jobs_option->count() > 0) {
    if (arguments.jobs < 1 || arguments.jobs > 9999) {
      throw InputError({}, 0, fmt::format("--jobs {} must be a whole number from 1 to 9999", arguments.jobs));
    }
    options.jobs = arguments.jobs;
  }
  if (arguments.timeout_option->count() > 0) {
    if (!(arguments.timeout > 0 && arguments.timeout < 86400)) {
      throw InputError({}, 0,
                       fmt::format("--timeout {} must be a number of seconds above 0 and below a day (86400)",
                                   arguments.timeout_option->as<std::string>()));
    }
    options.timeout_seconds = arguments.timeout;
  }
  if (options.toolchains.empty() && !options.book.empty()) {
    // Neither the command line nor snipcheck.toml chose: the book's own pin, as rustup would.
    options.toolchain_pin = app::find_toolchain_pin(options.book);
    if (options.toolchain_pin) {
      options.toolchains = {options.toolchain_pin->channel};
    }
  }
  options.quiet = arguments.quiet;
  options.verbose = arguments.verbose;
  options.use_cache = !arguments.no_cache;
  if (arguments.merge_option->count() > 0)
    options.merge = arguments.merge;
  options.inventory = arguments.ignored;
  options.selectors = std::move(selectors);
  options.color = arguments.color == "always"  ? app::ColorChoice::always
                  : arguments.color == "never" ? app::ColorChoice::never
                                               : app::ColorChoice::automatic;
  for (const auto& edition : options.editions) {
    if (!util::is_edition(edition)) {
      throw InputError({}, 0, util::unknown_edition_message(edition));
    }
  }
  for (const auto& report : arguments.reports) {
    const auto equals = report.find('=');
    app::ReportRequest request{report.substr(0, equals), equals == std::string::npos ? "" : report.substr(equals + 1)};
    if (request.format != "json" && request.format != "junit" && request.format != "github") {
      throw InputError({}, 0,
                       fmt::format("unknown report format `{}` (use json=PATH, junit=PATH or github)", request.format));
    }
    if (request.path.empty() && request.format != "github") {
      throw InputError({}, 0,
                       fmt::format("--report {} needs a path: --report {}=PATH", request.format, request.format));
    }
    options.reports.push_back(std::move(request));
  }
  if (!arguments.shard.empty()) {
    std::smatch match;
    if (!std::regex_match(arguments.shard, match, std::regex(R"((\d+)/(\d+))")) || std::stoi(match[1].str()) < 1 ||
        std::stoi(match[1].str()) > std::stoi(match[2].str())) {
      throw InputError({}, 0, fmt::format("--shard `{}` must be K/N with 1 <= K <= N, like 2/4", arguments.shard));
    }
    options.shard = app::Shard{std::stoi(match[1].str()), std::stoi(match[2].str())};
  }
  return options;
}

bool use_color(const app::Options& options)
{
  if (options.color == app::ColorChoice::always)
    return true;
  if (options.color == app::ColorChoice::never)
    return false;
  const char* no_color = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) != 0 && (no_color == nullptr || *no_color == '\0');
}

} // namespace

std::function<void(const std::string&)> verbose_log(const app::Options& options)
{
  return [verbose = options.verbose, quiet = options.quiet](const std::string& note) {
    const bool notice = note.starts_with("notice:") || note.starts_with("waiting");
    if (verbose || (notice && !quiet)) {
      fmt::print(stderr, "{}{}\n", notice ? "" : "     Running ", note);
    }
  };
}

int main(int argc, char** argv)
{
  CLI::App cli{"snipcheck: checks that every Rust listing of a book behaves as its maintainers expect"};
  cli.name("snipcheck");
  cli.set_version_flag("--version", std::string(version_line()), "Print the version and commit, then exit");
  CommonArguments common;
  add_common_options(cli, common);
  std::vector<std::string> selectors;
  cli.add_option("selectors", selectors,
                 "Chapters (2, 3-5), sections (2.3), ids (ch02/2.3-1), id globs (ch04/*), files (src/ch04.md), "
                 "a file and line (src/ch04.md:120) or chapter titles (\"*Lifetimes*\"); docs/selection.md");
  cli.fallthrough();
  cli.require_subcommand(0, 1);

  auto* check = cli.add_subcommand("check", "Extract, build and compare (the default)");
  std::vector<std::string> check_selectors;
  check->add_option("selectors", check_selectors, "What to check");
  auto* chapter = cli.add_subcommand("chapter", "Check one chapter or a range: chapter 5, chapter 3-5");
  std::string chapter_range;
  chapter->add_option("N", chapter_range, "Chapter number or range")->required();
  auto* list = cli.add_subcommand("list", "One line per listing: id, book location, expectation");
  std::vector<std::string> list_selectors;
  list->add_option("selectors", list_selectors, "What to list");
  auto* show = cli.add_subcommand("show", "A listing, the file as compiled, its expectation and result");
  std::string show_id;
  show->add_option("ID", show_id, "Listing id")->required();
  auto* bless = cli.add_subcommand("bless", "Record today's outcomes in expected/");
  std::vector<std::string> bless_selectors;
  bless->add_option("selectors", bless_selectors, "What to bless");
  bool bless_dry_run = false;
  bless->add_flag("--dry-run", bless_dry_run, "Print the changes to expected/ as a diff; write nothing");
  auto* errata = cli.add_subcommand("errata", "The errata report: each listing wrong in the book, its error and fix");
  std::vector<std::string> errata_selectors;
  errata->add_option("selectors", errata_selectors, "Which listings");
  auto* init = cli.add_subcommand("init", "Write a snipcheck.toml for the book in this folder");
  auto* extract = cli.add_subcommand("extract", "Write the scratch workspace without building");
  std::string extract_out;
  extract->add_option("--out", extract_out, "Folder to write")->required();

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return cli.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return cli.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return cli.exit(version);
  } catch (const CLI::ParseError& error) {
    cli.exit(error);
    return exit_bad_input;
  }

  cargo::install_interrupt_handler();
  // SIGINT, SIGTERM and SIGHUP all end the run with 130, its children killed (README).
  const auto finished = [](int code) { return cargo::interrupt_signal() != 0 ? exit_interrupted : code; };
  try {
    Output output;
    if (*chapter) {
      auto options = merge(common, {chapter_range});
      output.color = use_color(options);
      return finished(check_command(options, output));
    }
    if (*list) {
      return finished(list_command(merge(common, list_selectors)));
    }
    if (*show) {
      auto options = merge(common, {show_id});
      output.color = use_color(options);
      return finished(show_command(options, output));
    }
    if (*bless) {
      auto options = merge(common, bless_selectors, MissingExpected::created);
      output.color = use_color(options);
      return finished(bless_command(options, output, bless_dry_run ? DryRun::yes : DryRun::no));
    }
    if (*errata) {
      return finished(errata_command(merge(common, errata_selectors)));
    }
    if (*init) {
      app::Options options;
      options.book = common.book;
      return init_command(options);
    }
    if (*extract) {
      return finished(extract_command(merge(common, selectors), extract_out));
    }
    auto all_selectors = selectors;
    all_selectors.insert(all_selectors.end(), check_selectors.begin(), check_selectors.end());
    auto options = merge(common, all_selectors);
    output.color = use_color(options);
    return finished(check_command(options, output));
  } catch (const InputError& error) {
    for (const auto& problem : error.problems()) {
      fmt::print(stderr, "error: {}\n", problem.to_string());
    }
    return exit_bad_input;
  } catch (const cargo::Interrupted&) {
    fmt::print(stderr, "interrupted\n");
    return exit_interrupted;
  } catch (const Fatal& error) {
    fmt::print(stderr, "error: {}\n", error.what());
    return finished(exit_environment);
  } catch (const std::exception& error) {
    // Whatever escaped the two tiers is still the environment's failure, never a crash.
    fmt::print(stderr, "error: {}\n", error.what());
    return finished(exit_environment);
  }
}

} // namespace snipcheck::cli
