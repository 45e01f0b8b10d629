#pragma once
// The command line (docs/contract.md). `main` parses with CLI11 and hands each
// subcommand, defined in its own file, the merged Options.

#include "app/bless.hpp"
#include "app/options.hpp"

#include <functional>
#include <string>
#include <vector>

namespace snipcheck::cli {

struct Output
{
  bool color = false;
};

int main(int argc, char** argv);

// Prints the pipeline's notes: notices always, each command with --verbose.
std::function<void(const std::string&)> verbose_log(const app::Options& options);

int check_command(const app::Options& options, const Output& output);
int list_command(const app::Options& options);
// The selected listings (an id, or any selector) one by one.
int show_command(const app::Options& options, const Output& output);
// Records today's outcomes in expected/; with DryRun::yes prints the diff and writes nothing.
// BlessWhat::lints (`bless --lints`): today's lint findings, allowed in each listing's entry.
int bless_command(const app::Options& options, const Output& output, app::DryRun dry_run = app::DryRun::no,
                  app::BlessWhat what = app::BlessWhat::outcomes);
int extract_command(const app::Options& options, const std::string& out_dir);
int errata_command(const app::Options& options);
// rustfmt on the selected listings: FmtMode::check prints a diff per listing
// that would change (exit 1), FmtMode::write rewrites the book's code blocks.
enum class FmtMode { check, write };
int fmt_command(const app::Options& options, FmtMode mode);
// Machine-applicable fixes (with --edition, the edition's migrations) on the
// selected listings: FixMode::dry_run prints the diff (exit 1 if any), FixMode::write
// writes the book's code blocks.
enum class FixMode { dry_run, write };
int fix_command(const app::Options& options, FixMode mode);
// clippy and rustc's warnings on the selected listings, at the book's lines
// (docs/lint.md): exit 1 when a finding is at or above [lint] fail-on.
int lint_command(const app::Options& options);
// Writes snipcheck.toml for the book in the current folder (`--book` chooses one).
int init_command(const app::Options& options);

} // namespace snipcheck::cli
