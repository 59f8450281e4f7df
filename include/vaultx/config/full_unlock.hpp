// What a full unlock (the master key in this process) must pass before the key
// is used, shared by the CLI and the agent so that neither path is weaker:
// the store is the one this machine knows at that path, every recipient and
// scope key file is endorsed, and the master key is the pinned one or is
// reached from it through signed rekey records. Then the vault learns which
// scopes each name belongs to (the accepted vaultx.toml), which its writes
// need to wrap data keys for scoped recipients.
#pragma once

#include <filesystem>

#include <vaultx/config/config.hpp>
#include <vaultx/error.hpp>
#include <vaultx/store/store.hpp>

namespace vaultx::config {

// vaultx.toml as commands may use it: in a team store only the copy accepted
// on this machine (else Errc::usage: pending), in a single-user store as it is.
Result<Config> load_store_config(const store::Store& store, const std::filesystem::path& state_dir);

Status accept_full_unlock(store::Vault& vault, const std::filesystem::path& state_dir);

}  // namespace vaultx::config
