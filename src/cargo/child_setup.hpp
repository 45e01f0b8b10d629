#pragma once
// Inside the process module (cargo/process.cpp and its parts), not for the
// stages above: how a child is prepared between fork and exec. Isolation is
// planned in the parent, which may allocate, and carried out in the child,
// which may only make system calls (async-signal-safe).

#include "cargo/process.hpp"

#include <string>
#include <vector>

namespace snipcheck::cargo {

struct MountStep
{
  enum class Kind { tmpfs, bind_folder, bind_file, symlink };
  Kind kind = Kind::tmpfs;
  std::string source; // bind: the host path; symlink: the link's target; tmpfs: its options
  std::string target; // the place under the staging root
  bool read_only = true;
};

struct IsolationPlan
{
  int unshare_flags = 0;
  bool user_namespace = false;
  std::string uid_map; // "inside outside 1": the caller keeps its own uid
  std::string gid_map;
  std::string staging;             // where the new root is assembled before pivot_root
  std::string old_root;            // where the old root goes, relative to the new one
  std::string old_root_in_staging; // the same place before the pivot
  std::vector<MountStep> steps;
  std::string proc;
  std::string private_folder; // under staging; empty: none
  unsigned folder_owner = 0;
  std::string working_dir; // as seen in the view
  bool read_only_root = true;
};

// The namespaces, mounts and working folder for a command with a FileView.
IsolationPlan plan_isolation(const Command& command);

// In the child, without isolation: network namespace, rlimits, then the
// unprivileged uid (last: it removes the right to do the rest). Returns 0 or errno.
int prepare_child(const Command& command);

// In the child, with isolation; it becomes a chain:
//   A (forked by Boost.Process, waited for by the runner): enters the
//     namespaces, waits for B and ends as the program ended;
//   B (pid 1 of the new pid namespace): assembles the view, waits for C; when
//     B ends, the kernel kills every process left in the namespace;
//   C: drops capabilities and uid, and returns here to be executed.
// Returns 0 or errno in C (or in A, when entering the namespaces failed); B
// reports its failures through `error_pipe` (Boost.Process's) itself.
int enter_isolation(const Command& command, const IsolationPlan& plan, int error_pipe);

// The child's environment as NAME=value entries: the caller's (when
// inherited) without `unset_env`, then `set_env`.
std::vector<std::string> child_environment(const Command& command);

} // namespace snipcheck::cargo
