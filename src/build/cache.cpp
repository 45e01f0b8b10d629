#include "build/cache.hpp"

#include "util/text.hpp"
#include "util/utf8.hpp"

#include "util/errors.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>
#include <unistd.h>

#include <fcntl.h>
#include <sys/stat.h>

namespace snipcheck::build {

namespace {

using nlohmann::json;

// snipcheck itself is part of the key: a rebuilt binary may judge differently.
std::string own_binary_identity()
{
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    return "unknown";
  }
  const auto size = std::filesystem::file_size(self, ec);
  const auto time = std::filesystem::last_write_time(self, ec).time_since_epoch().count();
  return fmt::format("{}:{}:{}", self.string(), size, time);
}

// An entry's first line: the format, the key it answers and its body's digest.
std::string entry_header(const std::string& key, std::string_view body)
{
  return fmt::format("snipcheck-cache/2 {} {}\n", key, text::fnv1a_hex(body));
}

} // namespace

std::string registry_digest(const std::filesystem::path& registry)
{
  if (registry.empty()) {
    return "crates.io";
  }
  std::vector<std::string> crates;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(registry, ec)) {
    const auto checksum_file = entry.path() / ".cargo-checksum.json";
    struct stat info
    {
    };
    std::string checksum = "none";
    if (::stat(checksum_file.c_str(), &info) == 0) {
      checksum = fmt::format("{} {} {}.{}", text::fnv1a_hex(text::read_file(checksum_file)), info.st_size,
                             info.st_mtim.tv_sec, info.st_mtim.tv_nsec);
    }
    crates.push_back(fmt::format("{} {}", entry.path().filename().string(), checksum));
  }
  std::sort(crates.begin(), crates.end());
  return fmt::format("{}:{}", registry.string(), text::fnv1a_hex(fmt::format("{}", fmt::join(crates, "\n"))));
}

namespace {

// Written here because none of the dependencies offers it as an interface:
// Boost has base64 only in beast::detail (not a public API), and fmt,
// nlohmann_json and toml++ have none.
constexpr std::string_view base64_digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view bytes)
{
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const auto count = std::min<std::size_t>(3, bytes.size() - i);
    unsigned group = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      group = (group << 8) | (k < count ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out += k <= count ? base64_digits[(group >> (18 - 6 * k)) & 0x3F] : '=';
    }
  }
  return out;
}

std::string base64_decode(std::string_view text)
{
  std::string out;
  unsigned group = 0;
  int bits = 0;
  for (const char c : text) {
    const auto digit = base64_digits.find(c);
    if (digit == std::string_view::npos) {
      continue; // '=' padding
    }
    group = (group << 6) | static_cast<unsigned>(digit);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((group >> bits) & 0xFF);
    }
  }
  return out;
}

// A JSON string is UTF-8, and a listing's output (or a message quoting it)
// may be any bytes: those go in as {"base64": ...}, so a cached result holds
// exactly the bytes a fresh run compares.
json bytes_to_json(const std::string& bytes)
{
  return text::is_valid_utf8(bytes) ? json(bytes) : json{{"base64", base64_encode(bytes)}};
}

std::string bytes_from_json(const json& value)
{
  return value.is_object() ? base64_decode(value.at("base64").get<std::string>()) : value.get<std::string>();
}

// An entry is written whole under a temporary name and renamed over the old
// one, as text::write_file_atomically does, but never flushed to disk: after
// a crash an entry may be empty or torn, and its header (key and digest of
// its body) makes that a miss. Two fsyncs per listing cost more than the
// run of a small program did, and entries are written as listings finish.
void write_entry(const std::filesystem::path& path, const std::string& entry)
{
  const auto temporary =
      fmt::format("{}.tmp.{}.{}", path.string(), ::getpid(), std::hash<std::thread::id>{}(std::this_thread::get_id()));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(entry.data(), static_cast<std::streamsize>(entry.size()));
    if (!out.flush()) {
      throw Fatal(
          fmt::format("cannot write the cache entry {}: the disk is full or the folder not writable", temporary));
    }
  }
  ::chmod(temporary.c_str(), 0600); // a listing's output and diagnostics are in it
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    throw Fatal(fmt::format("cannot write the cache entry {}: {}", path.string(), std::strerror(error)));
  }
}

