// What this machine trusts about a store, kept in the state directory:
//
//   STATE/pins/<store id>.master          the commitment of the master key
//                                         last accepted (pinned on first use)
//   STATE/pins/location-<hash>.store      the store id found at a path
//
// A master key is accepted if it is the pinned one, or if the store's rekey
// records form a chain from the pinned commitment to it, each signed by the
// key before; the pin then moves forward. Anything else is refused as a
// substituted key. The location pin catches a store whose header (and id)
// was replaced wholesale, which would otherwise look like a new store.
//
// Limits (docs/format.md): the first use trusts what it finds; someone who
// kept an old master key can forge a chain for a machine that has not yet
// seen the real rekey.
#pragma once

#include <filesystem>

#include <vaultx/format/trust.hpp>
#include <vaultx/store/store.hpp>

namespace vaultx::store {

class TrustStore {
 public:
  explicit TrustStore(fs::path state_dir) : pins_dir_(std::move(state_dir) / "pins") {}

  // Errc::integrity if the store at this path had another id before.
  // Records the id on first use.
  Status check_location(const Store& store) const;
  // Forgets what was at the path and records this store (vaultx init).
  Status record_location(const Store& store) const;
  // Checks the unlocked master key against the pin, following rekey records.
  Status check_master(const Vault& vault) const;
  // Pins the vault's current key (after a rekey made here).
  Status pin_master(const Vault& vault) const;

  [[nodiscard]] fs::path master_pin_path(const format::StoreId& id) const;
  [[nodiscard]] fs::path location_pin_path(const fs::path& store_root) const;

 private:
  fs::path pins_dir_;
};

}  // namespace vaultx::store
