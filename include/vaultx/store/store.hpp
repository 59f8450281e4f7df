// The store on disk:
//
//   STORE/vaultx-store            store header: id, creation time, sealed index key
//   STORE/keys/<recipient>.key    the master key, wrapped once per recipient
//   STORE/secrets/<id>.secret     one file per secret; <id> is a keyed hash of its name
//   STORE/vaultx.toml             scopes and policy (optional, edited by people)
//
// Store opens a directory and reads its header; unlocking it with a key
// source gives a Vault, which holds the master key and reads and writes
// secrets. Writers serialise on an flock of the store directory.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <vaultx/crypto/kdf.hpp>
#include <vaultx/error.hpp>
#include <vaultx/format/key_file.hpp>
#include <vaultx/format/secret_file.hpp>
#include <vaultx/secure/secret_bytes.hpp>
#include <vaultx/store/version_ledger.hpp>

namespace vaultx::store {

namespace fs = std::filesystem;

struct StorePaths {
  fs::path root;

  [[nodiscard]] fs::path header() const { return root / "vaultx-store"; }
  [[nodiscard]] fs::path keys_dir() const { return root / "keys"; }
  [[nodiscard]] fs::path secrets_dir() const { return root / "secrets"; }
  [[nodiscard]] fs::path config() const { return root / "vaultx.toml"; }
  [[nodiscard]] fs::path key_file(std::string_view recipient) const;
  [[nodiscard]] fs::path secret_file(const format::FileId& id) const;
};

constexpr std::string_view kSecretSuffix = ".secret";
constexpr std::string_view kKeySuffix = ".key";

class Vault;

class Store {
 public:
  // Errc::not_found if there is no store at `root`.
  static Result<Store> open(const fs::path& root);
  // Creates a store with one passphrase recipient. Errc::exists if there is one.
  static Status create(const fs::path& root, const secure::SecretBytes& passphrase, const crypto::KdfParams& kdf);

  [[nodiscard]] const StorePaths& paths() const { return paths_; }
  [[nodiscard]] const format::StoreHeader& header() const { return header_; }

  // Errc::unlock on a wrong passphrase; Errc::integrity on a key file that
  // does not belong to this store or was tampered with.
  Result<Vault> unlock_with_passphrase(const secure::SecretBytes& passphrase) const;
  // The Argon2id parameters of the passphrase recipient.
  Result<crypto::KdfParams> passphrase_kdf() const;

  // Detect rollbacks of secret files against this machine's version ledger in
  // `state_dir` (store/version_ledger.hpp). Without it nothing is checked.
  void track_versions(const fs::path& state_dir);

 private:
  friend class Vault;
  Store(StorePaths paths, format::StoreHeader header) : paths_(std::move(paths)), header_(std::move(header)) {}
  Result<format::KeyFile> read_key_file(std::string_view recipient) const;

  StorePaths paths_;
  format::StoreHeader header_;
  // Shared by the Vaults unlocked from this Store.
  std::shared_ptr<VersionLedger> versions_;
};

struct Secret {
  std::string name;
  format::SecretMetadata meta;
  secure::SecretBytes value;
};

struct Entry {
  std::string name;
  format::SecretMetadata meta;
};

// What ls found: the readable entries, sorted by name, and one error per file
// that could not be read (each naming the file).
struct Listing {
  std::vector<Entry> entries;
  std::vector<Error> problems;
};

struct PutOptions {
  // Set (or, with std::nullopt inside, clear) the expiry. Absent: an unchanged
  // value keeps its expiry and a new value has none, since an expiry belongs
  // to the credential it was set for.
  std::optional<std::optional<format::UnixSeconds>> expires;
  bool must_exist = false;      // rotate: refuse to create
  bool must_change = false;     // rotate: refuse an identical value (Errc::failure), writing nothing
  bool must_not_exist = false;  // create only
};

enum class PutResult { created, rotated, unchanged, metadata_updated };

struct PutOutcome {
  PutResult result = PutResult::created;
  format::SecretMetadata meta;
};

// What a command can do with secrets once something has unlocked them. A
// local Vault (master key in this process) implements all of it; other
// unlock paths (a scoped identity, the agent) implement what they may.
class SecretAccess {
 public:
  SecretAccess() = default;
  SecretAccess(const SecretAccess&) = delete;
  SecretAccess& operator=(const SecretAccess&) = delete;
  SecretAccess(SecretAccess&&) = default;
  SecretAccess& operator=(SecretAccess&&) = default;
  virtual ~SecretAccess() = default;