// An entry's bytes, or nothing when it cannot be read. Plain open and read: a
// no-change run of a large book is mostly these reads, and an ifstream's
// buffer and locale cost more than the read itself.
std::optional<std::string> read_entry(const std::filesystem::path& path)
{
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return std::nullopt;
  }
  struct stat info
  {
  };
  std::optional<std::string> bytes;
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
    bytes.emplace(static_cast<std::size_t>(info.st_size), '\0');
    std::size_t done = 0;
    while (done < bytes->size()) {
      const auto got = ::read(fd, bytes->data() + done, bytes->size() - done);
      if (got < 0 && errno == EINTR) {
        continue;
      }
      if (got <= 0) {
        break; // shorter than its size said: torn, and its header makes it a miss
      }
      done += static_cast<std::size_t>(got);
    }
    bytes->resize(done);
  }
  ::close(fd);
  return bytes;
}

} // namespace

std::string cache_key(const scratch::Unit& unit, const CacheContext& context)
{
  static const std::string binary = own_binary_identity();
  std::string material =
      fmt::format("snipcheck-cache/2\n{}\n{}\n{}\n{}\n{}\n{}\n", binary, context.rustc_verbose_version,
                  context.registry_digest, context.build_setup, unit.edition, static_cast<int>(unit.crate_type));
  for (const auto& dependency : unit.deps) {
    material += fmt::format("dep {} {} {} {}\n", dependency.name, dependency.version,
                            fmt::join(dependency.features, ","), dependency.default_features);
    if (!dependency.path.empty() || !dependency.git.empty() || !dependency.package.empty()) {
      material += fmt::format("dep-source {} {} {} {} {} {} {}\n", dependency.path.string(), dependency.content_hash,
                              dependency.git, dependency.branch, dependency.tag, dependency.rev, dependency.package);
    }
  }
  if (context.runs) {
    material += fmt::format("runs with timeout {}\n", context.timeout_seconds);
  }
  if (context.test_harness) {
    material += "test harness\n";
  }
  material += fmt::format("compile limit {}\n", context.compile_timeout_seconds);
  if (context.clippy_flags) {
    material += fmt::format("clippy {}\n", fmt::join(*context.clippy_flags, " "));
  }
  material += unit.source.text;
  // Two 64-bit hashes over different material make accidental collisions negligible.
  return text::fnv1a_hex(material) + text::fnv1a_hex(material + unit.listing->id);
}

json observed_to_json(const check::Observed& observed)
{
  json diagnostics = json::array();
  for (const auto& d : observed.diagnostics) {
    diagnostics.push_back({{"level", d.level},
                           {"code", d.code},
                           {"message", bytes_to_json(d.message)},
                           {"book_file", bytes_to_json(d.book_file.string())},
                           {"book_line", d.book_line},
                           {"listing_line", d.listing_line},
                           {"other_listing_lines", d.other_listing_lines},
                           {"prelude_line", d.prelude_line},
                           {"column", d.column},
                           {"rendered", bytes_to_json(d.rendered)}});
    if (!d.fixes.empty()) {
      json fixes = json::array();
      for (const auto& fix : d.fixes) {
        json edits = json::array();
        for (const auto& edit : fix.edits) {
          edits.push_back(
              {edit.first_line, edit.first_column, edit.last_line, edit.last_column, bytes_to_json(edit.replacement)});
        }
        fixes.push_back({{"message", bytes_to_json(fix.message)}, {"edits", std::move(edits)}});
      }
      diagnostics.back()["fixes"] = std::move(fixes);
    }
  }
  json result{{"build", static_cast<int>(observed.build)},
              {"diagnostics", std::move(diagnostics)},
              {"command", bytes_to_json(observed.command)},
              {"environment_problem", bytes_to_json(observed.environment_problem)}};
  if (observed.run) {
    const auto& run = *observed.run;
    result["run"] = {{"kind", static_cast<int>(run.status.kind)},
                     {"code", run.status.code},
                     {"signal", run.status.signal},
                     {"stdout", bytes_to_json(run.stdout_text)},
                     {"stderr", bytes_to_json(run.stderr_text)},
                     {"truncated", run.truncated}};
  }
  return result;
}

