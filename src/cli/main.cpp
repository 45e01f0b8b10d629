#include "cli/commands.hpp"

#include "cargo/process.hpp"
#include "report/escape.hpp"
#include "util/errors.hpp"
#include "util/version.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <unistd.h>

namespace snipcheck::cli {

namespace {

constexpr int exit_interrupted = 130;

// The options every command takes, as CLI11 reads them; app::merge_command_line checks them.
struct CommonArguments
{
  app::CommandLine given;
  int jobs = 0;
  double timeout = 0;
  double compile_timeout = 0;
  bool merge = true;
  // Given on the command line? (0, -1 and a missing --expected are errors, not defaults.)
  CLI::Option* jobs_option = nullptr;
  CLI::Option* timeout_option = nullptr;
  CLI::Option* compile_timeout_option = nullptr;
  CLI::Option* merge_option = nullptr;
};

void add_common_options(CLI::App& app, CommonArguments& arguments)
{
  auto& given = arguments.given;
  app.add_option("--book", given.book, "The book: a text, Markdown or LaTeX file, or an mdBook folder");
  app.add_option("--expected", given.expected, "Folder of expectation files (chNN.toml)");
  app.add_option("--build-dir", given.build_dir, "Where the scratch workspace and target folder live");
  // Each occurrence takes exactly one value, so a selector after them stays a selector.
  app.add_option("--toolchain", given.toolchains, "rustup toolchains to check with: stable,nightly,1.80")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--edition", given.editions, "Editions to check: 2021,2024")->delimiter(',')->allow_extra_args(false);
  arguments.jobs_option = app.add_option("--jobs,-j", arguments.jobs,
                                         "Parallel jobs: cargo's, and programs run at once (default: one per core)");
  arguments.timeout_option = app.add_option("--timeout", arguments.timeout, "Seconds a listing may run (default 10)");
  arguments.compile_timeout_option = app.add_option("--compile-timeout", arguments.compile_timeout,
                                                    "Seconds a listing's compilation may take (default 180)");
  app.add_option("--report", given.reports, "FORMAT=PATH, repeatable: json=out.json, junit=out.xml, github")
      ->allow_extra_args(false);
  app.add_option("--color", given.color, "auto, always or never (NO_COLOR is honoured)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("--shard", given.shard, "K/N: check the K-th of N stable parts");
  app.add_flag("--quiet,-q", given.quiet, "Print failures and the summary only");
  app.add_flag("--verbose,-v", given.verbose, "Print each cargo command, and the one that built a failure");
  app.add_flag("--no-cache", given.no_cache, "Ignore cached results");
  app.add_flag("--ignored", given.ignored,
               "Also build every `ignore`d block without a claim and say what it does today (list, check)");
  app.add_flag("--timings", given.timings,
               "check: print the wall time of each phase (read, plan, cargo rounds, runs, cache) and the floor");
  arguments.merge_option = app.add_flag("--merge,!--no-merge", arguments.merge,
                                        "Build a chapter's listings in merged targets (default), or each in its own");
}

// The parsed command line over snipcheck.toml, for a command with these selectors.
app::Options merge(const CommonArguments& arguments, std::vector<std::string> selectors,
                   app::MissingExpected missing_expected = app::MissingExpected::rejected)
{
  auto given = arguments.given;
  if (arguments.jobs_option->count() > 0)
    given.jobs = arguments.jobs;
  if (arguments.timeout_option->count() > 0) {
    given.timeout = arguments.timeout;
    given.timeout_text = arguments.timeout_option->as<std::string>();
  }
  if (arguments.compile_timeout_option->count() > 0) {
    given.compile_timeout = arguments.compile_timeout;
    given.compile_timeout_text = arguments.compile_timeout_option->as<std::string>();
  }
  if (arguments.merge_option->count() > 0)
    given.merge = arguments.merge;
  given.selectors = std::move(selectors);
  auto options = app::merge_command_line(given, std::filesystem::current_path(), missing_expected);
  if (options.verbose && !options.quiet) {
    for (const auto& note : options.settings_notes) {
      fmt::print(stderr, "note: {}\n", note);
    }
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
      // Notes quote compiler messages and paths from the book: hostile text, escaped like a report's.
      fmt::print(stderr, "{}{}\n", notice ? "" : "     Running ", report::continued_lines(note, "     "));
    }
  };
}

namespace {

// The subcommands and what each was given.
struct Commands
{
  std::vector<std::string> selectors; // before any subcommand: `snipcheck 2 3`
  CLI::App* check = nullptr;
  std::vector<std::string> check_selectors;
  CLI::App* chapter = nullptr;
  std::string chapter_range;
  CLI::App* list = nullptr;
  std::vector<std::string> list_selectors;
  CLI::App* show = nullptr;
  std::string show_id;
  CLI::App* bless = nullptr;
  std::vector<std::string> bless_selectors;
  bool bless_dry_run = false;
  bool bless_lints = false;
  CLI::App* errata = nullptr;
  std::vector<std::string> errata_selectors;
  CLI::App* init = nullptr;
  CLI::App* lint = nullptr;
  std::vector<std::string> lint_selectors;
  CLI::App* fmt = nullptr;
  std::vector<std::string> fmt_selectors;
  bool fmt_check = false;
  CLI::App* fix = nullptr;
  std::vector<std::string> fix_selectors;
  bool fix_dry_run = false;
  CLI::App* extract = nullptr;
  std::string extract_out;
};

void add_commands(CLI::App& cli, Commands& commands)
{
  cli.add_option("selectors", commands.selectors,
                 "Chapters (2, 3-5), sections (2.3), ids (ch02/2.3-1), id globs (ch04/*), files (src/ch04.md), "
                 "a file and line (src/ch04.md:120) or chapter titles (\"*Lifetimes*\"); docs/selection.md");
  cli.fallthrough();
  cli.require_subcommand(0, 1);
  commands.check = cli.add_subcommand("check", "Extract, build and compare (the default)");
  commands.check->add_option("selectors", commands.check_selectors, "What to check");
  commands.chapter = cli.add_subcommand("chapter", "Check one chapter or a range: chapter 5, chapter 3-5");
  commands.chapter->add_option("N", commands.chapter_range, "Chapter number or range")->required();
  commands.list = cli.add_subcommand("list", "One line per listing: id, book location, expectation");
  commands.list->add_option("selectors", commands.list_selectors, "What to list");
  commands.show = cli.add_subcommand("show", "A listing, the file as compiled, its expectation and result");
  commands.show->add_option("ID", commands.show_id, "Listing id")->required();
  commands.bless = cli.add_subcommand("bless", "Record today's outcomes in expected/");
  commands.bless->add_option("selectors", commands.bless_selectors, "What to bless");
  commands.bless->add_flag("--dry-run", commands.bless_dry_run,
                           "Print the changes to expected/ as a diff; write nothing");
  commands.bless->add_flag("--lints", commands.bless_lints,
                           "Record today's `snipcheck lint` findings as allowed in each listing's entry");
  commands.errata =
      cli.add_subcommand("errata", "The errata report: each listing wrong in the book, its error and fix");
  commands.errata->add_option("selectors", commands.errata_selectors, "Which listings");
  commands.fmt = cli.add_subcommand("fmt", "rustfmt on each listing, written back into the book's code blocks");
  commands.fmt->add_option("selectors", commands.fmt_selectors, "Which listings");
  commands.fmt->add_flag("--check", commands.fmt_check,
                         "Print a diff per listing that would change, and exit 1 if any would; write nothing");
  commands.fix = cli.add_subcommand(
      "fix", "Apply rustc's and clippy's machine-applicable suggestions (--edition N: the edition's migrations) "
             "to the listings, in the book");
  commands.fix->add_option("selectors", commands.fix_selectors, "Which listings");
  commands.fix->add_flag("--dry-run", commands.fix_dry_run,
                         "Print the diff of the book's files, and exit 1 if anything would change; write nothing");
  commands.lint = cli.add_subcommand("lint", "clippy and rustc's warnings on each listing, at the book's lines");
  commands.lint->add_option("selectors", commands.lint_selectors, "Which listings");
  commands.init = cli.add_subcommand("init", "Write a snipcheck.toml for the book in this folder");
  commands.extract = cli.add_subcommand("extract", "Write the scratch workspace without building");
  commands.extract->add_option("--out", commands.extract_out, "Folder to write")->required();
}

// Runs the one command given; `finished` turns its exit code into 130 after a signal.
int run_command(const Commands& commands, const CommonArguments& common)
{
  const auto finished = [](int code) { return cargo::interrupt_signal() != 0 ? exit_interrupted : code; };
  Output output;
  if (*commands.chapter) {
    auto options = merge(common, {commands.chapter_range});
    output.color = use_color(options);
    return finished(check_command(options, output));
  }
  if (*commands.list) {
    return finished(list_command(merge(common, commands.list_selectors)));
  }
  if (*commands.show) {
    auto options = merge(common, {commands.show_id});
    output.color = use_color(options);
    return finished(show_command(options, output));
  }
  if (*commands.bless) {
    auto options = merge(common, commands.bless_selectors, app::MissingExpected::created);
    output.color = use_color(options);
    return finished(bless_command(options, output, commands.bless_dry_run ? app::DryRun::yes : app::DryRun::no,
                                  commands.bless_lints ? app::BlessWhat::lints : app::BlessWhat::outcomes));
  }
  if (*commands.errata) {
    return finished(errata_command(merge(common, commands.errata_selectors)));
  }
  if (*commands.fmt) {
    return finished(
        fmt_command(merge(common, commands.fmt_selectors), commands.fmt_check ? FmtMode::check : FmtMode::write));
  }
  if (*commands.fix) {
    return finished(
        fix_command(merge(common, commands.fix_selectors), commands.fix_dry_run ? FixMode::dry_run : FixMode::write));
  }
  if (*commands.lint) {
    return finished(lint_command(merge(common, commands.lint_selectors)));
  }
  if (*commands.init) {
    app::Options options;
    options.book = common.given.book;
    return init_command(options);
  }
  if (*commands.extract) {
    return finished(extract_command(merge(common, commands.selectors), commands.extract_out));
  }
  auto all_selectors = commands.selectors;
  all_selectors.insert(all_selectors.end(), commands.check_selectors.begin(), commands.check_selectors.end());
  auto options = merge(common, all_selectors);
  output.color = use_color(options);
  return finished(check_command(options, output));
}

} // namespace

int main(int argc, char** argv)
{
  CLI::App cli{"snipcheck: checks that every Rust listing of a book behaves as its maintainers expect"};
  cli.name("snipcheck");
  cli.set_version_flag("--version", std::string(version_line()), "Print the version and commit, then exit");
  CommonArguments common;
  add_common_options(cli, common);
  Commands commands;
  add_commands(cli, commands);
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
  try {
    return run_command(commands, common);
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
    return cargo::interrupt_signal() != 0 ? exit_interrupted : exit_environment;
  } catch (const std::exception& error) {
    // Whatever escaped the two tiers is still the environment's failure, never a crash.
    fmt::print(stderr, "error: {}\n", error.what());
    return cargo::interrupt_signal() != 0 ? exit_interrupted : exit_environment;
  }
}

} // namespace snipcheck::cli
