#include "check/output_block.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace snipcheck::check {

namespace {

std::string first_token(std::string_view info)
{
  const auto end = info.find_first_of(", \t");
  return std::string(info.substr(0, end));
}

// The line (1-based) of the fence that closes the block opened at `fence_line`, or 0.
int closing_fence(const std::vector<std::string>& lines, int fence_line)
{
  if (fence_line < 1 || fence_line > static_cast<int>(lines.size())) {
    return 0;
  }
  const auto opening = text::trim(lines[static_cast<std::size_t>(fence_line - 1)]);
  if (opening.empty() || (opening.front() != '`' && opening.front() != '~')) {
    return 0; // an indented block, or one inside a quote: not handled
  }
  const char marker = opening.front();
  const auto length = opening.find_first_not_of(marker);
  const auto run = length == std::string_view::npos ? opening.size() : length;
  for (int line = fence_line + 1; line <= static_cast<int>(lines.size()); ++line) {
    const auto trimmed = text::trim(lines[static_cast<std::size_t>(line - 1)]);
    if (trimmed.size() >= run && trimmed.find_first_not_of(marker) == std::string_view::npos) {
      return line;
    }
  }
  return 0;
}

bool is_cargo_line(std::string_view line)
{
  const auto trimmed = text::trim(line);
  if (trimmed.starts_with("error: process didn't exit successfully")) {
    return true;
  }
  for (const auto word :
       {"Compiling ", "Finished ", "Running ", "Blocking ", "Updating ", "Downloaded ", "Downloading ", "Locking "}) {
    if (trimmed.starts_with(word)) {
      return true;
    }
  }
  return false;
}

// A line with `[..]` matched trycmd's way: literal parts in order, the first
// anchored at the start and the last at the end.
bool line_matches(std::string_view expected, std::string_view actual)
{
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto at = expected.find("[..]", start);
    parts.push_back(expected.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) {
      break;
    }
    start = at + 4;
  }
  if (parts.size() == 1) {
    return expected == actual;
  }
  if (!actual.starts_with(parts.front())) {
    return false;
  }
  std::size_t pos = parts.front().size();
  for (std::size_t k = 1; k + 1 < parts.size(); ++k) {
    const auto at = actual.find(parts[k], pos);
    if (at == std::string_view::npos) {
      return false;
    }
    pos = at + parts[k].size();
  }
  return actual.size() >= pos + parts.back().size() && actual.ends_with(parts.back());
}

// Panic locations name the scratch file and its lines; test timings vary.
std::string normalise_line(std::string line)
{
  const auto trimmed_end = text::trim_end(line);
  line = std::string(trimmed_end);
  // Newer toolchains name the thread's id: "thread 'main' (4321) panicked at".
  if (const auto at = line.find(") panicked at "); at != std::string::npos && line.starts_with("thread '")) {
    const auto open = line.rfind("' (", at);
    if (open != std::string::npos &&
        std::all_of(line.begin() + static_cast<long>(open) + 3, line.begin() + static_cast<long>(at),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      line = line.substr(0, open + 1) + line.substr(at + 1);
    }
  }
  if (const auto at = line.find("' panicked at "); at != std::string::npos && line.ends_with(":")) {
    line = line.substr(0, at + 14) + "[..]:";
  }
  if (const auto at = line.find("; finished in "); at != std::string::npos) {
    line = line.substr(0, at + 14) + "[..]";
  }
  return line;
}

std::vector<std::string> normalise(const std::string& text)
{
  std::vector<std::string> lines;
  for (const auto& line : text::split_lines(text)) {
    lines.push_back(normalise_line(line));
  }
  while (!lines.empty() && lines.back().empty()) {
    lines.pop_back();
  }
  const auto first = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return !l.empty(); });
  lines.erase(lines.begin(), first);
  return lines;
}

std::string joined(const std::vector<std::string>& lines)
{
  std::string text;
  for (const auto& line : lines) {
    text += line + "\n";
  }
  return text;
}

} // namespace

