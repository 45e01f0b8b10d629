#pragma once
// The JSON report, schema `snipcheck-report/1` (docs/contract.md): a pure function of
// one finished run. Fields may be added, never renamed.

#include "check/result.hpp"

#include <nlohmann/json.hpp>

namespace snipcheck::report {

struct Summary
{
  int listings = 0, pass = 0, fail = 0, stale = 0, skip = 0, not_rust = 0, error = 0, cached = 0;
};
Summary summarize(const check::CheckRun& run);

nlohmann::json json_report(const check::CheckRun& run);

} // namespace snipcheck::report
