// End-to-end: a book of hostile listings (tests/e2e/hostile/book.md) checked
// in one run. Every attack must be contained, nothing may outlive the run
// (process table, temporary folders), and the run must end within its limits.
#include "cargo/process.hpp"
#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

using namespace snipcheck::e2e;
using nlohmann::json;
using snipcheck::text::read_file;

const fs::path hostile_book = source_dir / "tests/e2e/hostile";
const fs::path secret_file = "/var/tmp/snipcheck-hostile-secret.txt";
const fs::path host_socket = "/tmp/snipcheck-hostile-host.sock";

// Everything under `folder` (recursively), as paths.
std::vector<std::string> contents(const fs::path& folder)
{
  std::vector<std::string> names;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    names.push_back(it->path().string());
  }
  return names;
}

class HostileBook : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_temp = fresh_test_folder("hostile");
    fs::create_directories(m_temp / "tmp");
    m_secret = "snipcheck-secret-" + std::to_string(::getpid());
    {
      std::ofstream out(secret_file);
      out << m_secret << "\n";
    }
    fs::permissions(secret_file, fs::perms::owner_read | fs::perms::owner_write);
    // A Unix socket of the host, listening: a listing must not reach it.
    fs::remove(host_socket);
    m_listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", host_socket.c_str());
    ASSERT_EQ(::bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    ASSERT_EQ(::listen(m_listener, 16), 0);
    fs::permissions(host_socket, fs::perms::all);
  }

  void TearDown() override
  {
    ::close(m_listener);
    fs::remove(host_socket);
    fs::remove(secret_file);
    fs::remove_all(m_temp);
  }

  fs::path m_temp;
  std::string m_secret;
  int m_listener = -1;
};

TEST_F(HostileBook, EveryAttackIsContainedAndNothingOutlivesTheRun)
{
  std::string why;
  if (!snipcheck::cargo::isolation_available(&why)) {
    GTEST_SKIP() << "this machine allows no private namespaces (" << why
                 << "), so compile-time reads and, not as root, leftovers are not contained (README)";
  }
  const auto report_path = m_temp / "report.json";
  // -j 1: the tamper listing runs before its victim. A watchdog far above the
  // limits (the grandchildren sleep 317 s) turns a hang into a failure.
  const auto run = run_shell(
      "env SNIPCHECK_HOSTILE_SECRET='" + m_secret + "' TMPDIR='" + (m_temp / "tmp").string() +
          "' timeout -s KILL 250 '" + binary.string() + "' --book '" + (hostile_book / "book.md").string() +
          "' --expected '" + (hostile_book / "expected").string() + "' --build-dir '" + (m_temp / "build").string() +
          "' --timeout 5 -j 1 --no-cache --report json='" + report_path.string() + "'",
      m_temp, m_temp);
  ASSERT_NE(run.exit_code, 137) << "the run hung past its limits\n" << run.out << run.err;
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.out << run.err;
  const auto report = json::parse(read_file(report_path));
  const auto status = [&](const std::string& id) { return find_result(report, id)["status"].get<std::string>(); };
  const auto actual = [&](const std::string& id) { return find_result(report, id)["actual"]; };

  EXPECT_EQ(status("grandchild"), "pass") << actual("grandchild").dump();
  EXPECT_EQ(status("victim"), "pass") << "another listing replaced its program: " << actual("victim").dump();
  EXPECT_EQ(actual("tamper")["stdout"].get<std::string>().find("forged"), std::string::npos) << actual("tamper").dump();
  EXPECT_NE(actual("fork-bomb")["outcome"], "timeout") << actual("fork-bomb").dump();
  EXPECT_EQ(status("memory-flood"), "pass") << actual("memory-flood").dump();
  EXPECT_LE(actual("output-flood")["stdout"].get<std::string>().size(), 1024u * 1024u);
  // Both fail to build (no such file, no such variable); snipcheck fails a
  // compile_fail block that only fails that way, so the outcome is what counts.
  EXPECT_EQ(actual("include-secret")["outcome"], "compile-fail") << actual("include-secret").dump();
  EXPECT_EQ(actual("env-secret")["outcome"], "compile-fail") << actual("env-secret").dump();
  EXPECT_EQ(status("residue"), "pass") << actual("residue").dump();
  EXPECT_EQ(status("read-secret"), "pass") << actual("read-secret").dump();

  // The secrets appear nowhere: not in the output, the report or any file of the build folder.
  EXPECT_EQ(run.out.find(m_secret), std::string::npos);
  EXPECT_EQ(run.err.find(m_secret), std::string::npos);
  EXPECT_EQ(read_file(report_path).find(m_secret), std::string::npos);
  for (const auto& path : contents(m_temp / "build")) {
    if (fs::is_regular_file(path) && fs::file_size(path) < (16u << 20)) {
      EXPECT_EQ(read_file(path).find(m_secret), std::string::npos) << path;
    }
  }

  // Nothing outlives the run.
  for (const auto* marker : {"sleep 317", "sleep 318", "sleep 319", "snipcheck-hostile-317"}) {
    EXPECT_EQ(processes_with(marker), std::vector<std::string>{}) << marker;
  }
  EXPECT_EQ(contents(m_temp / "tmp"), std::vector<std::string>{});
  for (const auto* path : {"/tmp/snipcheck-hostile-residue", "/var/tmp/snipcheck-hostile-residue",
                           "/dev/shm/snipcheck-hostile-residue", "/tmp/snipcheck-hostile-residue.sock"}) {
    EXPECT_FALSE(fs::exists(fs::symlink_status(path))) << path;
    std::error_code ec;
    fs::remove(path, ec); // so that the next run starts clean even after a failure
  }
}

} // namespace
