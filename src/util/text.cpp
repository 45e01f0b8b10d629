#include "util/text.hpp"

#include "util/errors.hpp"
#include "util/utf8.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace snipcheck::text {

std::vector<std::string> split_lines(std::string_view text)
{
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    auto line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.emplace_back(line);
    start = end + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines)
{
  std::string text;
  for (const auto& line : lines) {
    text += line;
    text += '\n';
  }
  return text;
}

std::string_view trim(std::string_view text)
{
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::string_view trim_end(std::string_view text)
{
  const auto last = text.find_last_not_of(" \t\r");
  return last == std::string_view::npos ? std::string_view{} : text.substr(0, last + 1);
}

bool is_blank(std::string_view text)
{
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_word_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

std::size_t skip_spaces(std::string_view text, std::size_t pos)
{
  while (pos < text.size() && is_space(text[pos])) {
    ++pos;
  }
  return pos;
}

bool starts_with_word(std::string_view text, std::string_view word)
{
  if (!text.starts_with(word)) {
    return false;
  }
  return text.size() == word.size() || text[word.size()] == ' ' || text[word.size()] == '\t';
}

std::string_view strip_utf8_bom(std::string_view text)
{
  return text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
}

std::optional<int> first_invalid_utf8_line(std::string_view text)
{
  int line = 1;
  for (std::size_t i = 0; i < text.size();) {
    const auto sequence = utf8_sequence_at(text, i);
    if (!sequence.valid) {
      return line;
    }
    if (text[i] == '\n') {
      ++line;
    }
    i += sequence.length;
  }
  return std::nullopt;
}

bool looks_binary(std::string_view text)
{
  return text.substr(0, 8192).find('\0') != std::string_view::npos;
}

std::string fnv1a_hex(std::string_view data)
{
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", hash);
}

LineIndex::LineIndex(std::string_view text)
  : m_text(text)
{
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      m_line_starts.push_back(i + 1);
    }
  }
}

int LineIndex::line_of(std::size_t offset) const
{
  return static_cast<int>(std::upper_bound(m_line_starts.begin(), m_line_starts.end(), offset) - m_line_starts.begin());
}

int LineIndex::line_of(const char* pointer) const
{
  if (pointer < m_text.data() || pointer >= m_text.data() + m_text.size()) {
    return 0;
  }
  return line_of(static_cast<std::size_t>(pointer - m_text.data()));
}

namespace {

// Closes the file it holds.
class OpenFile
{
public:
  explicit OpenFile(int fd)
    : m_fd(fd)
  {}
  ~OpenFile()
  {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  int fd() const { return m_fd; }

private:
  int m_fd;
};

// A kernel file system's files (/proc, /sys, ...) show the machine, not a
// book, and their size (0) says nothing about what reading them gives.
bool on_kernel_file_system(int fd)
{
  struct statfs file_system
  {
  };
  if (::fstatfs(fd, &file_system) != 0) {
    return false;
  }
  switch (file_system.f_type) {
  case PROC_SUPER_MAGIC:
  case SYSFS_MAGIC:
  case DEBUGFS_MAGIC:
  case TRACEFS_MAGIC:
  case SECURITYFS_MAGIC:
  case CGROUP_SUPER_MAGIC:
  case CGROUP2_SUPER_MAGIC: return true;
  default: return false;
  }
}

[[noreturn]] void too_large(const std::filesystem::path& path)
{
  throw InputError(path, 0, fmt::format("is larger than {} MiB; is it really a text file?", max_file_size >> 20));
}

} // namespace

std::string read_file(const std::filesystem::path& path, LastLink last_link)
{
  const bool follow = last_link == LastLink::follow;
  std::error_code ec;
  const auto status = follow ? std::filesystem::status(path, ec) : std::filesystem::symlink_status(path, ec);
  if (!follow && std::filesystem::is_symlink(status)) {
    throw InputError(path, 0, "is a symbolic link, which is not followed here");
  }
  // Refused before it is opened: opening a FIFO blocks until a writer comes, a device may act.
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    throw InputError(path, 0, "is not a regular file (a device, a pipe or a folder); pass a file");
  }
  // O_NONBLOCK: should it have become a FIFO since, opening it does not wait.
  const OpenFile file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW)));
  struct stat opened
  {
  };
  if (file.fd() < 0 || ::fstat(file.fd(), &opened) != 0) {
    throw InputError(path, 0, fmt::format("cannot read: {}", std::strerror(errno)));
  }
  if (!S_ISREG(opened.st_mode)) {
    throw InputError(path, 0, "is not a regular file (a device, a pipe or a folder); pass a file");
  }
  if (on_kernel_file_system(file.fd())) {
    throw InputError(path, 0, "is a file of /proc or /sys (the machine's, not a book's); pass a file");
  }
  if (static_cast<std::uintmax_t>(opened.st_size) > max_file_size) {
    too_large(path);
  }
  std::string content;
  content.reserve(static_cast<std::size_t>(opened.st_size));
  // Bounded still, in case the file grows while it is read.
  std::array<char, 65536> buffer{};
  while (true) {
    const auto got = ::read(file.fd(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      throw InputError(path, 0, fmt::format("cannot read: {}", std::strerror(errno)));
    }
    if (got == 0) {
      return content;
    }
    content.append(buffer.data(), static_cast<std::size_t>(got));
    if (content.size() > max_file_size) {
      too_large(path);
    }
  }
}

