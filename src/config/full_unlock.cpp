#include <vaultx/config/full_unlock.hpp>

#include <memory>
#include <optional>

#include <vaultx/config/acceptance.hpp>
#include <vaultx/store/trust.hpp>

namespace vaultx::config {

Result<Config> load_store_config(const store::Store& store, const std::filesystem::path& state_dir) {
  VAULTX_ASSIGN(const bool team, store.is_team());
  const AcceptedConfig accepted(state_dir, store.header().store_id);
  return load_accepted_config(store.paths().config(), accepted, team);
}

Status accept_full_unlock(store::Vault& vault, const std::filesystem::path& state_dir) {
  const store::TrustStore trust(state_dir);
  VAULTX_TRY(trust.check_location(vault.store()));
  VAULTX_TRY(vault.verify_key_set());
  VAULTX_TRY(trust.check_master(vault));
  // Loaded on the first write that needs it, once: most commands never write.
  auto cached = std::make_shared<std::optional<Config>>();
  const std::filesystem::path root = vault.store().paths().root;
  vault.set_scope_membership([cached, root, state_dir](std::string_view name) -> Result<std::vector<std::string>> {
    if (!*cached) {
      VAULTX_ASSIGN(auto store, store::Store::open(root));
      VAULTX_ASSIGN(auto config, load_store_config(store, state_dir));
      *cached = std::move(config);
    }
    return scopes_of(**cached, name);
  });
  return {};
}

}  // namespace vaultx::config
