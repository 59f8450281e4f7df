// The store on disk:
//
//   STORE/vaultx-store            store header: id, creation time, sealed index key
//   STORE/keys/<recipient>.key    the master key (or a scope bundle), wrapped once per recipient
//   STORE/secrets/<id>.secret     one file per secret; <id> is a keyed hash of its name
//   STORE/scopes/<id>.key         a scope's key under the master key (team stores with scoped recipients)
//   STORE/rekey/<n>.record        the chain of master keys, each endorsed by the one before
//   STORE/removed/<recipient>.key recipients removed since the last rekey
//   STORE/vaultx.toml             scopes and policy (optional, edited by people)
//
// Store opens a directory and reads its header; unlocking it with a key
// source gives a Vault, which holds the master key and reads and writes
// secrets, or (a scoped identity) a ScopedVault, which can read only the
// secrets of its scopes. Writers serialise on an flock of the store directory.
#pragma once

#include <filesystem>
#include <memory>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <vaultx/crypto/kdf.hpp>
#include <vaultx/crypto/sign.hpp>
#include <vaultx/crypto/x25519.hpp>
#include <vaultx/error.hpp>
#include <vaultx/format/key_file.hpp>
#include <vaultx/format/listing_cache.hpp>
#include <vaultx/format/rekey_record.hpp>
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
  [[nodiscard]] fs::path scopes_dir() const { return root / "scopes"; }
  [[nodiscard]] fs::path rekey_dir() const { return root / "rekey"; }
  [[nodiscard]] fs::path removed_dir() const { return root / "removed"; }
  [[nodiscard]] fs::path key_file(std::string_view recipient) const;
  [[nodiscard]] fs::path removed_key_file(std::string_view recipient) const;
  [[nodiscard]] fs::path secret_file(const format::FileId& id) const;
  [[nodiscard]] fs::path scope_key_file(const format::ScopeId& id) const;
  [[nodiscard]] fs::path rekey_record(std::uint64_t number) const;
};

constexpr std::string_view kSecretSuffix = ".secret";
constexpr std::string_view kKeySuffix = ".key";

class Vault;
class ScopedVault;
using IdentityUnlock = std::variant<Vault, ScopedVault>;

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
  // Finds the recipient file of the identity's public key: a full recipient
  // gives a Vault, a scoped one a ScopedVault. Errc::unlock if no recipient
  // has that public key or its file does not open with the identity.
  Result<IdentityUnlock> unlock_with_identity(const crypto::X25519Identity& identity) const;

  // Every recipient file in keys/, decoded and checked to belong to this
  // store and to its file name (Errc::integrity naming the file), by name.
  // Endorsements are not checked here: that needs the master key.
  Result<std::vector<format::KeyFile>> read_recipients() const;
  // The recipient files `recipients rm` moved to removed/ since the last rekey.
  Result<std::vector<format::KeyFile>> read_removed_recipients() const;
  // A team store has more than one recipient: its vaultx.toml must be
  // accepted on each machine before it is used.
  Result<bool> is_team() const;
  // Rekey records rekey/1.record, 2, ... in order, up to the first missing one.
  Result<std::vector<format::RekeyRecord>> read_rekey_records() const;

  // Detect rollbacks of secret files against this machine's version ledger in
  // `state_dir` (store/version_ledger.hpp). Without it nothing is checked.
  void track_versions(const fs::path& state_dir);
  // The ledger, or nullptr when versions are not tracked.
  [[nodiscard]] VersionLedger* versions() const { return versions_.get(); }
  // Keep what listings learn in `state_dir` (format/listing_cache.hpp), so
  // that a listing authenticates only the secret files changed since the
  // last one. Without it every listing authenticates every file.
  void cache_listings(const fs::path& state_dir);
  [[nodiscard]] const std::optional<fs::path>& listing_cache_file() const { return listing_cache_file_; }

 private:
  friend class Vault;
  Store(StorePaths paths, format::StoreHeader header) : paths_(std::move(paths)), header_(std::move(header)) {}
  Result<format::KeyFile> read_key_file(std::string_view recipient) const;
  Result<format::KeyFile> read_key_file_at(const fs::path& path, std::string_view recipient) const;
  Result<Vault> vault_for(secure::SecretBytes master_key) const;

  StorePaths paths_;
  format::StoreHeader header_;
  // Shared by the Vaults unlocked from this Store.
  std::shared_ptr<VersionLedger> versions_;
  std::optional<fs::path> listing_cache_file_;
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
  std::size_t from_cache = 0;  // entries taken from the listing cache, not authenticated again
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

// For each secret name, the scopes of the accepted vaultx.toml it belongs to
// (matched by a scope's `secrets` patterns or named in its `env`). The CLI
// provides it; the store layer knows nothing of vaultx.toml.
using ScopeMembership = std::function<Result<std::vector<std::string>>(std::string_view name)>;

