// The secrets a set of scopes gives a process: resolved from vaultx.toml
// against the names in the vault, then decrypted.
#pragma once

#include <string>
#include <vector>

#include <vaultx/config/config.hpp>
#include <vaultx/error.hpp>
#include <vaultx/store/store.hpp>

namespace vaultx::exec {

struct ScopeSecret {
  std::string variable;
  std::string secret_name;
  format::SecretMetadata meta;
  secure::SecretBytes value;
};

// Names the scopes could refer to: the explicitly named secrets that exist,
// and, only if some pattern is a glob, every stored name. A scope without
// globs therefore costs one file read per secret, whatever the store's size.
Result<std::vector<std::string>> candidate_names(const store::SecretAccess& vault, const config::Config& config,
                                                 const std::vector<std::string>& scopes);

Result<std::vector<ScopeSecret>> load_scope_secrets(const store::SecretAccess& vault, const config::Config& config,
                                                    const std::vector<std::string>& scopes);

}  // namespace vaultx::exec
