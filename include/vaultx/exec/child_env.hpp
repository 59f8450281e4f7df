// The environment a child process receives from `vaultx exec`: the parent's
// environment minus every VAULTX_* variable (or, with --clean-env, only a few
// harmless ones), plus the scope's secrets. The strings holding secret values
// live in guarded memory; envp() points into it, ready for execve.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vaultx/error.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::exec {

struct InjectedVariable {
  std::string variable;
  std::string secret_name;
  const secure::SecretBytes* value = nullptr;  // owned by the caller; must outlive the environment
};

// Variables --clean-env keeps.
inline constexpr std::string_view kCleanEnvKeep[] = {"PATH", "HOME", "USER", "LANG", "TERM"};

class ChildEnvironment {
 public:
  // Errc::usage if a value contains a NUL byte (it cannot be an environment
  // value), naming the secret.
  static Result<ChildEnvironment> build(const char* const* parent_environ, bool clean_env,
                                        const std::vector<InjectedVariable>& injected);

  [[nodiscard]] char* const* envp() const { return pointers_.data(); }
  // A variable of the child's environment (for PATH lookup).
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  [[nodiscard]] std::size_t size() const { return pointers_.size() - 1; }

 private:
  secure::SecretBytes block_;      // "NAME=value\0" for every injected variable
  std::vector<char*> pointers_;    // NULL-terminated
};

bool is_vaultx_variable(std::string_view entry);

}  // namespace vaultx::exec
