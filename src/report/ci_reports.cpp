#include "report/ci_reports.hpp"

#include "report/escape.hpp"
#include "report/terminal.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <map>

namespace snipcheck::report {

namespace {

struct SuiteCounts
{
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  double seconds = 0;
  std::string cases;
};

// Where bad input was found, else the first error placed in the book, else the listing's first line.
std::pair<std::string, int> book_position(const check::ListingResult& result)
{
  if (!result.bad_input.empty()) {
    return {result.bad_input.front().file.string(), result.bad_input.front().line};
  }
  for (const auto& diagnostic : result.observed.diagnostics) {
    if (diagnostic.level == "error" && diagnostic.book_line > 0) {
      return {diagnostic.book_file.string(), diagnostic.book_line};
    }
  }
  return {result.listing->files.front().string(), result.listing->first_line()};
}

} // namespace

std::string xml_escape(std::string_view text)
{
  // XML 1.0 forbids most control characters even as references, and U+FFFE
  // and U+FFFF; the document says UTF-8, so the text must be UTF-8.
  auto valid = escape_controls(text, "\t\n");
  for (const auto* noncharacter : {"\xEF\xBF\xBE", "\xEF\xBF\xBF"}) {
    for (auto at = valid.find(noncharacter); at != std::string::npos; at = valid.find(noncharacter, at)) {
      valid.replace(at, 3, "\xEF\xBF\xBD");
    }
  }
  std::string out;
  for (const char c : valid) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&apos;"; break;
    default: out += c;
    }
  }
  return out;
}

std::string junit_report(const check::CheckRun& run)
{
  std::map<std::string, SuiteCounts> suites;
  const Style plain{false};
  for (const auto& result : run.results) {
    const auto status = result.status();
    if (status == check::Status::not_rust) {
      continue; // output and shell blocks are not tests
    }
    const auto suite_name = fmt::format("ch{:02}", result.listing->chapter);
    auto& suite = suites[suite_name];
    const auto seconds = static_cast<double>(result.duration.count()) / 1000.0;
    ++suite.tests;
    suite.seconds += seconds;
    const auto [file, line] = book_position(result);
    std::string body;
    if (status == check::Status::fail || status == check::Status::stale) {
      ++suite.failures;
      body = fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n", check::status_name(status),
                         xml_escape(result.explanation()),
                         xml_escape(failure_details(result, plain)));
    } else if (status == check::Status::error) {
      ++suite.errors;
      body = fmt::format("      <error type=\"environment\" message=\"{}\">{}</error>\n",
                         xml_escape(result.explanation()),
                         xml_escape(failure_details(result, plain)));
    } else if (status == check::Status::skip) {
      ++suite.skipped;
      body = fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(check::skip_reason(result.verdict)));
    }
    suite.cases += fmt::format("    <testcase name=\"{} [{} {}]\" classname=\"{}\" file=\"{}\" line=\"{}\" "
                               "time=\"{:.3f}\"{}",
                               xml_escape(result.listing->id), xml_escape(result.toolchain), result.edition, suite_name,
                               xml_escape(file), line, seconds, body.empty() ? "/>\n" : ">\n");
    if (!body.empty()) {
      suite.cases += body + "    </testcase>\n";
    }
  }
  SuiteCounts total;
  std::string suites_xml;
  for (const auto& [name, suite] : suites) {
    total.tests += suite.tests;
    total.failures += suite.failures;
    total.errors += suite.errors;
    total.skipped += suite.skipped;
    total.seconds += suite.seconds;
    suites_xml +=
        fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
                    "time=\"{:.3f}\">\n{}  </testsuite>\n",
                    name, suite.tests, suite.failures, suite.errors, suite.skipped, suite.seconds, suite.cases);
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<testsuites name=\"snipcheck\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
                     "time=\"{:.3f}\">\n{}</testsuites>\n",
                     total.tests, total.failures, total.errors, total.skipped,
                     static_cast<double>(run.duration.count()) / 1000.0, suites_xml);
}

std::string github_escape_data(std::string_view text)
{
  std::string out;
  for (const char c : escape_controls(text, "\t\n\r")) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out += c;
  }
  return out;
}

std::string github_escape_property(std::string_view text)
{
  std::string out;
  for (const char c : github_escape_data(text)) {
    if (c == ':')
      out += "%3A";
    else if (c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

// GitHub places an annotation by its path from the repository root:
// GITHUB_WORKSPACE, else the git work tree holding the file, else the current
// folder. A file outside that root is named absolutely, never with `../`.
std::string github_path(const std::filesystem::path& file)
{
  namespace fs = std::filesystem;
  const auto real = [](const fs::path& path) {
    std::error_code ec;
    auto resolved = fs::weakly_canonical(fs::absolute(path), ec);
    resolved = ec ? fs::absolute(path).lexically_normal() : resolved;
    return resolved.has_filename() ? resolved : resolved.parent_path();
  };
  const auto absolute = real(file);
  fs::path root;
  std::error_code ec;
  if (const char* workspace = std::getenv("GITHUB_WORKSPACE"); workspace != nullptr && *workspace != '\0') {
    root = real(workspace);
  } else {
    for (auto folder = absolute.parent_path(); root.empty(); folder = folder.parent_path()) {
      if (fs::exists(folder / ".git", ec)) { // a folder, or a file in a worktree
        root = folder;
      } else if (folder == folder.parent_path()) {
        root = real(fs::current_path(ec));
      }
    }
  }
  const auto relative = absolute.lexically_relative(root);
  return relative.empty() || *relative.begin() == ".." ? absolute.string() : relative.string();
}

std::string github_annotations(const check::CheckRun& run)
{
  std::string out;
  for (const auto& result : run.results) {
    if (!check::is_failure(result.status())) {
      continue;
    }
    const auto title = fmt::format("snipcheck {} [{}]", result.listing->id, check::cell_name(result));
    const auto summary = result.explanation();
    bool placed = false;
    for (const auto& diagnostic : result.observed.diagnostics) {
      if (diagnostic.level != "error" || diagnostic.book_line == 0) {
        continue;
      }
      placed = true;
      const auto code = diagnostic.code.empty() ? std::string() : fmt::format("[{}]", diagnostic.code);
      out += fmt::format("::error file={},line={},col={},title={}::{}\n",
                         github_escape_property(github_path(diagnostic.book_file)), diagnostic.book_line,
                         diagnostic.column, github_escape_property(title),
                         github_escape_data(fmt::format("error{}: {}\n{}", code, diagnostic.message, summary)));
    }
    if (!placed) {
      out +=
          fmt::format("::error file={},line={},endLine={},title={}::{}\n",
                      github_escape_property(github_path(result.listing->files.front())), result.listing->first_line(),
                      result.listing->last_line(), github_escape_property(title), github_escape_data(summary));
    }
  }
  return out;
}

} // namespace snipcheck::report
