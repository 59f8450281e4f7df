#include <vaultx/store/store.hpp>

#include <algorithm>

#include <vaultx/crypto/aead.hpp>
#include <vaultx/crypto/sign.hpp>
#include <vaultx/format/conflict.hpp>
#include <vaultx/format/encoding.hpp>
#include <vaultx/format/names.hpp>
#include <vaultx/store/fs.hpp>

#include "secret_io.hpp"

namespace vaultx::store {

Error with_file_context(Error e, const fs::path& path) {
  if (e.code == Errc::integrity) {
    e.message = "secret file " + path.string() + " is corrupt or was tampered with (" + e.message + ")";
    if (e.hint.empty()) {
      e.hint = "restore it from a backup or from git history, or remove the secret and set it again";
    }
  }
  return e;
}

Error conflict_error(const fs::path& path, const std::optional<std::string>& name) {
  const std::string who = name ? "'" + *name + "' (" + path.string() + ")" : path.string();
  return Error(Errc::integrity,
               "secret file " + who + " has git conflict markers: both sides of a merge changed this secret",
               "keep one side with 'vaultx resolve " + (name ? *name : std::string("NAME")) +
                   " --ours' or '--theirs' (the version becomes one more than both)");
}

Error secret_read_error(Error e, std::string_view name, const Store& store, const std::string& not_found_hint) {
  if (e.code == Errc::not_found) {
    return Error(Errc::not_found, "no secret named '" + std::string(name) + "' in " + store.paths().root.string(),
                 not_found_hint);
  }
  e.message = "secret '" + std::string(name) + "': " + e.message;
  return e;
}

Result<format::SecretFile> load_secret_file(const Store& store, const fs::path& path, const format::FileId& expected_id,
                                            const std::function<std::optional<std::string>(std::string_view)>& namer) {
  VAULTX_ASSIGN(auto text, read_file(path, format::kMaxSecretFileBytes));
  auto file = format::decode_secret_file(text);
  if (!file && format::has_conflict_markers(text)) return conflict_error(path, namer(text));
  if (!file) return with_file_context(std::move(file).error(), path);
  if (file->store_id != store.header().store_id) {
    return with_file_context(Error(Errc::integrity, "it belongs to another store"), path);
  }
  if (file->file_id != expected_id) {
    return with_file_context(Error(Errc::integrity, "its id does not match its file name: moved or swapped"), path);
  }
  return file;
}

std::optional<format::FileId> file_id_of_path(std::string_view file_name) {
  if (file_name.starts_with(".") || !file_name.ends_with(kSecretSuffix)) return std::nullopt;
  const auto raw = format::hex_decode(file_name.substr(0, file_name.size() - kSecretSuffix.size()));
  if (!raw || raw->size() != format::kIdBytes) return std::nullopt;
  format::FileId id{};
  std::copy(raw->begin(), raw->end(), id.begin());
  return id;
}

namespace {
constexpr std::size_t kMaxHeaderBytes = format::kMaxKeyFileBytes;

format::StoreId random_store_id() {
  format::StoreId id{};
  crypto::random_fill(id);
  return id;
}
}  // namespace

fs::path StorePaths::key_file(std::string_view recipient) const {
  return keys_dir() / (std::string(recipient) + std::string(kKeySuffix));
}

fs::path StorePaths::removed_key_file(std::string_view recipient) const {
  return removed_dir() / (std::string(recipient) + std::string(kKeySuffix));
}

fs::path StorePaths::secret_file(const format::FileId& id) const {
  return secrets_dir() / (format::hex_encode(id) + std::string(kSecretSuffix));
}

fs::path StorePaths::scope_key_file(const format::ScopeId& id) const {
  return scopes_dir() / (format::hex_encode(id) + std::string(kKeySuffix));
}

fs::path StorePaths::rekey_record(std::uint64_t number) const {
  return rekey_dir() / (std::to_string(number) + ".record");
}

secure::SecretBytes derive_subkey(ByteView master_key, std::string_view purpose) {
  const std::string context = "vaultx subkey v1 " + std::string(purpose);
  secure::SecretBytes key(crypto::kKeyBytes);
  crypto::keyed_hash_into(master_key, as_bytes(context), key.span());
  return key;
}

crypto::SigningKey signing_key_of(ByteView master_key) {
  secure::SecretBytes seed(crypto::kSignSeedBytes);
  crypto::keyed_hash_into(master_key, as_bytes(std::string_view("vaultx signing seed v1")), seed.span());
  return crypto::signing_key_from_seed(seed.span());
}

format::Commitment commitment_of(ByteView master_key) { return signing_key_of(master_key).public_key; }

secure::SecretBytes generate_value(std::size_t length) {
  return crypto::random_string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);
}