// What one recipient removed since the last rekey could read.
struct RemovedRecipient {
  std::string name;
  format::RecipientType type = format::RecipientType::x25519;
  std::vector<std::string> scopes;
  std::vector<std::string> readable;  // secret names, sorted
};

struct RekeyOptions {
  // The passphrase of the passphrase recipient, if the store has one: its
  // key file is rewrapped under the same passphrase (checked first).
  const secure::SecretBytes* passphrase = nullptr;
  bool rotate_data_keys = false;  // re-encrypt every value under a fresh data key
};

struct RekeyReport {
  std::uint64_t record_number = 0;
  std::size_t secrets = 0;
  std::size_t recipients = 0;
  std::vector<RemovedRecipient> removed;
};

struct SyncReport {
  std::size_t secrets = 0;    // secret files looked at
  std::size_t rewrapped = 0;  // whose scope wraps changed
};

class Vault final : public SecretAccess {
 public:
  [[nodiscard]] const Store& store() const override { return store_; }
  // A 32-byte key for one purpose ("audit", ...), derived from the master key
  // so that it changes with it and reveals nothing about it.
  [[nodiscard]] secure::SecretBytes derive_subkey(std::string_view purpose) const;
  // The key commitment: the Ed25519 public key seeded from the master key.
  [[nodiscard]] format::Commitment commitment() const;

  Result<Secret> get(std::string_view name) const override;
  Result<Listing> list(std::string_view prefix) const override;
  [[nodiscard]] bool contains(std::string_view name) const override;

  Result<PutOutcome> put(std::string_view name, const secure::SecretBytes& value, const PutOptions& options) override;
  Status remove(std::string_view name) override;
  Status rename(std::string_view from, std::string_view to, bool overwrite) override;
  [[nodiscard]] std::optional<secure::SecretBytes> audit_key() const override { return derive_subkey("audit"); }
  // Rewraps the master key under a new passphrase; no secret file changes.
  Status change_passphrase(const secure::SecretBytes& passphrase, const crypto::KdfParams& kdf);

  // --- team stores

  // Checks everything that changes what a key unlocks: every file in keys/
  // carries a valid endorsement (x25519 files must; a passphrase file
  // written before endorsements existed may lack one), and every scope key
  // file opens with the master key. Errc::integrity naming the file and
  // saying it was not written by a holder of the master key.
  Status verify_key_set();
  // Writes then wrap each secret's data key for the scopes it belongs to
  // (only for scopes that have a key, i.e. a scoped recipient).
  void set_scope_membership(ScopeMembership membership) { membership_ = std::move(membership); }
  // True once some recipient is scoped: writes must then wrap for scopes.
  Result<bool> maintains_scope_wraps() const;

  // Adds an endorsed recipient file: full (no scopes) or scoped. Creates the
  // missing scope keys; the caller then runs sync_scope_wraps. Errc::exists
  // if the name or the public key is taken.
  Status add_recipient(std::string_view name, const crypto::PublicKey& public_key,
                       const std::vector<std::string>& scopes);
  // Moves keys/<name>.key to removed/ (reported by the next rekey).
  // Errc::failure if it is the last full recipient.
  Status remove_recipient(std::string_view name);
  // Rewrites the key lines of every secret whose scope wraps differ from
  // its membership. Values are not re-encrypted.
  Result<SyncReport> sync_scope_wraps();
  // New master key and scope keys, every wrap redone, removed recipients
  // dropped, the rekey record written. See docs/format.md.
  Result<RekeyReport> rekey(const RekeyOptions& options);
  // The audit keys of this store, oldest first, back through the rekey
  // records as far as they open; the last is audit_key().
  Result<std::vector<secure::SecretBytes>> audit_key_history() const;
  // The value's fingerprint shown by `vaultx git textconv`: 8 bytes of
  // BLAKE2b keyed with the "fingerprint" subkey, in hex.
  [[nodiscard]] std::string fingerprint(const secure::SecretBytes& value) const;
  // Opens a secret file's bytes (not necessarily the one on disk: an old
  // version from git); Errc::integrity if it does not authenticate.
  Result<Secret> open_secret_text(std::string_view text, bool with_value) const;
  // Writes `name` with the content of one side of a git conflict: both
  // sides must authenticate; the version becomes max(ours, theirs) + 1.
  Result<format::SecretMetadata> resolve_conflict(std::string_view name, std::string_view ours,
                                                  std::string_view theirs, bool take_ours);

 private:
  friend class Store;
  Vault(Store store, secure::SecretBytes master_key, secure::SecretBytes index_key)
      : store_(std::move(store)), master_key_(std::move(master_key)), index_key_(std::move(index_key)) {}

