// `snipcheck bless [SELECTOR...]`: record what happens now in expected/.
#include "cli/commands.hpp"

#include "app/pipeline.hpp"
#include "check/bless.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace snipcheck::cli {

namespace {

std::optional<check::BlessUpdate> update_for(const app::ListingResult& result)
{
  const auto& expectation = result.expectation;
  const auto& observed = result.observed;
  check::BlessUpdate update;
  update.id = result.listing->id;
  update.fingerprint = result.listing->fingerprint();
  const bool annotated = expectation.from.starts_with("expected/") || expectation.from.ends_with(".toml");
  if (expectation.outcome == check::Outcome::not_rust) {
    return std::nullopt;
  }
  if (expectation.outcome == check::Outcome::skip) {
    return annotated ? std::optional(update) : std::nullopt;
  }
  switch (observed.build) {
  case check::Observed::Build::not_built: return std::nullopt;
  case check::Observed::Build::failed:
    if (expectation.outcome != check::Outcome::compile_fail) {
      update.expect = "compile-fail";
    }
    update.errors = observed.error_codes();
    if (!annotated) {
      update.comment = fmt::format("blessed: fails with [{}]; say why (reason) or record an erratum and its fix",
                                   fmt::join(*update.errors, ", "));
    }
    break;
  case check::Observed::Build::compiled:
    if (expectation.outcome == check::Outcome::compile_fail) {
      update.expect = "compile";
      update.remove_errors = true;
    } else if (expectation.outcome == check::Outcome::run && observed.run && observed.run->status.success()) {
      update.stdout_text = observed.run->stdout_text;
    }
    if (!annotated && !update.expect) {
      update.expect = std::string(check::outcome_name(expectation.outcome));
    }
    break;
  }
  return update;
}

} // namespace

int bless_command(const app::Options& options, const Output&)
{
  auto runner = cargo::make_process_runner();
  const auto run = app::run_check(options, *runner, verbose_log(options));
  std::map<std::filesystem::path, std::vector<check::BlessUpdate>> by_file;
  int environment_errors = 0;
  for (const auto& result : run.results) {
    // Bless records the first cell; per-cell expectations are written by hand.
    if (result.toolchain != run.results.front().toolchain || result.edition != run.results.front().edition) {
      continue;
    }
    if (check::status_name(result.verdict) == "error") {
      ++environment_errors;
      fmt::print(stderr, "not blessed: {}: {}\n", result.listing->id,
                 check::explain(result.verdict, result.expectation, result.observed));
      continue;
    }
    if (auto update = update_for(result)) {
      by_file[options.expected / fmt::format("ch{:02}.toml", result.listing->chapter)].push_back(std::move(*update));
    }
  }
  int changes = 0;
  for (const auto& [path, updates] : by_file) {
    std::error_code ec;
    const auto content = std::filesystem::exists(path, ec)
                             ? text::read_file(path)
                             : fmt::format("# Expectations for chapter {} of {}.\n", path.stem().string().substr(2),
                                           run.book.path.filename().string());
    const auto blessed = check::bless_file(content, path, updates);
    if (blessed.content != content) {
      text::write_file_atomically(path, blessed.content);
    }
    for (const auto& change : blessed.changes) {
      fmt::print("{}\n", change);
      ++changes;
    }
  }
  fmt::print("bless: {} change{}\n", changes, changes == 1 ? "" : "s");
  return environment_errors > 0 ? exit_environment : exit_ok;
}

} // namespace snipcheck::cli
