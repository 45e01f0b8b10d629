#include "fmt/fmt.hpp"

#include "fmt/splice.hpp"
#include "scratch/rust_lexer.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <system_error>

namespace snipcheck::formatting {

namespace {

namespace fs = std::filesystem;

// Whether rustfmt would follow a `#[path = "..."] mod x;` out of its work
// folder, and rewrite that file: such a listing is never given to it.
bool names_module_path(const book::Listing& listing)
{
  std::string code;
  for (const auto& line : listing.lines) {
    code += line.text + "\n";
  }
  const auto tokens = scratch::lex_rust(code);
  if (!tokens) { // it does not lex here: judge by its words alone
    return code.find("path") != std::string::npos && code.find("mod") != std::string::npos;
  }
  const auto spelled = [&](std::size_t k) {
    return std::string_view(code).substr((*tokens)[k].begin, (*tokens)[k].end - (*tokens)[k].begin);
  };
  bool module = false;
  bool path = false;
  for (std::size_t k = 0; k < tokens->size(); ++k) {
    module = module || spelled(k) == "mod";
    path = path || (spelled(k) == "path" && k + 1 < tokens->size() && spelled(k + 1) == "=");
  }
  return module && path;
}

bool blank_listing(const book::Listing& listing)
{
  return std::all_of(listing.lines.begin(), listing.lines.end(),
                     [](const book::ListingLine& line) { return text::is_blank(line.text); });
}

// "rustfmt cannot parse it: error: expected `;` (src/ch01.md:12)".
std::string rustfmt_refusal(const book::Listing& listing, const RustfmtAnswer& answer, bool wrapped)
{
  // A line of the wrapper is the listing's first or last.
  const int listing_line =
      answer.line == 0 ? 0 : std::clamp(answer.line - (wrapped ? 1 : 0), 1, static_cast<int>(listing.lines.size()));
  std::string where;
  if (listing_line >= 1) {
    const auto& line = listing.lines[static_cast<std::size_t>(listing_line - 1)];
    where =
        fmt::format(" ({}:{})", listing.files.at(static_cast<std::size_t>(line.file_index)).string(), line.source_line);
  }
  return fmt::format("rustfmt cannot format it: {}{}", answer.error.empty() ? "it failed" : answer.error, where);
}

// The indentation an included part has in its file (code inside a function):
// it is formatted as the reader sees it, then indented back into place.
std::string part_indentation(const book::Listing& listing)
{
  std::optional<std::string> smallest;
  for (const auto& line : listing.lines) {
    if (!text::is_blank(line.text)) {
      const auto spaces = line.text.substr(0, line.text.find_first_not_of(" \t"));
      if (!smallest || spaces.size() < smallest->size()) {
        smallest = spaces;
      }
    }
  }
  return smallest.value_or("");
}

// The block's lines as the file will write them.
std::vector<std::string> written_lines(const book::Listing& listing, const Reshaped& shaped, const BlockSource& source,
                                       const std::vector<std::string>& before, bool markdown)
{
  const bool included = listing.lines.front().file_index != 0;
  const auto indentation = included ? part_indentation(listing) : std::string();
  std::vector<std::string> code;
  for (auto line : shaped.lines) {
    if (!line.in_literal && !line.text.empty()) {
      line.text.insert(0, indentation);
    }
    code.push_back(markdown ? markdown_code_line(line) : line.text);
  }
  auto after = prefixed_lines(source.prefix, code);
  for (std::size_t k = 0; k < shaped.lines.size(); ++k) {
    if (shaped.lines[k].kept >= 0) {
      after[k] = before[static_cast<std::size_t>(shaped.lines[k].kept)];
    }
  }
  return after;
}

// Whether the formatted code has other tokens than the listing's (a trailing
// comma, `use` items in another order): its fingerprint changes.
bool changes_tokens(const book::Listing& listing, const Reshaped& shaped)
{
  auto formatted = listing;
  formatted.lines.clear();
  for (const auto& line : shaped.lines) {
    formatted.lines.push_back({line.text, 0, listing.lines.front().file_index, line.hidden});
  }
  return formatted.fingerprint() != listing.fingerprint();
}

// A block written by two listings (one included part shown twice) is written
// once; two different versions of it are neither.
void settle_shared_blocks(FmtRun& run)
{
  std::map<std::pair<fs::path, int>, FmtResult*> first_by_block;
  for (auto& result : run.results) {
    if (result.status != FmtStatus::changed) {
      continue;
    }
    auto [first, inserted] = first_by_block.try_emplace({result.file, result.first_line}, &result);
    if (!inserted && (first->second->before != result.before || first->second->after != result.after)) {
      result.status = FmtStatus::not_formatted;
      result.reason = fmt::format("its lines of {} are also listing {}'s, which formats them otherwise",
                                  result.file.string(), first->second->listing->id);
    }
  }
}

} // namespace

FmtRun format_listings(const std::vector<FmtListing>& listings, const FmtSettings& settings,
                       cargo::CommandRunner& runner)
{
  FmtRun run;
  run.results.resize(listings.size());
  std::map<fs::path, FileLines> files;
  std::vector<BlockSource> sources(listings.size());
  std::vector<RustfmtJob> jobs;
  std::vector<std::size_t> job_listing;
  std::vector<bool> wrapped;
  for (std::size_t k = 0; k < listings.size(); ++k) {
    const auto& item = listings[k];
    const auto& listing = *item.listing;
    auto& result = run.results[k];
    result.listing = item.listing;
    const auto leave = [&](std::string why) {
      result.status = FmtStatus::not_formatted;
      result.reason = std::move(why);
    };
    if (item.opted_out) {
      result.status = FmtStatus::opted_out;
      result.reason = *item.opted_out;
      continue;
    }
    if (!listing.problems.empty()) {
      leave(fmt::format("the book is wrong here: {}", listing.problems.front().message));
      continue;
    }
    if (blank_listing(listing)) {
      continue;
    }
    if (names_module_path(listing)) {
      leave("it declares a module with a `path` attribute, which rustfmt would follow to another file");
      continue;
    }
    const auto& path = listing.files.at(static_cast<std::size_t>(listing.lines.front().file_index));
    if (!inside_roots(path, settings.write_roots)) {
      leave(fmt::format("{} is outside the book's project", path.string()));
      continue;
    }
    auto file = files.find(path);
    if (file == files.end()) {
      file = files.emplace(path, split_file(text::read_file(path))).first;
    }
    auto located = locate_block(listing, file->second, settings.markdown);
    if (!located.source) {
      leave(std::move(located.refusal));
      continue;
    }
    sources[k] = std::move(*located.source);
    result.file = path;
    result.first_line = sources[k].first_line;
    result.before.assign(file->second.lines.begin() + sources[k].first_line - 1,
                         file->second.lines.begin() + sources[k].last_line);
    auto input = rustfmt_input(listing, item.wrap);
    jobs.push_back({std::move(input.text), item.edition, item.config});
    job_listing.push_back(k);
    wrapped.push_back(input.wrapped);
  }
  const auto answers = jobs.empty() ? std::vector<RustfmtAnswer>{} : run_rustfmt(runner, settings.rustfmt, jobs);
  for (std::size_t j = 0; j < answers.size(); ++j) {
    const auto k = job_listing[j];
    const auto& item = listings[k];
    auto& result = run.results[k];
    if (!answers[j].formatted) {
      result.status = FmtStatus::not_formatted;
      result.reason = rustfmt_refusal(*item.listing, answers[j], wrapped[j]);
      continue;
    }
    const auto shaped = reshape(*item.listing, *answers[j].formatted, wrapped[j], item.keep);
    if (!shaped.refusal.empty()) {
      result.status = FmtStatus::not_formatted;
      result.reason = shaped.refusal;
      continue;
    }
    if (shaped.lines.empty()) {
      continue;
    }
    auto after = written_lines(*item.listing, shaped, sources[k], result.before, settings.markdown);
    if (after == result.before) {
      continue;
    }
    if (item.recorded_fingerprint && changes_tokens(*item.listing, shaped)) {
      result.status = FmtStatus::not_formatted;
      result.reason = fmt::format("rustfmt changes its tokens (a comma, the order of `use` items), and its "
                                  "expected/ entry records the fingerprint of the code as it is: format it, then "
                                  "`snipcheck bless {}`",
                                  item.listing->id);
      continue;
    }
    result.status = FmtStatus::changed;
    result.after = std::move(after);
  }
  settle_shared_blocks(run);
  return run;
}

std::vector<fs::path> write_formatted(const FmtRun& run)
{
  std::map<fs::path, std::vector<const FmtResult*>> by_file;
  for (const auto& result : run.results) {
    if (result.status == FmtStatus::changed) {
      by_file[result.file].push_back(&result);
    }
  }
  std::vector<fs::path> written;
  for (const auto& [file, results] : by_file) {
    const auto lines = split_file(text::read_file(file));
    std::vector<Edit> edits;
    std::set<int> starts;
    for (const auto* result : results) {
      const auto begin = static_cast<std::size_t>(result->first_line - 1);
      const bool same = begin + result->before.size() <= lines.lines.size() &&
                        std::equal(result->before.begin(), result->before.end(),
                                   lines.lines.begin() + static_cast<std::ptrdiff_t>(begin));
      if (!same) {
        throw InputError(file, result->first_line, "changed while snipcheck fmt ran; nothing was written to it");
      }
      if (starts.insert(result->first_line).second) {
        edits.push_back(
            {result->first_line, result->first_line + static_cast<int>(result->before.size()) - 1, result->after});
      }
    }
    text::write_file_atomically(file, apply_edits(lines, edits));
    written.push_back(file);
  }
  return written;
}

std::optional<fs::path> find_rustfmt_config(fs::path folder)
{
  std::error_code error;
  folder = fs::absolute(folder, error);
  while (!folder.empty()) {
    for (const char* name : {".rustfmt.toml", "rustfmt.toml"}) {
      if (fs::is_regular_file(folder / name, error)) {
        return folder / name;
      }
    }
    if (folder == folder.parent_path()) {
      break;
    }
    folder = folder.parent_path();
  }
  return std::nullopt;
}

} // namespace snipcheck::formatting
