// `vaultx doctor`: the deployment checklist of a project that uses secrets.
// Each check gives pass, fail or skip, a one-line summary, the findings and
// a one-line fix. The checks that read a project's files live here; the
// ones that need the store or the agent are assembled by the command.
//
// The manifest parsers below take untrusted bytes (any file a repository
// holds) and never fail: what they cannot read as a requirement or a lock
// entry they leave alone.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vaultx::shell {

namespace fs = std::filesystem;

enum class Verdict { pass, fail, skip };

struct DoctorCheck {
  std::string id;                     // stable, for --json and scripts: "env-files", ...
  Verdict verdict = Verdict::pass;
  std::string summary;                // one line
  std::vector<std::string> findings;  // "path:line: what is wrong", never a secret value
  std::string fix;                    // one line; empty when it passes
};

std::string_view verdict_name(Verdict verdict);

// The files of the project under `dir`: a git work tree's tracked and
// untracked-but-not-ignored files, else every file (see list_scan_files).
struct ProjectFiles {
  bool in_git = false;
  std::vector<fs::path> tracked;    // in the index (git only)
  std::vector<fs::path> untracked;  // not ignored, not in the index (git only)
  std::vector<fs::path> all;        // what a commit could take: tracked, untracked, or every file
};
ProjectFiles list_project_files(const fs::path& dir);

// .env files (`.env`, `.env.local`, `prod.env`, ...) that git tracks, or
// would add because no .gitignore rule covers them. Templates
// (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`) are allowed.
bool is_env_file(const fs::path& file);
DoctorCheck check_env_files(const ProjectFiles& files, const fs::path& dir);

// Dependency manifests whose versions an attacker could move: requirements
// lines without an exact `==` pin and a `--hash`, package.json declaring
// dependencies with no lockfile beside it, npm/yarn lock entries without an
// integrity hash, Cargo.lock registry packages without a checksum.
DoctorCheck check_dependency_pins(const ProjectFiles& files, const fs::path& dir);

// The findings for one file's text, reported as `shown:line: ...`.
std::vector<std::string> unpinned_requirements(std::string_view text, const std::string& shown);
std::vector<std::string> npm_lock_entries_without_integrity(std::string_view text, const std::string& shown);
std::vector<std::string> yarn_lock_entries_without_integrity(std::string_view text, const std::string& shown);
std::vector<std::string> cargo_lock_entries_without_checksum(std::string_view text, const std::string& shown);
bool package_json_declares_dependencies(std::string_view text);

// Directories and files only their owner may use: every entry under
// `root` (not following symlinks) must be owned by the current user and
// have no group or other permission bits. A missing root passes.
std::vector<std::string> permission_problems(const fs::path& root);

// `path` relative to `dir` when it lies under it, for messages.
std::string shown_path(const fs::path& path, const fs::path& dir);

}  // namespace vaultx::shell
