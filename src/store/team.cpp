// Team stores: recipient files, identities, scope keys and scope wraps.
#include <vaultx/store/store.hpp>

#include <sodium.h>

#include <algorithm>
#include <set>

#include <vaultx/format/conflict.hpp>
#include <vaultx/format/encoding.hpp>
#include <vaultx/format/identity.hpp>
#include <vaultx/format/names.hpp>
#include <vaultx/format/scope_key.hpp>
#include <vaultx/store/fs.hpp>

#include "secret_io.hpp"

namespace vaultx::store {

namespace {

constexpr std::uint64_t kMaxRekeyRecords = 100000;

std::string rel_path(const fs::path& path, const fs::path& root) { return fs::relative(path, root).string(); }

bool is_full(const format::KeyFile& f) { return f.type != format::RecipientType::x25519_scoped; }

bool same_key(const crypto::PublicKey& a, const crypto::PublicKey& b) {
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Error not_endorsed(const fs::path& path, const fs::path& root, const format::KeyFile& f) {
  std::string what = "recipient '" + f.recipient + "', type " + std::string(format::recipient_type_name(f.type));
  if (f.type != format::RecipientType::passphrase) what += ", public key " + format::public_key_text(f.public_key);
  if (!f.scopes.empty()) {
    what += ", scopes ";
    for (const auto& s : f.scopes) what += (s == f.scopes.front() ? "" : ",") + s;
  }
  return Error(Errc::integrity,
               "recipient file " + rel_path(path, root) + " (" + what +
                   ") was not written by a holder of the master key: it was added or edited without it",
               "if you did not expect it, restore keys/ from git history (or remove the file); members with the "
               "master key add recipients with 'vaultx recipients add'");
}

// Reads every *.key file of `dir` (keys/ or removed/), by name.
Result<std::vector<format::KeyFile>> read_key_dir(const fs::path& dir, const fs::path& root,
                                                  const std::function<Result<format::KeyFile>(const fs::path&,
                                                                                              std::string_view)>& read) {
  VAULTX_ASSIGN(auto names, list_directory(dir));
  std::sort(names.begin(), names.end());
  std::vector<format::KeyFile> out;
  for (const auto& name : names) {
    if (name.starts_with(".")) continue;
    const std::string_view stem = std::string_view(name).substr(0, name.size() - kKeySuffix.size());
    if (!name.ends_with(kKeySuffix) || !format::is_valid_recipient_name(stem)) {
      return Error(Errc::integrity, rel_path(dir / name, root) + " is not a recipient file (keys/<name>.key)",
                   "remove it, or restore the directory from git history");
    }
    VAULTX_ASSIGN(auto file, read(dir / name, stem));
    out.push_back(std::move(file));
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------- Store

Result<std::vector<format::KeyFile>> Store::read_recipients() const {
  return read_key_dir(paths_.keys_dir(), paths_.root,
                      [this](const fs::path& p, std::string_view n) { return read_key_file_at(p, n); });
}

Result<std::vector<format::KeyFile>> Store::read_removed_recipients() const {
  return read_key_dir(paths_.removed_dir(), paths_.root,
                      [this](const fs::path& p, std::string_view n) { return read_key_file_at(p, n); });
}

Result<bool> Store::is_team() const {
  VAULTX_ASSIGN(auto names, list_directory(paths_.keys_dir()));
  const auto count = std::count_if(names.begin(), names.end(), [](const std::string& n) {
    return !n.starts_with(".") && n.ends_with(kKeySuffix);
  });
  return count > 1;
}

Result<std::vector<format::RekeyRecord>> Store::read_rekey_records() const {
  std::vector<format::RekeyRecord> out;
  for (std::uint64_t n = 1; n <= kMaxRekeyRecords; ++n) {
    const fs::path path = paths_.rekey_record(n);
    auto text = read_file(path, format::kMaxRekeyRecordBytes);
    if (!text) {
      if (text.error().code == Errc::not_found) break;
      return std::move(text).error();
    }
    auto record = format::decode_rekey_record(*text);
    if (!record) {
      return Error(Errc::integrity, "rekey record " + path.string() + " is corrupt (" + record.error().message + ")",
                   "restore rekey/ from git history");
    }
    if (record->store_id != header_.store_id || record->number != n) {
      return Error(Errc::integrity, "rekey record " + path.string() + " belongs to another store or position",
                   "restore rekey/ from git history");
    }
    out.push_back(std::move(*record));
  }
  return out;
}

Result<IdentityUnlock> Store::unlock_with_identity(const crypto::X25519Identity& identity) const {
  VAULTX_ASSIGN(auto recipients, read_recipients());
  const format::KeyFile* chosen = nullptr;
  for (const auto& f : recipients) {
    if (f.type == format::RecipientType::passphrase || !same_key(f.public_key, identity.public_key)) continue;
    if (chosen == nullptr || (is_full(f) && !is_full(*chosen))) chosen = &f;
  }
  const std::string pk_text = format::public_key_text(identity.public_key);
  if (chosen == nullptr) {
    return Error(Errc::unlock, "no recipient of the store at " + paths_.root.string() + " has the public key " + pk_text,
                 "ask a member with the master key to run 'vaultx recipients add " + pk_text + " --name NAME'");
  }
  const fs::path path = paths_.key_file(chosen->recipient);
  auto kek = crypto::open_sealed(identity, chosen->sealed_kek);
  if (!kek) {
    return Error(Errc::unlock, "the identity does not open " + rel_path(path, paths_.root),
                 "the file may have been replaced; restore keys/ from git history");
  }
  if (is_full(*chosen)) {
    auto master_key = format::unwrap_master_key(*chosen, kek->span());
    if (!master_key) {
      return Error(Errc::unlock, "the identity does not open " + rel_path(path, paths_.root),
                   "the file may have been replaced; restore keys/ from git history");
    }
    VAULTX_ASSIGN(auto vault, vault_for(std::move(*master_key)));
    return IdentityUnlock(std::in_place_index<0>, std::move(vault));
  }
  auto bundle = format::unwrap_scope_bundle(*chosen, kek->span());
  if (!bundle) {
    return Error(bundle.error().code, "the identity does not open " + rel_path(path, paths_.root) + " (" +
                                          bundle.error().message + ")",
                 "the file may have been replaced; restore keys/ from git history");
  }
  std::vector<ScopedVault::Scope> scopes;
  for (std::size_t i = 0; i < chosen->scopes.size(); ++i) {
    const auto id = format::scope_id_for(bundle->index_key.span(), chosen->scopes[i]);
    if (id != bundle->scopes[i].id) {
      return Error(Errc::integrity, rel_path(path, paths_.root) + " holds a key for another scope than '" +
                                        chosen->scopes[i] + "'",
                   "restore keys/ from git history");
    }
    scopes.push_back(ScopedVault::Scope{chosen->scopes[i], format::scope_holder(id), std::move(bundle->scopes[i].key)});
  }
  return IdentityUnlock(std::in_place_index<1>,
                        ScopedVault(*this, chosen->recipient, std::move(bundle->index_key), std::move(scopes)));
}

// ---------------------------------------------------------------- Vault: key set

Status Vault::verify_key_set() {
  VAULTX_ASSIGN(auto recipients, store_.read_recipients());
  const auto recipients_key = derive_subkey("recipients");
  for (const auto& f : recipients) {
    // vaultx 0.1.0 wrote passphrase files without an endorsement; one is
    // accepted as long as it is the store's only recipient. It needs the
    // passphrase to open, so it cannot be forged by someone without it.
    if (!f.endorsement && f.type == format::RecipientType::passphrase && recipients.size() == 1) continue;
    if (!format::endorsement_valid(f, recipients_key.span())) {
      return not_endorsed(store_.paths().key_file(f.recipient), store_.paths().root, f);
    }
  }
  scope_keys_.reset();  // re-read and re-check them
  VAULTX_TRY(scope_keys());
  return {};
}

Result<const std::map<format::ScopeId, secure::SecretBytes>*> Vault::scope_keys() {
  if (scope_keys_) return &*scope_keys_;
  const fs::path dir = store_.paths().scopes_dir();
  VAULTX_ASSIGN(auto names, list_directory(dir));
  std::map<format::ScopeId, secure::SecretBytes> keys;
  for (const auto& name : names) {
    if (name.starts_with(".")) continue;
    const fs::path path = dir / name;
    const auto raw = name.ends_with(kKeySuffix) ? format::hex_decode(name.substr(0, name.size() - kKeySuffix.size()))
                                                : std::nullopt;
    if (!raw || raw->size() != format::kIdBytes) {
      return Error(Errc::integrity, rel_path(path, store_.paths().root) + " is not a scope key file (scopes/<id>.key)",
                   "remove it, or restore scopes/ from git history");
    }
    VAULTX_ASSIGN(auto text, read_file(path, format::kMaxKeyFileBytes));
    auto file = format::decode_scope_key_file(text);
    format::ScopeId id{};
    std::copy(raw->begin(), raw->end(), id.begin());
    Result<secure::SecretBytes> key = Error(Errc::integrity, "");
    if (file && file->store_id == store_.header().store_id && file->scope_id == id) {
      key = format::unwrap_scope_key(*file, master_key_.span());
    }
    if (!key) {
      return Error(Errc::integrity,
                   "scope key file " + rel_path(path, store_.paths().root) +
                       " was not written by a holder of the master key: it was replaced or edited without it",
                   "restore it from git history ('vaultx git checkout HEAD~1 -- " + rel_path(path, store_.paths().root) +
                       "' or an older commit)");
    }
    keys.emplace(id, std::move(*key));
  }
  scope_keys_ = std::move(keys);
  return &*scope_keys_;
}

Result<bool> Vault::maintains_scope_wraps() const {
  VAULTX_ASSIGN(auto recipients, store_.read_recipients());
  return std::any_of(recipients.begin(), recipients.end(), [](const auto& f) { return !is_full(f); });
}

Result<std::vector<format::HolderKey>> Vault::holders_for(std::string_view name) {
  std::vector<format::HolderKey> out{{std::string(format::kMasterHolder), master_key_.span()}};
  VAULTX_ASSIGN(const bool maintain, maintains_scope_wraps());
  if (!maintain) return out;
  if (!membership_) {
    return Error(Errc::failure, "the store has scoped recipients, but no scope membership was given for the write");
  }
  VAULTX_ASSIGN(auto scopes, membership_(name));
  VAULTX_ASSIGN(auto keys, scope_keys());
  std::set<std::string> seen;
  for (const auto& scope : scopes) {
    const auto id = format::scope_id_for(index_key_.span(), scope);
    const auto it = keys->find(id);
    if (it == keys->end()) continue;  // no scoped recipient holds this scope
    std::string holder = format::scope_holder(id);
    if (seen.insert(holder).second) out.push_back({std::move(holder), it->second.span()});
  }
  return out;
}

Status Vault::write_key_file(format::KeyFile file) {
  format::endorse(file, derive_subkey("recipients").span());
  const std::string text = format::encode_key_file(file);
  if (text.size() > format::kMaxKeyFileBytes) {
    return Error(Errc::usage, "the recipient file for '" + file.recipient + "' would be " +
                                  std::to_string(text.size()) + " bytes, over the 4096-byte limit",
                 "give the recipient fewer scopes, or scopes with shorter names");
  }
  VAULTX_TRY(ensure_private_directory(store_.paths().keys_dir()));
  return write_file_atomic(store_.paths().key_file(file.recipient), text);
}

Result<format::ScopeId> Vault::ensure_scope_key(std::string_view scope) {
  const auto id = format::scope_id_for(index_key_.span(), scope);
  VAULTX_ASSIGN(auto keys, scope_keys());
  if (keys->count(id) != 0) return id;
  secure::SecretBytes key = crypto::random_key();
  format::ScopeKeyFile file;
  file.store_id = store_.header().store_id;
  file.scope_id = id;
  format::wrap_scope_key(file, master_key_.span(), key.span(), crypto::random_nonce());
  VAULTX_TRY(ensure_private_directory(store_.paths().scopes_dir()));
  VAULTX_TRY(write_file_atomic(store_.paths().scope_key_file(id), format::encode_scope_key_file(file)));
  scope_keys_->emplace(id, std::move(key));
  return id;
}

// ---------------------------------------------------------------- Vault: recipients

Status Vault::add_recipient(std::string_view name, const crypto::PublicKey& public_key,
                            const std::vector<std::string>& scopes) {
  if (!format::is_valid_recipient_name(name)) {
    return Error(Errc::usage, "invalid recipient name " + format::quote_for_message(name),
                 "use 1 to 64 of a-z 0-9 . _ -, e.g. 'alice' or 'ci.deploy'");
  }
  if (!crypto::is_usable_public_key(public_key)) {
    return Error(Errc::usage, "the public key is a low-order point: anything sealed to it could be read by anyone",
                 "ask for the key printed by 'vaultx identity pub'");
  }
  std::set<std::string> unique(scopes.begin(), scopes.end());
  if (unique.size() > format::kMaxScopesPerRecipient) {
    return Error(Errc::usage, "a recipient may hold at most 16 scopes", "give it fewer --scope options");
  }
  for (const auto& s : unique) {
    if (!format::is_valid_scope_name(s)) {
      return Error(Errc::usage, "invalid scope name " + format::quote_for_message(s), "scope names use A-Z a-z 0-9 . _ -");
    }
  }
  VAULTX_ASSIGN(auto lock, DirectoryLock::acquire(store_.paths().root));
  remove_stale_temporaries(store_.paths().keys_dir());
  VAULTX_ASSIGN(auto recipients, store_.read_recipients());
  for (const auto& f : recipients) {
    if (f.recipient == name) {
      return Error(Errc::exists, "the store already has a recipient named '" + std::string(name) + "'",
                   "remove it first with 'vaultx recipients rm " + std::string(name) + "', or choose another name");
    }
    if (f.type != format::RecipientType::passphrase && same_key(f.public_key, public_key)) {
      return Error(Errc::exists, "recipient '" + f.recipient + "' already has this public key",
                   "remove it first to change its scopes");
    }
  }
  std::error_code ec;
  if (fs::exists(store_.paths().removed_key_file(name), ec)) {
    return Error(Errc::exists, "a recipient named '" + std::string(name) + "' was removed and the store not rekeyed yet",
                 "run 'vaultx rekey' first, or choose another name");
  }
  // A store made by vaultx 0.1.0 has an unendorsed passphrase file; a team
  // store needs every file endorsed, and the endorsement needs no passphrase.
  for (auto& f : recipients) {
    if (!f.endorsement) VAULTX_TRY(write_key_file(f));
  }
  format::KeyFile file;
  file.store_id = store_.header().store_id;
  file.recipient = std::string(name);
  file.public_key = public_key;
  file.type = unique.empty() ? format::RecipientType::x25519 : format::RecipientType::x25519_scoped;
  file.scopes.assign(unique.begin(), unique.end());
  const secure::SecretBytes kek = crypto::random_key();
  file.sealed_kek = crypto::seal_to(public_key, kek.span());
  if (file.sealed_kek.empty()) return Error(Errc::usage, "cannot seal a key to this public key");
  if (unique.empty()) {
    format::wrap_master_key(file, kek.span(), master_key_.span(), crypto::random_nonce());
  } else {
    format::ScopeBundle bundle;
    bundle.index_key = secure::SecretBytes::copy_of(index_key_.span());
    for (const auto& scope : file.scopes) {
      VAULTX_ASSIGN(auto id, ensure_scope_key(scope));
      bundle.scopes.push_back(format::ScopeKey{id, secure::SecretBytes::copy_of(scope_keys_->at(id).span())});
    }
    format::wrap_scope_bundle(file, kek.span(), bundle, crypto::random_nonce());
  }
  return write_key_file(std::move(file));
}

Status Vault::remove_recipient(std::string_view name) {
  VAULTX_ASSIGN(auto lock, DirectoryLock::acquire(store_.paths().root));
  VAULTX_ASSIGN(auto recipients, store_.read_recipients());
  const auto it = std::find_if(recipients.begin(), recipients.end(), [&](const auto& f) { return f.recipient == name; });
  if (it == recipients.end()) {
    return Error(Errc::not_found, "the store has no recipient named '" + std::string(name) + "'",
                 "list them with 'vaultx recipients ls'");
  }
  const auto full = std::count_if(recipients.begin(), recipients.end(), [](const auto& f) { return is_full(f); });
  if (is_full(*it) && full == 1) {
    return Error(Errc::failure, "'" + std::string(name) + "' is the store's last full recipient: removing it would "
                                "leave nobody able to open the master key",
                 "add another full recipient first");
  }
  VAULTX_TRY(ensure_private_directory(store_.paths().removed_dir()));
  const fs::path target = store_.paths().removed_key_file(name);
  std::error_code ec;
  if (fs::exists(target, ec)) VAULTX_TRY(remove_file_durable(target));
  return rename_file_durable(store_.paths().key_file(name), target);
}

// ---------------------------------------------------------------- Vault: secrets

Result<std::vector<std::pair<fs::path, format::FileId>>> Vault::secret_paths() const {
  const fs::path dir = store_.paths().secrets_dir();
  VAULTX_ASSIGN(auto names, list_directory(dir));
  std::sort(names.begin(), names.end());
  std::vector<std::pair<fs::path, format::FileId>> out;
  for (const auto& name : names) {
    if (name.starts_with(".") || !name.ends_with(kSecretSuffix)) continue;
    const auto id = file_id_of_path(name);
    if (!id) return with_file_context(Error(Errc::integrity, "its name is not a file id"), dir / name);
    out.emplace_back(dir / name, *id);
  }
  return out;
}

Result<SyncReport> Vault::sync_scope_wraps() {
  VAULTX_ASSIGN(auto lock, DirectoryLock::acquire(store_.paths().root));
  remove_stale_secret_temporaries();
  VAULTX_ASSIGN(auto paths, secret_paths());
  SyncReport report;
  for (const auto& [path, id] : paths) {
    VAULTX_ASSIGN(auto file, read_secret_file(path, id));
    ++report.secrets;
    auto data_key = format::unwrap_data_key(file, format::kMasterHolder, master_key_.span());
    if (!data_key) return with_file_context(Error(Errc::integrity, data_key.error().message), path);
    auto name = format::open_secret_name(file, data_key->span());
    if (!name) return with_file_context(std::move(name).error(), path);
    if (file_id(*name) != id) {
      return with_file_context(Error(Errc::integrity, "the name inside does not match its file name"), path);
    }
    VAULTX_ASSIGN(auto holders, holders_for(*name));
    std::vector<std::string> want;
    for (const auto& h : holders) want.push_back(h.holder);
    std::sort(want.begin(), want.end());
    std::vector<std::string> have;
    for (const auto& k : file.keys) have.push_back(k.holder);
    if (want == have) continue;
    format::set_key_wraps(file, data_key->span(), std::move(holders));
    VAULTX_TRY(write_file_atomic(path, format::encode_secret_file(file)));
    ++report.rewrapped;
  }
  return report;
}

Result<std::string> Vault::name_in_conflict(const fs::path& path, std::string_view text) const {
  const auto sides = format::split_conflict(text);
  if (!sides) return Error(Errc::integrity, "the conflict markers are not well formed");
  for (const std::string* side : {&sides->ours, &sides->theirs}) {
    auto secret = open_secret_text(*side, false);
    if (secret) return secret->name;
  }
  return Error(Errc::integrity, "neither side of " + path.string() + " opens with this store's key");
}

Result<Secret> Vault::open_secret_text(std::string_view text, bool with_value) const {
  auto file = format::decode_secret_file(text);
  if (!file) return std::move(file).error();
  if (file->store_id != store_.header().store_id) return Error(Errc::integrity, "it belongs to another store");
  return open_secret(*file, "", with_value);
}

std::string Vault::fingerprint(const secure::SecretBytes& value) const {
  const auto key = derive_subkey("fingerprint");
  const Bytes h = crypto::keyed_hash(key.span(), value.span(), 16);
  return format::hex_encode(ByteView(h).first(8));
}

Result<format::SecretMetadata> Vault::resolve_conflict(std::string_view name, std::string_view ours,
                                                       std::string_view theirs, bool take_ours) {
  VAULTX_TRY(format::validate_secret_name(name));
  VAULTX_ASSIGN(auto lock, DirectoryLock::acquire(store_.paths().root));
  auto open_side = [&](std::string_view text, const char* side) -> Result<Secret> {
    auto secret = open_secret_text(text, true);
    if (secret && secret->name != name) secret = Error(Errc::integrity, "it holds another secret");
    if (!secret) {
      return Error(Errc::integrity, std::string(side) + " side of '" + std::string(name) +
                                        "' does not authenticate (" + secret.error().message + ")",
                   "resolve the file by hand with git, or take the other side");
    }
    return secret;
  };
  VAULTX_ASSIGN(auto chosen, open_side(take_ours ? ours : theirs, take_ours ? "our" : "their"));
  // The other side only lends its version number (it may be under a key
  // this process does not hold, e.g. written before a rekey).
  const auto other = format::decode_secret_file(take_ours ? theirs : ours);
  format::SecretMetadata meta = chosen.meta;
  meta.version = std::max(meta.version, other ? other->meta.version : 0) + 1;
  VAULTX_TRY(write_secret(name, meta, chosen.value.span()));
  return meta;
}

Result<std::vector<secure::SecretBytes>> Vault::audit_key_history() const {
  VAULTX_ASSIGN(auto records, store_.read_rekey_records());
  std::vector<secure::SecretBytes> newest_first;
  newest_first.push_back(derive_subkey("audit"));
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    auto previous = format::open_previous_audit_key(*it, newest_first.back().span());
    if (!previous) break;  // a record from before this key's chain
    newest_first.push_back(std::move(*previous));
  }
  std::reverse(newest_first.begin(), newest_first.end());
  return newest_first;
}

}  // namespace vaultx::store