bool name_has_prefix(std::string_view name, std::string_view prefix) {
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix.empty()) return true;
  return name == prefix || (name.size() > prefix.size() && name.starts_with(prefix) && name[prefix.size()] == '/');
}

Result<secure::SecretBytes> derive_passphrase_kek(const secure::SecretBytes& passphrase,
                                                  const crypto::KdfParams& kdf, ByteView salt) {
  auto kek = crypto::argon2id(passphrase.span(), salt, kdf, crypto::kKeyBytes);
  if (!kek) {
    return Error(Errc::failure, "Argon2id failed (m=" + std::to_string(kdf.memory_kib) + " KiB): not enough memory?",
                 "free memory, or lower the cost with 'vaultx passwd --kdf-memory'");
  }
  return std::move(*kek);
}

// ---------------------------------------------------------------- Store

Result<Store> Store::open(const fs::path& root) {
  StorePaths paths{root};
  auto text = read_file(paths.header(), kMaxHeaderBytes);
  if (!text) {
    if (text.error().code == Errc::not_found) {
      return Error(Errc::not_found, "no vaultx store at " + root.string(),
                   "create one with 'vaultx init', or point --store or VAULTX_STORE at an existing one");
    }
    return std::move(text).error();
  }
  auto header = format::decode_store_header(*text);
  if (!header) {
    return Error(Errc::integrity, "store header " + paths.header().string() + " is corrupt (" +
                                      header.error().message + ")");
  }
  return Store(std::move(paths), std::move(*header));
}

Status Store::create(const fs::path& root, const secure::SecretBytes& passphrase, const crypto::KdfParams& kdf) {
  StorePaths paths{root};
  std::error_code ec;
  if (fs::exists(paths.header(), ec)) {
    return Error(Errc::exists, "a vaultx store already exists at " + root.string(),
                 "use it as it is, or choose another directory with --store");
  }
  if (crypto::check_kdf_bounds(kdf) != crypto::KdfBound::ok) {
    return Error(Errc::usage, "KDF parameters out of range",
                 "--kdf-memory 8M..4G, --kdf-time 1..16, --kdf-parallelism 1..16");
  }
  VAULTX_TRY(ensure_private_directory(root));
  // Two concurrent inits must not interleave their key file and header.
  VAULTX_ASSIGN(auto lock, DirectoryLock::acquire(root));
  if (fs::exists(paths.header(), ec)) {
    return Error(Errc::exists, "a vaultx store already exists at " + root.string(),
                 "use it as it is, or choose another directory with --store");
  }
  VAULTX_ASSIGN(auto existing, list_directory(paths.secrets_dir()));
  if (std::any_of(existing.begin(), existing.end(), [](const std::string& n) { return !n.starts_with("."); })) {
    return Error(Errc::exists, root.string() + " already holds secret files but no store header",
                 "restore " + paths.header().string() + " from a backup, or init in an empty directory");
  }
  VAULTX_TRY(ensure_private_directory(paths.keys_dir()));
  VAULTX_TRY(ensure_private_directory(paths.secrets_dir()));

  const secure::SecretBytes master_key = crypto::random_key();
  const secure::SecretBytes index_key = crypto::random_key();
  format::StoreHeader header;
  header.store_id = random_store_id();
  header.created = format::now_utc();
  format::seal_index_key(header, master_key.span(), index_key.span(), crypto::random_nonce());

  format::KeyFile key;
  key.store_id = header.store_id;
  key.recipient = std::string(format::kPassphraseRecipient);
  key.type = format::RecipientType::passphrase;
  key.kdf = kdf;
  crypto::random_fill(key.salt);
  VAULTX_ASSIGN(auto kek, derive_passphrase_kek(passphrase, kdf, key.salt));
  format::wrap_master_key(key, kek.span(), master_key.span(), crypto::random_nonce());
  format::endorse(key, derive_subkey(master_key.span(), "recipients").span());

  // The header goes last: its presence marks a complete store.
  VAULTX_TRY(write_file_atomic(paths.key_file(key.recipient), format::encode_key_file(key)));
  return write_file_atomic(paths.header(), format::encode_store_header(header));
}

void Store::track_versions(const fs::path& state_dir) {
  versions_ = std::make_shared<VersionLedger>(state_dir, header_.store_id);
}

