// Accepting vaultx.toml on this machine, as `direnv allow` does. In a team
// store (more than one recipient) anyone with write access to the shared
// repository can edit vaultx.toml, and a scope's membership decides which
// secrets a scoped recipient and a scoped process get. So a changed file is
// not used until someone here reviews the membership diff and accepts it
// (`vaultx scope sync`, `vaultx config edit`); this machine keeps a copy of
// what it accepted in STATE/accepted/<store id>.toml. A single-user store
// reads vaultx.toml as it is.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <vaultx/config/config.hpp>
#include <vaultx/format/fields.hpp>

namespace vaultx::config {

namespace fs = std::filesystem;

// The scopes of `config` that a secret named `name` belongs to: those whose
// `secrets` patterns match it or whose `env` names it. Sorted.
std::vector<std::string> scopes_of(const Config& config, std::string_view name);

// vaultx.toml's bytes; an absent file reads as empty (no scopes).
Result<std::string> read_config_text(const fs::path& path);

class AcceptedConfig {
 public:
  AcceptedConfig(const fs::path& state_dir, const format::StoreId& store_id);

  // The text last accepted here; nullopt if none ever was.
  Result<std::optional<std::string>> load() const;
  Status accept(std::string_view text) const;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// True if `current` may not be used yet: it differs from what was accepted
// (nothing accepted counts as an empty file).
bool is_pending(const std::string& current, const std::optional<std::string>& accepted);

// vaultx.toml for commands that need it: in a team store, only if it is the
// accepted one (else Errc::usage saying it is pending and how to review it).
Result<Config> load_accepted_config(const fs::path& config_path, const AcceptedConfig& accepted, bool team);

// What accepting `after` in place of `before` changes, for people to review:
// per scope, the stored secrets that join or leave it and the changes to its
// patterns, env, allow_env and commands; and whether the policy changed.
struct ScopeChange {
  std::string scope;
  std::string status;  // "new", "removed" or "changed"
  std::vector<std::string> secrets_added;
  std::vector<std::string> secrets_removed;
  std::vector<std::string> details;  // "+ secrets \"x/*\"", "- env FOO = a", ...
};
std::vector<ScopeChange> diff_configs(const Config& before, const Config& after,
                                      const std::vector<std::string>& stored_names);
std::string render_changes(const std::vector<ScopeChange>& changes, bool policy_changed);
bool policy_changed(const Config& before, const Config& after);

}  // namespace vaultx::config
