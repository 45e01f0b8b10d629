#pragma once
// The `[markdown]` table of snipcheck.toml (docs/claims.md): fence tokens that
// claim outcomes, and the info strings of output blocks.

#include "check/claims.hpp"
#include "util/errors.hpp"

#include <toml++/toml.h>

#include <filesystem>
#include <vector>

namespace snipcheck::app {

// Reads the table; each problem is collected with the file and line.
check::MarkdownSettings read_markdown_table(const toml::node& node, const std::filesystem::path& config,
                                            std::vector<InputProblem>& problems);

} // namespace snipcheck::app