OutputBlock make_output_block(const book::Listing& block)
{
  OutputBlock output;
  output.file = block.files.front();
  output.first_line = block.first_line();
  output.last_line = block.last_line();
  output.info = first_token(block.info);
  std::vector<std::string> kept;
  bool transcript = false;
  for (const auto& line : block.lines) {
    output.text += line.text + "\n";
    const auto trimmed = text::trim(line.text);
    if (trimmed.starts_with("$ ")) {
      transcript = true;
      continue;
    }
    if (transcript && is_cargo_line(line.text)) {
      continue;
    }
    kept.push_back(line.text);
  }
  output.expected = joined(kept);
  output.transcript = transcript;
  return output;
}

OutputBlocks find_output_blocks(const book::Book& book, const MarkdownSettings& settings)
{
  OutputBlocks blocks;
  if (book.format != book::Format::markdown || settings.output_blocks.empty()) {
    return blocks;
  }
  std::map<std::filesystem::path, std::vector<std::string>> files;
  for (std::size_t k = 0; k + 1 < book.listings.size(); ++k) {
    const auto& listing = book.listings[k];
    const auto& next = book.listings[k + 1];
    const auto& names = settings.output_blocks;
    if (!listing.is_rust || next.is_rust || next.files.front() != listing.files.front() ||
        std::find(names.begin(), names.end(), first_token(next.info)) == names.end()) {
      continue;
    }
    auto [found, inserted] = files.try_emplace(listing.files.front());
    if (inserted) {
      found->second = text::split_lines(text::read_file(listing.files.front()));
    }
    const auto& lines = found->second;
    const int close = closing_fence(lines, listing.fence_line);
    if (close == 0 || next.fence_line <= close) {
      continue;
    }
    bool only_blank = true;
    for (int line = close + 1; line < next.fence_line; ++line) {
      only_blank = only_blank && text::trim(lines[static_cast<std::size_t>(line - 1)]).empty();
    }
    if (only_blank) {
      blocks.emplace(listing.id, make_output_block(next));
    }
  }
  return blocks;
}

bool output_matches(const std::string& expected, const std::string& actual)
{
  const auto want = normalise(expected);
  const auto got = normalise(actual);
  // can[i][j]: want[i..] matches got[j..]
  std::vector<std::vector<char>> can(want.size() + 1, std::vector<char>(got.size() + 1, 0));
  can[want.size()][got.size()] = 1;
  for (std::size_t i = want.size(); i-- > 0;) {
    for (std::size_t j = got.size() + 1; j-- > 0;) {
      if (want[i] == "...") {
        can[i][j] = static_cast<char>(can[i + 1][j] || (j < got.size() && can[i][j + 1]));
      } else {
        can[i][j] = static_cast<char>(j < got.size() && line_matches(want[i], got[j]) && can[i + 1][j + 1]);
      }
    }
  }
  return can[0][0] != 0;
}

std::string printed_output(const OutputBlock& block, const Observed& observed)
{
  if (!observed.run) {
    return {};
  }
  auto text = observed.run->stdout_text;
  if (block.transcript) {
    if (!text.empty() && !text.ends_with('\n')) {
      text += '\n';
    }
    text += observed.run->stderr_text;
  }
  return joined(normalise(text));
}

Verdict check_output_block(Verdict verdict, const Expectation& expectation, const Observed& observed)
{
  if (!expectation.output_block || !observed.run || !std::holds_alternative<verdict::Pass>(verdict)) {
    return verdict;
  }
  const auto& block = *expectation.output_block;
  const auto actual = printed_output(block, observed);
  if (output_matches(block.expected, actual)) {
    return verdict;
  }
  return verdict::OutputMismatch{unified_diff(joined(normalise(block.expected)), actual),
                                 fmt::format("{}:{}-{}", block.file.string(), block.first_line, block.last_line)};
}

std::string corrected_output_block(const OutputBlock& block, const Observed& observed)
{
  std::string body;
  if (block.transcript) {
    // Keep the transcript's command and cargo lines; replace what the program printed.
    for (const auto& line : text::split_lines(block.text)) {
      if (!text::trim(line).starts_with("$ ") && !is_cargo_line(line)) {
        break;
      }
      body += line + "\n";
    }
  }
  body += printed_output(block, observed);
  return fmt::format("```{}\n{}```\n", block.info, body);
}

} // namespace snipcheck::check
