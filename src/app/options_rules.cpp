// The rules for settings' values, shared by snipcheck.toml and the command
// line so that a value is good or bad in both alike (docs/settings.md).
#include "app/options.hpp"

#include "util/edition.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>

#include <charconv>

namespace snipcheck::app {

namespace {

constexpr long long max_jobs = 9999;
constexpr double seconds_in_a_day = 86400;

// A whole number of ASCII digits, nothing around it; nothing when it does not fit an int.
std::optional<int> whole_number(std::string_view text)
{
  int value = 0;
  const auto* end = text.data() + text.size();
  if (text.empty() || text.front() < '0' || text.front() > '9') {
    return std::nullopt;
  }
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end) {
    return std::nullopt;
  }
  return value;
}

} // namespace

std::optional<std::string> jobs_problem(long long jobs, GivenIn given_in)
{
  if (jobs >= 1 && jobs <= max_jobs) {
    return std::nullopt;
  }
  const auto named = given_in == GivenIn::config ? std::string("`jobs`") : fmt::format("--jobs {}", jobs);
  return fmt::format("{} must be a whole number from 1 to {}", named, max_jobs);
}

std::optional<std::string> timeout_problem(double seconds, GivenIn given_in, std::string_view as_typed)
{
  if (seconds > 0 && seconds < seconds_in_a_day) {
    return std::nullopt;
  }
  return given_in == GivenIn::config
             ? std::string("`timeout` must be a number of seconds, above 0 and below a day")
             : fmt::format("--timeout {} must be a number of seconds above 0 and below a day (86400)", as_typed);
}

std::optional<std::string> compile_timeout_problem(double seconds, GivenIn given_in, std::string_view as_typed)
{
  if (seconds >= 1 && seconds < seconds_in_a_day) {
    return std::nullopt;
  }
  return given_in == GivenIn::config
             ? std::string("`compile-timeout` must be a number of seconds, at least 1 and below a day")
             : fmt::format("--compile-timeout {} must be a number of seconds, at least 1 and below a day (86400)",
                           as_typed);
}

std::optional<std::string> edition_problem(const std::string& edition)
{
  if (util::is_edition(edition)) {
    return std::nullopt;
  }
  return util::unknown_edition_message(edition);
}

std::optional<Shard> parse_shard(std::string_view text)
{
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  const auto index = whole_number(text.substr(0, slash));
  const auto count = whole_number(text.substr(slash + 1));
  if (!index || !count || *index < 1 || *index > *count) {
    return std::nullopt;
  }
  return Shard{*index, *count};
}

ReportRequest parse_report_request(const std::string& text)
{
  const auto equals = text.find('=');
  ReportRequest request{text.substr(0, equals), equals == std::string::npos ? "" : text.substr(equals + 1)};
  if (request.format != "json" && request.format != "junit" && request.format != "github") {
    throw InputError({}, 0,
                     fmt::format("unknown report format `{}` (use json=PATH, junit=PATH or github)", request.format));
  }
  if (request.path.empty() && request.format != "github") {
    throw InputError({}, 0, fmt::format("--report {} needs a path: --report {}=PATH", request.format, request.format));
  }
  return request;
}

} // namespace snipcheck::app
