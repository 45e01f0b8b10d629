#include "check/result.hpp"

#include <fmt/format.h>

#include <set>

namespace snipcheck::check {

namespace {

template <class... Ts>
struct Overloaded : Ts...
{
  using Ts::operator()...;
};

} // namespace

Status status_of(const Verdict& verdict)
{
  return std::visit(Overloaded{
                        [](const verdict::Pass&) { return Status::pass; },
                        [](const verdict::Skipped&) { return Status::skip; },
                        [](const verdict::NotRust&) { return Status::not_rust; },
                        [](const verdict::Stale&) { return Status::stale; },
                        [](const verdict::EnvironmentFailure&) { return Status::error; },
                        [](const auto&) { return Status::fail; },
                    },
                    verdict);
}

std::string_view status_name(Status status)
{
  switch (status) {
  case Status::pass: return "pass";
  case Status::fail: return "fail";
  case Status::stale: return "stale";
  case Status::skip: return "skip";
  case Status::not_rust: return "not-rust";
  case Status::error: return "error";
  }
  return "error";
}

bool is_failure(Status status)
{
  return status == Status::fail || status == Status::stale || status == Status::error;
}

std::string cell_name(std::string_view toolchain, std::string_view edition)
{
  return fmt::format("{} {}", toolchain, edition);
}

std::string cell_name(const ListingResult& result)
{
  return cell_name(result.toolchain, result.edition);
}

std::vector<const ListingResult*> primary_results(const CheckRun& run)
{
  // Results come cell by cell, so a listing's first result is its first cell's.
  std::set<const book::Listing*> seen;
  std::vector<const ListingResult*> primary;
  for (const auto& result : run.results) {
    if (seen.insert(result.listing).second) {
      primary.push_back(&result);
    }
  }
  return primary;
}

} // namespace snipcheck::check