Result<format::KeyFile> Store::read_key_file(std::string_view recipient) const {
  return read_key_file_at(paths_.key_file(recipient), recipient);
}

Result<format::KeyFile> Store::read_key_file_at(const fs::path& path, std::string_view recipient) const {
  auto text = read_file(path, format::kMaxKeyFileBytes);
  if (!text) {
    if (text.error().code == Errc::not_found) {
      return Error(Errc::unlock, "the store has no " + std::string(recipient) + " recipient (" + path.string() + ")",
                   "unlock with an identity (VAULTX_IDENTITY_FILE) or a running agent (VAULTX_AGENT_SOCK)");
    }
    return std::move(text).error();
  }
  auto key = format::decode_key_file(*text);
  if (!key) {
    if (format::has_conflict_markers(*text)) {
      return Error(Errc::integrity, "key file " + path.string() + " has git conflict markers: two clones changed "
                                    "recipient '" + std::string(recipient) + "'",
                   "keep one side with 'vaultx git checkout --ours -- " + fs::relative(path, paths_.root).string() +
                       "' (or --theirs), then 'vaultx git add' it");
    }
    return Error(Errc::integrity, "key file " + path.string() + " is corrupt or was tampered with (" +
                                      key.error().message + ")",
                 "restore it from a backup or from git history");
  }
  if (key->store_id != header_.store_id || key->recipient != recipient) {
    return Error(Errc::integrity, "key file " + path.string() + " belongs to another store or recipient",
                 "restore it from a backup or from git history");
  }
  return key;
}

Result<crypto::KdfParams> Store::passphrase_kdf() const {
  VAULTX_ASSIGN(auto key, read_key_file(format::kPassphraseRecipient));
  return key.kdf;
}

Result<Vault> Store::unlock_with_passphrase(const secure::SecretBytes& passphrase) const {
  VAULTX_ASSIGN(auto key, read_key_file(format::kPassphraseRecipient));
  VAULTX_ASSIGN(auto kek, derive_passphrase_kek(passphrase, key.kdf, key.salt));
  auto master_key = format::unwrap_master_key(key, kek.span());
  if (!master_key) {
    return Error(Errc::unlock, "wrong passphrase for the store at " + paths_.root.string(),
                 "check VAULTX_PASSPHRASE_FILE / VAULTX_PASSPHRASE, or type it again");
  }
  return vault_for(std::move(*master_key));
}

Result<Vault> Store::vault_for(secure::SecretBytes master_key) const {
  auto index_key = format::open_index_key(header_, master_key.span());
  if (!index_key) {
    return Error(Errc::integrity, "store header " + paths_.header().string() + " does not match its master key",
                 "the header or a key file was replaced; restore them from a backup or from git history");
  }
  return Vault(*this, std::move(master_key), std::move(*index_key));
}

// ---------------------------------------------------------------- Vault

secure::SecretBytes Vault::derive_subkey(std::string_view purpose) const {
  return store::derive_subkey(master_key_.span(), purpose);
}

format::Commitment Vault::commitment() const { return commitment_of(master_key_.span()); }

format::FileId Vault::file_id(std::string_view name) const { return format::file_id_for(index_key_.span(), name); }

bool Vault::contains(std::string_view name) const {
  std::error_code ec;
  return fs::exists(store_.paths().secret_file(file_id(name)), ec);
}

Result<format::SecretFile> Vault::read_secret_file(const fs::path& path, const format::FileId& expected_id) const {
  return load_secret_file(store_, path, expected_id, [this, &path](std::string_view text) -> std::optional<std::string> {
    auto name = name_in_conflict(path, text);
    if (!name) return std::nullopt;
    return *name;
  });
}

Result<Secret> Vault::open_secret(const format::SecretFile& file, std::string_view expected_name,
                                  bool with_value) const {
  const fs::path path = store_.paths().secret_file(file.file_id);
  auto data_key = format::unwrap_data_key(file, format::kMasterHolder, master_key_.span());
  if (!data_key) return with_file_context(Error(Errc::integrity, data_key.error().message), path);
  auto name = format::open_secret_name(file, data_key->span());
  if (!name) return with_file_context(std::move(name).error(), path);
  if (file_id(*name) != file.file_id || (!expected_name.empty() && *name != expected_name)) {
    return with_file_context(Error(Errc::integrity, "the name inside does not match its file name"), path);
  }
  Secret secret{std::move(*name), file.meta, {}};
  if (with_value) {
    auto value = format::open_secret_value(file, data_key->span());
    if (!value) return with_file_context(std::move(value).error(), path);
    secret.value = std::move(*value);
  }
  return secret;
}

