// The parent's side of the sandbox: what a child with a FileView mounts, in
// which namespaces, planned before the fork (child_setup.hpp).
#include "cargo/child_setup.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <sched.h>
#include <unistd.h>
#include <utility>

namespace snipcheck::cargo {

namespace {

// The mount point the new root is assembled on, in the child's own mount
// namespace: a folder that exists everywhere and that no view binds from.
std::string staging_folder()
{
  for (const char* candidate : {"/sys", "/mnt", "/srv", "/media"}) {
    std::error_code ec;
    if (std::filesystem::is_directory(candidate, ec)) {
      return candidate;
    }
  }
  return "/sys";
}

// Where `path` of the view is assembled, under the staging root.
std::string staged(const IsolationPlan& plan, const std::filesystem::path& path)
{
  return plan.staging + path.lexically_normal().string();
}

// Private pid, mount and IPC namespaces (and network, when asked); without
// root, in a user namespace that maps the caller's own ids.
void plan_namespaces(IsolationPlan& plan, const Command& command)
{
  plan.unshare_flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC;
  if (command.sandbox.new_network_namespace) {
    plan.unshare_flags |= CLONE_NEWNET;
  }
  if (::geteuid() != 0) {
    plan.unshare_flags |= CLONE_NEWUSER;
    plan.user_namespace = true;
    plan.uid_map = fmt::format("{0} {0} 1", ::geteuid());
    plan.gid_map = fmt::format("{0} {0} 1", ::getegid());
  }
}

// The view's own file systems: its root, empty temporary folders, and a /dev
// of a few devices.
void plan_private_mounts(IsolationPlan& plan, const FileView& view)
{
  plan.steps.push_back({MountStep::Kind::tmpfs, "mode=0755,size=16m", plan.staging, false});
  for (const auto* folder : {"/tmp", "/var/tmp", "/dev/shm"}) {
    plan.steps.push_back({MountStep::Kind::tmpfs, "mode=1777,size=256m", staged(plan, folder), false});
  }
  for (const auto& device : view.devices) {
    plan.steps.push_back({MountStep::Kind::bind_file, "/dev/" + device, staged(plan, "/dev/" + device), false});
  }
  for (const auto& [name, target] :
       std::initializer_list<std::pair<const char*, const char*>>{{"fd", "/proc/self/fd"},
                                                                  {"stdin", "/proc/self/fd/0"},
                                                                  {"stdout", "/proc/self/fd/1"},
                                                                  {"stderr", "/proc/self/fd/2"}}) {
    plan.steps.push_back({MountStep::Kind::symlink, target, staged(plan, std::string("/dev/") + name), false});
  }
}

// The host's paths the view shows, shortest first (a folder before what is
// bound inside it); a path that does not exist is left out.
void plan_binds(IsolationPlan& plan, const FileView& view)
{
  std::vector<std::pair<std::filesystem::path, bool>> binds;
  for (const auto& path : view.read_only) {
    binds.emplace_back(std::filesystem::absolute(path).lexically_normal(), true);
  }
  for (const auto& path : view.writable) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec); // a target folder cargo has not made yet
    binds.emplace_back(std::filesystem::absolute(path).lexically_normal(), false);
  }
  std::stable_sort(binds.begin(), binds.end(),
                   [](const auto& a, const auto& b) { return a.first.string().size() < b.first.string().size(); });
  for (const auto& [path, read_only] : binds) {
    std::error_code ec;
    const auto status = std::filesystem::symlink_status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
      continue;
    }
    if (std::filesystem::is_symlink(status)) {
      plan.steps.push_back(
          {MountStep::Kind::symlink, std::filesystem::read_symlink(path, ec).string(), staged(plan, path), read_only});
    } else {
      const auto kind =
          std::filesystem::is_directory(status) ? MountStep::Kind::bind_folder : MountStep::Kind::bind_file;
      plan.steps.push_back({kind, path.string(), staged(plan, path), read_only});
    }
  }
}

} // namespace

IsolationPlan plan_isolation(const Command& command)
{
  const auto& view = *command.sandbox.view;
  IsolationPlan plan;
  plan_namespaces(plan, command);
  plan.staging = staging_folder();
  plan.old_root = "/.snipcheck-old-root";
  plan.old_root_in_staging = plan.staging + plan.old_root;
  plan_private_mounts(plan, view);
  plan_binds(plan, view);
  if (!view.private_folder.empty()) {
    plan.private_folder = staged(plan, view.private_folder);
    plan.folder_owner = command.sandbox.run_as_uid.value_or(::geteuid());
  }
  for (const auto& [source, place] : view.files_at) {
    plan.steps.push_back({MountStep::Kind::bind_file, source.string(), staged(plan, place), true});
  }
  plan.proc = staged(plan, "/proc");
  plan.working_dir =
      std::filesystem::absolute(command.working_dir.empty() ? std::filesystem::current_path() : command.working_dir)
          .lexically_normal()
          .string();
  return plan;
}

} // namespace snipcheck::cargo