  [[nodiscard]] format::FileId file_id(std::string_view name) const;
  // Listing: the cache (if any, and if it opens), the full pass over secrets/
  // and its upkeep.
  [[nodiscard]] std::optional<format::ListingCache> load_listing_cache() const;
  // One file of a listing: from the cache if its stamp is unchanged, else
  // authenticated (and recorded in `fresh` once settled). nullopt if it
  // vanished since the directory was read.
  Result<std::optional<Entry>> list_one(const fs::path& dir, std::string_view file_name,
                                        const format::ListingCache* cached, std::int64_t settled_before,
                                        format::SecretFileOpener& opener, Listing& listing,
                                        format::ListingCache& fresh) const;
  void save_listing_cache(const format::ListingCache& cache) const;
  Result<format::SecretFile> read_secret_file(const fs::path& path, const format::FileId& expected_id) const;
  Result<Secret> open_secret(const format::SecretFile& file, std::string_view expected_name, bool with_value) const;
  Status write_secret(std::string_view name, const format::SecretMetadata& meta, ByteView value);
  // The rollback check of a file just opened, and the ledger's upkeep; no-ops
  // when the store is not tracked.
  Status check_version(const format::SecretFile& file) const;
  void save_versions() const;
  // The scope holders (and keys) a secret named `name` must be wrapped for.
  Result<std::vector<format::HolderKey>> holders_for(std::string_view name);
  Result<const std::map<format::ScopeId, secure::SecretBytes>*> scope_keys();
  Status write_key_file(format::KeyFile file);
  Result<format::ScopeId> ensure_scope_key(std::string_view scope);
  // The names of every secret, by file name (for rekey and sync).
  Result<std::vector<std::pair<fs::path, format::FileId>>> secret_paths() const;
  Result<std::string> name_in_conflict(const fs::path& path, std::string_view text) const;

  // Removes what crashed writers left in secrets/, once per Vault: listing
  // the directory on every put made a bulk import quadratic in the store.
  void remove_stale_secret_temporaries();

  Store store_;
  secure::SecretBytes master_key_;
  secure::SecretBytes index_key_;
  ScopeMembership membership_;
  std::optional<std::map<format::ScopeId, secure::SecretBytes>> scope_keys_;
  bool temporaries_removed_ = false;
};

// A scoped identity's view of the store: the index key (to find files by
// name) and the keys of its scopes. It reads only secrets that carry a wrap
// for one of them; every other secret is refused with Errc::unlock, and it
// could not open one anyway. It never writes.
class ScopedVault final : public SecretAccess {
 public:
  [[nodiscard]] const Store& store() const override { return store_; }
  Result<Secret> get(std::string_view name) const override;
  Result<Listing> list(std::string_view prefix) const override;
  [[nodiscard]] bool contains(std::string_view name) const override;
  Result<PutOutcome> put(std::string_view name, const secure::SecretBytes& value, const PutOptions& options) override;
  Status remove(std::string_view name) override;
  Status rename(std::string_view from, std::string_view to, bool overwrite) override;
  [[nodiscard]] std::optional<secure::SecretBytes> audit_key() const override { return std::nullopt; }

  [[nodiscard]] const std::string& recipient() const { return recipient_; }
  [[nodiscard]] std::vector<std::string> scope_names() const;
  // The name inside a secret file's bytes (an old version from git), if the
  // file carries a wrap for one of this identity's scopes: Errc::unlock if
  // not, Errc::integrity if it does not authenticate. Never the value: the
  // git diff driver shows a scoped identity names only, no fingerprint.
  Result<std::string> open_name_text(std::string_view text) const;

 private:
  friend class Store;
  struct Scope {
    std::string name;
    std::string holder;
    secure::SecretBytes key;
  };
  ScopedVault(Store store, std::string recipient, secure::SecretBytes index_key, std::vector<Scope> scopes)
      : store_(std::move(store)), recipient_(std::move(recipient)), index_key_(std::move(index_key)),
        scopes_(std::move(scopes)) {}
  [[nodiscard]] const Scope* scope_for(const format::SecretFile& file) const;
  [[nodiscard]] Error write_refused() const;

  Store store_;
  std::string recipient_;
  secure::SecretBytes index_key_;
  std::vector<Scope> scopes_;
};

// The master key's derived keys, for code that holds the master key but no
// Vault yet (store creation).
secure::SecretBytes derive_subkey(ByteView master_key, std::string_view purpose);
format::Commitment commitment_of(ByteView master_key);
crypto::SigningKey signing_key_of(ByteView master_key);

// Derives the key-encryption key of a passphrase recipient (Argon2id, 32 bytes).
Result<secure::SecretBytes> derive_passphrase_kek(const secure::SecretBytes& passphrase,
                                                  const crypto::KdfParams& kdf, ByteView salt);

// A generated value for --generate: `length` characters drawn uniformly from
// A-Z a-z 0-9 (5.95 bits each), safe in URLs, shells and config files.
secure::SecretBytes generate_value(std::size_t length);

// True if `name` is `prefix` or lies under it ("a/b" is under "a" and "a/").
bool name_has_prefix(std::string_view name, std::string_view prefix);

}  // namespace vaultx::store