Status Vault::check_version(const format::SecretFile& file) const {
  if (!store_.versions_) return {};
  return store_.versions_->check(file.file_id, file.meta, store_.paths().secret_file(file.file_id));
}

void Vault::save_versions() const {
  // A state dir that cannot be written only stops the marks from rising; the
  // command itself succeeded and must not be failed by its bookkeeping.
  if (store_.versions_) (void)store_.versions_->flush();
}

Result<Secret> Vault::get(std::string_view name) const {
  VAULTX_TRY(format::validate_secret_name(name));
  if (store_.versions_) store_.versions_->snapshot();  // before the file: see VersionLedger::snapshot
  const format::FileId id = file_id(name);
  const fs::path path = store_.paths().secret_file(id);
  auto file = read_secret_file(path, id);
  if (!file) return secret_read_error(std::move(file).error(), name, store_, "list the stored names with 'vaultx ls'");
  auto secret = open_secret(*file, name, true);
  Status fresh = secret ? check_version(*file) : Status{};
  if (!secret || !fresh) {
    Error e = secret ? std::move(fresh).error() : std::move(secret).error();
    e.message = "secret '" + std::string(name) + "': " + e.message;
    return e;
  }
  save_versions();
  return secret;
}

namespace {
// A file whose ctime is this close to the start of a listing could still be
// changed again without its stamp changing (within one tick of the clock the
// kernel stamps files with, or one second on file systems with whole-second
// times): it is cached only once it is older.
constexpr std::int64_t kSettleNs = 2'000'000'000;
// 100,000 secrets with long names (the plaintext's own bound, plus the header).
constexpr std::size_t kMaxListingCacheBytes = 65 * 1024 * 1024;
constexpr std::string_view kListingCachePurpose = "listing cache";
}  // namespace

void Store::cache_listings(const fs::path& state_dir) {
  listing_cache_file_ = state_dir / "listings" / (format::hex_encode(header_.store_id) + ".listing");
}

std::optional<format::ListingCache> Vault::load_listing_cache() const {
  const auto& file = store_.listing_cache_file();
  if (!file) return std::nullopt;
  auto text = MappedFile::open(*file, kMaxListingCacheBytes);
  if (!text) return std::nullopt;
  // A cache sealed under a previous master key (before a rekey), or damaged,
  // is only slower: the listing authenticates every file and writes a new one.
  auto cache =
      format::open_listing_cache(derive_subkey(kListingCachePurpose).span(), store_.header().store_id, text->text());
  if (!cache) return std::nullopt;
  return std::move(*cache);
}

void Vault::save_listing_cache(const format::ListingCache& cache) const {
  const auto& file = store_.listing_cache_file();
  if (!file) return;
  // Like the version ledger: a state dir that cannot be written costs speed,
  // and must not fail a listing that succeeded.
  if (!ensure_private_directory(file->parent_path())) return;
  (void)write_cache_file(*file, format::seal_listing_cache(derive_subkey(kListingCachePurpose).span(),
                                                            store_.header().store_id, cache, crypto::random_nonce()));
}

Result<std::optional<Entry>> Vault::list_one(const fs::path& dir, std::string_view file_name,
                                             const format::ListingCache* cached, std::int64_t settled_before,
                                             format::SecretFileOpener& opener, Listing& listing,
                                             format::ListingCache& fresh) const {
  const fs::path path = dir / file_name;
  const auto id = file_id_of_path(file_name);
  if (!id) return with_file_context(Error(Errc::integrity, "its name is not a file id"), path);
  VAULTX_ASSIGN(auto stamp, file_stamp(path));
  if (!stamp) return std::optional<Entry>{};  // removed by a writer since we listed the directory
  if (const auto* hit = cached ? cached->find(*id) : nullptr; hit && hit->stamp == *stamp) {
    if (store_.versions_) VAULTX_TRY(store_.versions_->check(*id, hit->meta, path));
    fresh.files.push_back(*hit);
    ++listing.from_cache;
    return std::optional<Entry>(Entry{hit->name, hit->meta});
  }
  auto file = read_secret_file(path, *id);
  if (!file) {
    if (file.error().code == Errc::not_found) return std::optional<Entry>{};
    return std::move(file).error();
  }
  // The value is authenticated too (and dropped at once), so that ls reports
  // a tampered value as the damage it is instead of listing it as healthy.
  auto name = opener.authenticate(*file, format::kMasterHolder, master_key_.span());
  if (name && file_id(*name) != file->file_id) {
    name = Error(Errc::integrity, "the name inside does not match its file name");
  }
  if (!name) return with_file_context(std::move(name).error(), path);
  VAULTX_TRY(check_version(*file));
  if (stamp->ctime_ns < settled_before) fresh.files.push_back(format::ListedFile{*id, *stamp, *name, file->meta});
  return std::optional<Entry>(Entry{std::move(*name), file->meta});
}