namespace {

bool write_all(int fd, std::string_view content)
{
  while (!content.empty()) {
    const auto written = ::write(fd, content.data(), content.size());
    if (written < 0 && errno == EINTR) {
      continue;
    }
    if (written <= 0) {
      return false;
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

} // namespace

std::filesystem::path write_target(const std::filesystem::path& path)
{
  constexpr int max_links = 40; // the kernel's limit (ELOOP)
  auto target = path;
  std::error_code ec;
  for (int links = 0; links < max_links && std::filesystem::is_symlink(target, ec); ++links) {
    const auto next = std::filesystem::read_symlink(target, ec);
    if (ec) {
      return path;
    }
    target = next.is_absolute() ? next : target.parent_path() / next;
  }
  if (target == path) {
    return path;
  }
  auto resolved = std::filesystem::weakly_canonical(target, ec);
  return ec ? target.lexically_normal() : resolved;
}

namespace {

// The file being written: unnamed (O_TMPFILE) where the folder allows, so a
// kill while writing leaves nothing behind; named `temporary` only once whole.
class PendingFile
{
public:
  PendingFile(const std::filesystem::path& path, const std::filesystem::path& target, unsigned new_file_mode)
    : m_path(path)
    , m_target(target)
    , m_folder(target.has_parent_path() ? target.parent_path() : std::filesystem::path("."))
    , m_temporary(target.string() + fmt::format(".tmp.{}", ::getpid()))
  {
    ::unlink(m_temporary.c_str());
    m_fd = ::open(m_folder.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    m_unnamed = m_fd >= 0;
    if (!m_unnamed) {
      m_fd = ::open(m_temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(new_file_mode));
      if (m_fd < 0) {
        fail("creating " + m_temporary, errno);
      }
    }
  }

  void write(std::string_view content)
  {
    if (!write_all(m_fd, content)) {
      abandon("writing");
    }
  }

  // Keep an existing file's permissions (and, as root, its owner); a new file
  // gets new_file_mode less the umask.
  void set_mode(unsigned new_file_mode)
  {
    struct stat existing
    {
    };
    if (::stat(m_target.c_str(), &existing) == 0) {
      if (::fchmod(m_fd, existing.st_mode & 07777) != 0) {
        abandon("keeping its permissions");
      }
      if (::geteuid() == 0 && ::fchown(m_fd, existing.st_uid, existing.st_gid) != 0) {
        abandon("keeping its owner");
      }
    } else if (m_unnamed) {
      const auto mask = ::umask(0);
      ::umask(mask);
      if (::fchmod(m_fd, static_cast<mode_t>(new_file_mode) & ~mask) != 0) {
        abandon("setting its permissions");
      }
    }
  }

  // Flushed, named, renamed over the target; the rename is durable once the folder is.
  void commit()
  {
    if (::fsync(m_fd) != 0) {
      abandon("flushing it to disk");
    }
    if (m_unnamed) {
      const auto self = fmt::format("/proc/self/fd/{}", m_fd);
      if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, m_temporary.c_str(), AT_SYMLINK_FOLLOW) != 0) {
        abandon("naming the temporary file " + m_temporary);
      }
    }
    ::close(m_fd);
    if (::rename(m_temporary.c_str(), m_target.c_str()) != 0) {
      const int error = errno;
      ::unlink(m_temporary.c_str());
      fail("renaming " + m_temporary + " over it", error);
    }
    const int folder_fd = ::open(m_folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folder_fd >= 0) {
      ::fsync(folder_fd);
      ::close(folder_fd);
    }
  }

private:
  [[noreturn]] void fail(const std::string& what, int error) const
  {
    throw Fatal(fmt::format("cannot write {}: {}: {}; check that the folder exists and is writable", m_path.string(),
                            what, std::strerror(error)));
  }

  [[noreturn]] void abandon(const std::string& what) const
  {
    const int error = errno;
    ::close(m_fd);
    ::unlink(m_temporary.c_str());
    fail(what, error);
  }

  std::filesystem::path m_path; // as the caller named it, for messages
  std::filesystem::path m_target;
  std::filesystem::path m_folder;
  std::string m_temporary;
  int m_fd = -1;
  bool m_unnamed = false;
};

} // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view content, unsigned new_file_mode)
{
  const auto target = write_target(path);
  std::error_code ec;
  if (target.has_parent_path()) {
    std::filesystem::create_directories(target.parent_path(), ec);
  }
  PendingFile file(path, target, new_file_mode);
  file.write(content);
  file.set_mode(new_file_mode);
  file.commit();
}

bool write_file_if_changed(const std::filesystem::path& path, std::string_view content)
{
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream existing;
    existing << in.rdbuf();
    if (existing.str() == content) {
      return false;
    }
  }
  write_file_atomically(path, content);
  return true;
}

} // namespace snipcheck::text
