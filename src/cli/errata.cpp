// `snipcheck errata [SELECTOR...]`: the errata report, as Markdown on stdout.
#include "cli/commands.hpp"

#include "app/pipeline.hpp"
#include "report/claims_report.hpp"
#include "report/errata.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>

namespace snipcheck::cli {

int errata_command(const app::Options& options)
{
  auto runner = cargo::make_process_runner();
  const auto run = app::run_check(options, *runner, verbose_log(options));
  fmt::print("{}{}", report::errata_report(run), report::broken_claims_report(run));
  for (const auto& result : run.results) {
    if (result.status() == check::Status::error) {
      return exit_environment;
    }
  }
  return exit_ok;
}

} // namespace snipcheck::cli