Result<Listing> Vault::list(std::string_view prefix) const {
  // The ledger first, then the directory and the cache: a writer raises a
  // file's version before the ledger's, so marks read before are never newer
  // than what the files (or a cache still matching them) hold.
  if (store_.versions_) store_.versions_->preload();
  const fs::path dir = store_.paths().secrets_dir();
  const std::int64_t settled_before = file_clock_now_ns() - kSettleNs;
  const auto cached = load_listing_cache();
  VAULTX_ASSIGN(auto dir_stamp, file_stamp(dir));
  if (dir_stamp) dir_stamp->size = 0;  // a directory's size says nothing its times do not
  Listing listing;
  format::ListingCache fresh;
  bool cache_changed = !cached;
  if (cached && dir_stamp && cached->directory == *dir_stamp) {
    // No file was added, removed or replaced (writers rename) since a listing
    // that authenticated every one of them.
    listing.entries.reserve(cached->files.size());
    for (const auto& f : cached->files) {
      if (auto fresh_version = store_.versions_ ? store_.versions_->check(f.id, f.meta, store_.paths().secret_file(f.id))
                                                : Status{};
          !fresh_version) {
        listing.problems.push_back(std::move(fresh_version).error());
        continue;
      }
      listing.entries.push_back(Entry{f.name, f.meta});
    }
    listing.from_cache = listing.entries.size();
  } else {
    VAULTX_ASSIGN(auto names, list_directory(dir));
    listing.entries.reserve(names.size());
    fresh.files.reserve(names.size());
    std::size_t secret_files = 0;
    format::SecretFileOpener opener;
    for (const auto& file_name : names) {
      if (file_name.starts_with(".") || !file_name.ends_with(kSecretSuffix)) continue;
      ++secret_files;
      auto entry = list_one(dir, file_name, cached ? &*cached : nullptr, settled_before, opener, listing, fresh);
      if (!entry) {
        listing.problems.push_back(std::move(entry).error());
      } else if (*entry) {
        listing.entries.push_back(std::move(**entry));
      }
    }
    std::sort(fresh.files.begin(), fresh.files.end(),
              [](const format::ListedFile& a, const format::ListedFile& b) { return a.id < b.id; });
    // The next listing may skip the directory only if this one cached every file.
    if (dir_stamp && dir_stamp->ctime_ns < settled_before && listing.problems.empty() &&
        fresh.files.size() == secret_files) {
      fresh.directory = *dir_stamp;
    }
    cache_changed = cache_changed || fresh != *cached;
  }
  std::erase_if(listing.entries, [&](const Entry& e) { return !name_has_prefix(e.name, prefix); });
  std::sort(listing.entries.begin(), listing.entries.end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });
  save_versions();
  if (cache_changed) save_listing_cache(fresh);
  return listing;
}

Status Vault::write_secret(std::string_view name, const format::SecretMetadata& meta, ByteView value) {
  const format::FileId id = file_id(name);
  VAULTX_ASSIGN(auto holders, holders_for(name));
  const auto randomness = format::SealRandomness::fresh();
  auto file = format::seal_secret(master_key_.span(), store_.header().store_id, id, meta, name, value, randomness);
  if (holders.size() > 1) format::set_key_wraps(file, randomness.data_key.span(), std::move(holders));
  // A fresh git clone has no secrets/ until a secret is committed (git keeps no empty directories).
  VAULTX_TRY(ensure_private_directory(store_.paths().secrets_dir()));
  VAULTX_TRY(write_file_atomic(store_.paths().secret_file(id), format::encode_secret_file(file)));
  if (store_.versions_) store_.versions_->record(id, meta);
  return {};
}

void Vault::remove_stale_secret_temporaries() {
  if (temporaries_removed_) return;
  remove_stale_temporaries(store_.paths().secrets_dir());
  temporaries_removed_ = true;
}