check::Observed observed_from_json(const json& value)
{
  check::Observed observed;
  observed.build = static_cast<check::Observed::Build>(value.at("build").get<int>());
  for (const auto& d : value.at("diagnostics")) {
    check::Diagnostic diagnostic;
    diagnostic.level = d.at("level");
    diagnostic.code = d.at("code");
    diagnostic.message = bytes_from_json(d.at("message"));
    diagnostic.book_file = bytes_from_json(d.at("book_file"));
    diagnostic.book_line = d.at("book_line");
    diagnostic.listing_line = d.at("listing_line");
    diagnostic.other_listing_lines = d.at("other_listing_lines").get<std::vector<int>>();
    diagnostic.prelude_line = d.at("prelude_line");
    diagnostic.column = d.at("column");
    diagnostic.rendered = bytes_from_json(d.at("rendered"));
    for (const auto& fix : d.value("fixes", json::array())) {
      check::CodeFix code_fix{bytes_from_json(fix.at("message")), {}};
      for (const auto& edit : fix.at("edits")) {
        code_fix.edits.push_back({edit.at(0), edit.at(1), edit.at(2), edit.at(3), bytes_from_json(edit.at(4))});
      }
      diagnostic.fixes.push_back(std::move(code_fix));
    }
    observed.diagnostics.push_back(std::move(diagnostic));
  }
  observed.command = bytes_from_json(value.at("command"));
  observed.environment_problem = bytes_from_json(value.at("environment_problem"));
  if (value.contains("run")) {
    const auto& run = value["run"];
    check::RunOutput output;
    output.status.kind = static_cast<cargo::ExitStatus::Kind>(run.at("kind").get<int>());
    output.status.code = run.at("code");
    output.status.signal = run.at("signal");
    output.stdout_text = bytes_from_json(run.at("stdout"));
    output.stderr_text = bytes_from_json(run.at("stderr"));
    output.truncated = run.at("truncated");
    observed.run = std::move(output);
  }
  return observed;
}

std::optional<check::Observed> ResultCache::load(const std::string& key) const
{
  const auto text = read_entry(m_folder / (key + ".json"));
  if (!text) {
    return std::nullopt;
  }
  const std::string_view entry = *text;
  const auto header_end = entry.find('\n');
  if (header_end == std::string_view::npos) {
    return std::nullopt;
  }
  const auto body = entry.substr(header_end + 1);
  if (entry.substr(0, header_end + 1) != entry_header(key, body)) {
    return std::nullopt; // another key's entry, or edited: a miss
  }
  const auto value = json::parse(body, nullptr, false);
  if (value.is_discarded()) {
    return std::nullopt; // a damaged entry is a miss, never an error
  }
  try {
    auto observed = observed_from_json(value);
    observed.cached = true;
    return observed;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

void ResultCache::store(const std::string& key, const check::Observed& observed) const
{
  if (observed.build == check::Observed::Build::not_built || observed.build == check::Observed::Build::timed_out) {
    return; // a compile timeout depends on the machine's load: a clean run decides it each time
  }
  if (observed.run && observed.run->status.kind != cargo::ExitStatus::Kind::exited &&
      observed.run->status.kind != cargo::ExitStatus::Kind::signaled) {
    return;
  }
  // Readable by the owner only: a listing's output and diagnostics are in it.
  std::error_code ec;
  if (std::filesystem::create_directories(m_folder, ec)) {
    std::filesystem::permissions(m_folder, std::filesystem::perms::owner_all, ec);
  }
  std::string entry;
  try {
    entry = observed_to_json(observed).dump();
  } catch (const json::type_error&) {
    return; // a text that is not UTF-8 and not marked as bytes: not cached, never stored altered
  }
  write_entry(m_folder / (key + ".json"), entry_header(key, entry) + entry);
}

} // namespace snipcheck::build
