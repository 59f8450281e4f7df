#include <vaultx/store/trust.hpp>

#include <sodium.h>

#include <vaultx/format/encoding.hpp>
#include <vaultx/store/fs.hpp>

namespace vaultx::store {

namespace {
constexpr std::size_t kMaxPinBytes = 1024;

bool same(const format::Commitment& a, const format::Commitment& b) {
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Status write_pin(const fs::path& path, std::string_view text) {
  VAULTX_TRY(ensure_private_directory(path.parent_path()));
  return write_file_atomic(path, text);
}

fs::path canonical_or_absolute(const fs::path& p) {
  std::error_code ec;
  auto c = fs::weakly_canonical(p, ec);
  return ec ? fs::absolute(p) : c;
}
}  // namespace

fs::path TrustStore::master_pin_path(const format::StoreId& id) const {
  return pins_dir_ / (format::hex_encode(id) + ".master");
}

fs::path TrustStore::location_pin_path(const fs::path& store_root) const {
  const std::string path = canonical_or_absolute(store_root).string();
  const std::string_view key = "vaultx location pin v1";
  const Bytes h = crypto::keyed_hash(as_bytes(key), as_bytes(path), 16);
  return pins_dir_ / ("location-" + format::hex_encode(h) + ".store");
}

Status TrustStore::check_location(const Store& store) const {
  const fs::path pin = location_pin_path(store.paths().root);
  auto text = read_file(pin, kMaxPinBytes);
  if (!text) {
    if (text.error().code != Errc::not_found) return std::move(text).error();
    return record_location(store);
  }
  auto id = format::decode_location_pin(*text);
  if (!id) return Error(Errc::integrity, "pin file " + pin.string() + " is corrupt", "remove it to pin again");
  if (*id == store.header().store_id) return {};
  return Error(Errc::integrity,
               "the store at " + store.paths().root.string() + " is not the one this machine knew there: its id changed "
               "from " + format::hex_encode(*id) + " to " + format::hex_encode(store.header().store_id) +
                   " (its header and keys were replaced?)",
               "restore vaultx-store and keys/ from git history; if you re-created the store on purpose, remove " +
                   pin.string());
}

Status TrustStore::record_location(const Store& store) const {
  return write_pin(location_pin_path(store.paths().root), format::encode_location_pin(store.header().store_id));
}

Status TrustStore::pin_master(const Vault& vault) const {
  const format::MasterPin pin{vault.store().header().store_id, vault.commitment()};
  return write_pin(master_pin_path(pin.store_id), format::encode_master_pin(pin));
}

Status TrustStore::check_master(const Vault& vault) const {
  const Store& store = vault.store();
  const fs::path path = master_pin_path(store.header().store_id);
  auto text = read_file(path, kMaxPinBytes);
  if (!text) {
    if (text.error().code != Errc::not_found) return std::move(text).error();
    return pin_master(vault);  // first use on this machine
  }
  auto pin = format::decode_master_pin(*text);
  if (!pin || pin->store_id != store.header().store_id) {
    return Error(Errc::integrity, "pin file " + path.string() + " is corrupt", "remove it to pin the key again");
  }
  const format::Commitment current = vault.commitment();
  if (same(pin->commitment, current)) return {};
  // Follow the records from the pinned key: each must be signed by the key
  // before it. Records older than the pin (another old key) are skipped.
  VAULTX_ASSIGN(auto records, store.read_rekey_records());
  format::Commitment head = pin->commitment;
  for (const auto& record : records) {
    if (!same(record.old_commitment, head)) continue;
    if (!format::rekey_record_signature_valid(record)) {
      return Error(Errc::integrity,
                   "rekey record " + store.paths().rekey_record(record.number).string() +
                       " is not signed by the master key it claims to replace (forged?)",
                   "restore rekey/ and keys/ from git history");
    }
    head = record.new_commitment;
    if (same(head, current)) return pin_master(vault);
  }
  return Error(Errc::integrity,
               "the master key of the store at " + store.paths().root.string() +
                   " changed without a rekey endorsed by the previous key (substituted key?): the recipient files "
                   "and store header open a key this machine has never accepted",
               "restore vaultx-store, keys/ and rekey/ from git history; if a member did run 'vaultx rekey', pull "
               "its rekey record too. To trust the new key anyway, remove " + path.string());
}

}  // namespace vaultx::store