  [[nodiscard]] virtual const Store& store() const = 0;
  virtual Result<Secret> get(std::string_view name) const = 0;
  virtual Result<Listing> list(std::string_view prefix) const = 0;
  [[nodiscard]] virtual bool contains(std::string_view name) const = 0;
  virtual Result<PutOutcome> put(std::string_view name, const secure::SecretBytes& value,
                                 const PutOptions& options) = 0;
  virtual Status remove(std::string_view name) = 0;
  virtual Status rename(std::string_view from, std::string_view to, bool overwrite) = 0;
  // The key that MACs audit records, if this access holds the master key.
  [[nodiscard]] virtual std::optional<secure::SecretBytes> audit_key() const = 0;
};

class Vault final : public SecretAccess {
 public:
  [[nodiscard]] const Store& store() const override { return store_; }
  // A 32-byte key for one purpose ("audit", ...), derived from the master key
  // so that it changes with it and reveals nothing about it.
  [[nodiscard]] secure::SecretBytes derive_subkey(std::string_view purpose) const;

  Result<Secret> get(std::string_view name) const override;
  Result<Listing> list(std::string_view prefix) const override;
  [[nodiscard]] bool contains(std::string_view name) const override;

  Result<PutOutcome> put(std::string_view name, const secure::SecretBytes& value, const PutOptions& options) override;
  Status remove(std::string_view name) override;
  Status rename(std::string_view from, std::string_view to, bool overwrite) override;
  [[nodiscard]] std::optional<secure::SecretBytes> audit_key() const override { return derive_subkey("audit"); }
  // Rewraps the master key under a new passphrase; no secret file changes.
  Status change_passphrase(const secure::SecretBytes& passphrase, const crypto::KdfParams& kdf);

 private:
  friend class Store;
  Vault(Store store, secure::SecretBytes master_key, secure::SecretBytes index_key)
      : store_(std::move(store)), master_key_(std::move(master_key)), index_key_(std::move(index_key)) {}

  [[nodiscard]] format::FileId file_id(std::string_view name) const;
  Result<format::SecretFile> read_secret_file(const fs::path& path, const format::FileId& expected_id) const;
  Result<Secret> open_secret(const format::SecretFile& file, std::string_view expected_name, bool with_value) const;
  Status write_secret(std::string_view name, const format::SecretMetadata& meta, ByteView value);
  // The rollback check of a file just opened, and the ledger's upkeep; no-ops
  // when the store is not tracked.
  Status check_version(const format::SecretFile& file) const;
  void save_versions() const;

  Store store_;
  secure::SecretBytes master_key_;
  secure::SecretBytes index_key_;
};

// Derives the key-encryption key of a passphrase recipient (Argon2id, 32 bytes).
Result<secure::SecretBytes> derive_passphrase_kek(const secure::SecretBytes& passphrase,
                                                  const crypto::KdfParams& kdf, ByteView salt);

// A generated value for --generate: `length` characters drawn uniformly from
// A-Z a-z 0-9 (5.95 bits each), safe in URLs, shells and config files.
secure::SecretBytes generate_value(std::size_t length);

// True if `name` is `prefix` or lies under it ("a/b" is under "a" and "a/").
bool name_has_prefix(std::string_view name, std::string_view prefix);

}  // namespace vaultx::store