Result<PutOutcome> Vault::put(std::string_view name, const secure::SecretBytes& value, const PutOptions& options) {
  VAULTX_TRY(format::validate_secret_name(name));
  if (value.size() > format::kMaxValueBytes) {
    return Error(Errc::usage, "the value for '" + std::string(name) + "' is " + std::to_string(value.size()) +
                                  " bytes; the limit is 1 MiB");
  }
  VAULTX_ASSIGN(auto lock, DirectoryLock::acquire(store_.paths().root));
  remove_stale_secret_temporaries();

  auto current = get(name);
  if (!current && current.error().code != Errc::not_found) return std::move(current).error();
  const auto now = format::now_utc();
  PutOutcome out;
  if (!current) {
    if (options.must_exist) return std::move(current).error();
    out.result = PutResult::created;
    out.meta = format::SecretMetadata{1, now, now, options.expires.value_or(std::nullopt)};
  } else {
    if (options.must_not_exist) {
      return Error(Errc::exists, "a secret named '" + std::string(name) + "' already exists",
                   "use 'vaultx rotate' to change its value, or 'vaultx rm' it first");
    }
    const bool value_changed = !current->value.equals(value);
    if (!value_changed && options.must_change) {
      return Error(Errc::failure, "the new value of '" + std::string(name) + "' is the same as the current one",
                   "a rotation needs a new credential; try --generate");
    }
    out.meta = current->meta;
    if (value_changed) {
      out.result = PutResult::rotated;
      out.meta.rotated = std::max(now, out.meta.created);
      out.meta.expires = options.expires.value_or(std::nullopt);
    } else if (options.expires && *options.expires != out.meta.expires) {
      out.result = PutResult::metadata_updated;
      out.meta.expires = *options.expires;
    } else {
      out.result = PutResult::unchanged;
      return out;
    }
    ++out.meta.version;
  }
  VAULTX_TRY(write_secret(name, out.meta, value.span()));
  save_versions();
  return out;
}

Status Vault::remove(std::string_view name) {
  VAULTX_TRY(format::validate_secret_name(name));
  VAULTX_ASSIGN(auto lock, DirectoryLock::acquire(store_.paths().root));
  const format::FileId id = file_id(name);
  auto st = remove_file_durable(store_.paths().secret_file(id));
  if (!st && st.error().code == Errc::not_found) {
    return Error(Errc::not_found, "no secret named '" + std::string(name) + "' in " + store_.paths().root.string(),
                 "list the stored names with 'vaultx ls'");
  }
  if (st && store_.versions_) {
    store_.versions_->forget(id);
    save_versions();
  }
  return st;
}

Status Vault::rename(std::string_view from, std::string_view to, bool overwrite) {
  VAULTX_TRY(format::validate_secret_name(from));
  VAULTX_TRY(format::validate_secret_name(to));
  VAULTX_ASSIGN(auto lock, DirectoryLock::acquire(store_.paths().root));
  VAULTX_ASSIGN(auto secret, get(from));
  if (from == to) return {};
  if (!overwrite && contains(to)) {
    return Error(Errc::exists, "a secret named '" + std::string(to) + "' already exists",
                 "remove it first, or pass --force to replace it");
  }
  // Write the new name before removing the old one: a crash in between
  // leaves both, never neither.
  VAULTX_TRY(write_secret(to, secret.meta, secret.value.span()));
  VAULTX_TRY(remove_file_durable(store_.paths().secret_file(file_id(from))));
  if (store_.versions_) store_.versions_->forget(file_id(from));
  save_versions();
  return {};
}

Status Vault::change_passphrase(const secure::SecretBytes& passphrase, const crypto::KdfParams& kdf) {
  if (crypto::check_kdf_bounds(kdf) != crypto::KdfBound::ok) {
    return Error(Errc::usage, "KDF parameters out of range",
                 "--kdf-memory 8M..4G, --kdf-time 1..16, --kdf-parallelism 1..16");
  }
  VAULTX_ASSIGN(auto lock, DirectoryLock::acquire(store_.paths().root));
  remove_stale_temporaries(store_.paths().keys_dir());
  format::KeyFile key;
  key.store_id = store_.header().store_id;
  key.recipient = std::string(format::kPassphraseRecipient);
  key.type = format::RecipientType::passphrase;
  key.kdf = kdf;
  crypto::random_fill(key.salt);
  VAULTX_ASSIGN(auto kek, derive_passphrase_kek(passphrase, kdf, key.salt));
  format::wrap_master_key(key, kek.span(), master_key_.span(), crypto::random_nonce());
  return write_key_file(std::move(key));
}

}  // namespace vaultx::store
