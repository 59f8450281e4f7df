// Running other programs (git, the editor) without a shell: posix_spawnp
// with an explicit argv and environment.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <vaultx/error.hpp>

namespace vaultx::git {

// What a child inherits of vaultx's environment. VAULTX_* variables carry
// keys and never reach a child; `paths` keeps those that only name files
// (store, state dir, identity and passphrase files, agent socket), so that
// git can run `vaultx git textconv` as the user would.
enum class ChildEnv { without_vaultx, vaultx_paths };

struct Captured {
  int status = 0;  // exit status, or 128+N if killed by signal N
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up on PATH) with stdin from `input`, capturing
// stdout and stderr. Errc::failure if it cannot be started.
Result<Captured> run_captured(const std::vector<std::string>& argv, ChildEnv env, std::string_view input = {});
// Runs it with vaultx's stdin, stdout and stderr, and waits; its status.
Result<int> run_inherited(const std::vector<std::string>& argv, ChildEnv env);

}  // namespace vaultx::git
