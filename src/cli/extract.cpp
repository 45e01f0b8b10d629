// `snipcheck extract --out DIR`: the scratch workspace, written but not built.
#include "cli/commands.hpp"

#include "app/plan.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>

namespace snipcheck::cli {

int extract_command(const app::Options& options, const std::string& out_dir)
{
  const auto workspace = app::extract_workspace(options, out_dir);
  fmt::print("wrote {} listings in {} packages to {}\n", workspace.units.size(), workspace.packages.size(),
             workspace.root.string());
  return exit_ok;
}

} // namespace snipcheck::cli
