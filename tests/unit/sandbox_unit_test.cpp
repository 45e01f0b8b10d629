// The sandbox's pieces that need no child process: lock files that a listing
// cannot redirect, and failures on program-running threads that reach the
// caller as exceptions instead of std::terminate.
#include "run/run_programs.hpp"
#include "cargo/child_setup.hpp"
#include "cargo/process.hpp"
#include "util/errors.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace snipcheck;

class LockFile : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_temp = fs::temp_directory_path() / ("snipcheck-lock-" + std::to_string(::getpid()));
    fs::remove_all(m_temp);
    fs::create_directories(m_temp);
    m_folder = m_temp / "locks";
  }
  void TearDown() override { fs::remove_all(m_temp); }

  fs::path m_temp;
  fs::path m_folder;
};

TEST_F(LockFile, IsCreatedOwnerOnlyInAFolderOnlyItsOwnerWrites)
{
  const int fd = cargo::open_lock_file(m_folder, "uid-1.lock");
  ASSERT_GE(fd, 0);
  ::close(fd);
  struct stat info
  {
  };
  ASSERT_EQ(::stat((m_folder / "uid-1.lock").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(m_folder.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 022, 0u);
}

TEST_F(LockFile, DoesNotFollowAPlantedSymlink)
{
  fs::create_directories(m_folder);
  const auto victim = m_temp / "victim";
  fs::create_symlink(victim, m_folder / "uid-1.lock");
  EXPECT_EQ(cargo::open_lock_file(m_folder, "uid-1.lock"), -1);
  EXPECT_FALSE(fs::exists(victim)); // nothing was created through the link
}

TEST_F(LockFile, RefusesAFolderOthersCanWrite)
{
  fs::create_directories(m_folder);
  fs::permissions(m_folder, fs::perms::all); // 0777: anyone could plant a link
  EXPECT_THROW(cargo::open_lock_file(m_folder, "uid-1.lock"), Fatal);
}

TEST_F(LockFile, RefusesASymlinkedFolder)
{
  fs::create_directories(m_temp / "elsewhere");
  fs::create_symlink(m_temp / "elsewhere", m_folder);
  EXPECT_THROW(cargo::open_lock_file(m_folder, "uid-1.lock"), Fatal);
}

// Throws from the second program it is asked to run, whichever thread asks.
class FailingRunner : public cargo::CommandRunner
{
public:
  cargo::CommandResult run(const cargo::Command&) override
  {
    if (m_calls++ == 1) {
      throw Fatal("the machine broke");
    }
    cargo::CommandResult result;
    result.status = {cargo::ExitStatus::Kind::exited, 0, 0};
    return result;
  }

private:
  std::atomic<int> m_calls{0};
};

TEST(RunPrograms, AFailureOnAnyThreadReachesTheCaller)
{
  // Before: the Fatal escaped a pool thread and std::terminate ended the process.
  const auto program = fs::temp_directory_path() / ("snipcheck-program-" + std::to_string(::getpid()));
  std::ofstream(program) << "#!/bin/sh\n";
  std::vector<run::ProgramRun> programs;
  for (int k = 0; k < 6; ++k) {
    programs.push_back({program, "", "listing-" + std::to_string(k)});
  }
  run::RunSettings settings;
  settings.jobs = 3;
  FailingRunner runner;
  EXPECT_THROW(run::run_programs(
                   programs, settings, runner, [](const std::string&) {}, [](const std::string&) {}),
               Fatal);
  fs::remove(program);
}

// The isolation a child gets is planned in the parent, without a fork: what
// the view binds, where, and read-only or not.
TEST(IsolationPlan, BindsTheViewUnderTheStagingRootShortestPathFirst)
{
  const auto temp = fs::temp_directory_path() / ("snipcheck-plan-" + std::to_string(::getpid()));
  fs::remove_all(temp);
  cargo::Command command;
  command.working_dir = temp / "work";
  command.sandbox.run_as_uid = 61234;
  command.sandbox.view = cargo::FileView{};
  command.sandbox.view->read_only = {temp / "ro" / "deeper", temp / "ro", temp / "missing"};
  command.sandbox.view->writable = {temp / "out"};
  command.sandbox.view->files_at = {{"/bin/true", "/tmp/run/program"}};
  command.sandbox.view->private_folder = "/tmp/run";
  fs::create_directories(temp / "ro" / "deeper");

  const auto plan = cargo::plan_isolation(command);
  EXPECT_EQ(plan.old_root_in_staging, plan.staging + plan.old_root);
  EXPECT_EQ(plan.proc, plan.staging + "/proc");
  EXPECT_EQ(plan.private_folder, plan.staging + "/tmp/run");
  EXPECT_EQ(plan.folder_owner, 61234u);
  EXPECT_EQ(plan.working_dir, (temp / "work").string());
  ASSERT_FALSE(plan.steps.empty());
  EXPECT_EQ(plan.steps.front().kind, cargo::MountStep::Kind::tmpfs);
  EXPECT_EQ(plan.steps.front().target, plan.staging);
  const auto bound = [&](const fs::path& path) {
    return std::find_if(plan.steps.begin(), plan.steps.end(),
                        [&](const auto& step) { return step.target == plan.staging + path.string(); });
  };
  EXPECT_TRUE(fs::is_directory(temp / "out")) << "a writable folder is made before it is bound";
  ASSERT_NE(bound(temp / "out"), plan.steps.end());
  EXPECT_FALSE(bound(temp / "out")->read_only);
  ASSERT_NE(bound(temp / "ro"), plan.steps.end());
  EXPECT_TRUE(bound(temp / "ro")->read_only);
  EXPECT_EQ(bound(temp / "ro")->kind, cargo::MountStep::Kind::bind_folder);
  EXPECT_LT(bound(temp / "ro"), bound(temp / "ro" / "deeper")) << "a folder is bound before what lies inside it";
  EXPECT_EQ(bound(temp / "missing"), plan.steps.end()) << "a path that does not exist is left out";
  const auto program = bound("/tmp/run/program");
  ASSERT_NE(program, plan.steps.end());
  EXPECT_EQ(program->kind, cargo::MountStep::Kind::bind_file);
  EXPECT_EQ(program->source, "/bin/true");
  EXPECT_TRUE(program->read_only);
  fs::remove_all(temp);
}

} // namespace
