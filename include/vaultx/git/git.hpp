// A store kept in git: the store directory is the top of a git work tree.
// Every write is committed with a message that names the operation and a
// count, never a secret's name or value; a diff driver shows secret files
// as their metadata and a keyed fingerprint (vaultx git textconv).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <vaultx/error.hpp>
#include <vaultx/git/process.hpp>

namespace vaultx::git {

namespace fs = std::filesystem;

// True if `store_root` has its own .git (a directory, or a file for a
// linked work tree).
bool enabled(const fs::path& store_root);

// `git -C store_root ARGS...`, captured, without any VAULTX_* variable.
Result<Captured> run_git(const fs::path& store_root, const std::vector<std::string>& args, std::string_view input = {});

// git init if needed; .gitattributes lines for the diff driver (through
// write_file_atomic, so that they are committed with the next write); and
// `diff.vaultx.textconv = <textconv_command>` in the repository's config.
Status setup(const fs::path& store_root, const std::string& textconv_command);

struct CommitOutcome {
  bool committed = false;
  bool staged_for_merge = false;  // a merge is in progress: staged, not committed
  std::size_t files = 0;
};

// Stages `changed` (paths under store_root; others are ignored) and commits
// exactly those with "vaultx: <op> (N secret(s))". Nothing staged: no commit.
Result<CommitOutcome> commit_changes(const fs::path& store_root, const std::string& op,
                                     const std::vector<fs::path>& changed);

// Our and their version of a file left unmerged by git (index stages 2
// and 3); nullopt if the file is not unmerged. `relative` is from the root.
Result<std::optional<std::pair<std::string, std::string>>> conflict_stages(const fs::path& store_root,
                                                                           const std::string& relative);

// The message for a git command that failed, with the first lines of its stderr.
Error git_error(const std::string& what, const Captured& result);

}  // namespace vaultx::git
