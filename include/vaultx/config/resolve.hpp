// From scope names to the environment variables a child process receives.
#pragma once

#include <string>
#include <vector>

#include <vaultx/error.hpp>

namespace vaultx::config {

struct Config;

struct Injection {
  std::string variable;
  std::string secret;
};

// Resolves scopes against the names stored in the vault, returning the
// union of their injections sorted by variable (each (variable, secret) once).
//
// Per scope: every entry of `secrets` (names and globs) and every secret of
// `env` is injected. A glob matching nothing is fine; a named secret that is
// not stored is Errc::not_found "FILE:LINE: ...". A secret's variable is its
// explicit `env` name(s) if the scope maps it, else
// format::default_env_name(secret). Errc::usage "FILE:LINE: ..." for a
// variable that is not [A-Za-z_][A-Za-z0-9_]*, that is VAULTX_*, that is
// dangerous (is_dangerous_variable) and not in the scope's allow_env, or that
// two different secrets map to (within a scope or across scopes).
// Unknown scope: Errc::not_found naming it and listing the defined ones.
// Each scope is checked on its own, so allow_env of one scope never lets
// another scope set a dangerous variable.
Result<std::vector<Injection>> resolve_scopes(const Config& config, const std::vector<std::string>& scopes,
                                              const std::vector<std::string>& stored_names);

}  // namespace vaultx::config
