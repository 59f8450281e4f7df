// vaultx rekey: a new master key and new scope keys, every wrap redone, the
// recipients removed since the last rekey dropped, and a rekey record that
// endorses the new key with the old one.
//
// The files are rewritten one by one (each atomically), secrets first and
// the record last; an interrupted rekey leaves a store that is part old, part
// new. In a git store `vaultx git checkout -- .` undoes it (nothing is
// committed before the end); docs/format.md says so.
#include <vaultx/store/store.hpp>

#include <sodium.h>

#include <algorithm>
#include <set>

#include <vaultx/format/scope_key.hpp>
#include <vaultx/store/fs.hpp>

#include "secret_io.hpp"

namespace vaultx::store {

namespace {

struct RemovedTracker {
  RemovedRecipient info;
  std::set<std::string> holders;  // scope holders it held; empty for a full recipient
};

bool is_full(const format::KeyFile& f) { return f.type != format::RecipientType::x25519_scoped; }

}  // namespace

Result<RekeyReport> Vault::rekey(const RekeyOptions& options) {
  const StorePaths& paths = store_.paths();
  VAULTX_ASSIGN(auto lock, DirectoryLock::acquire(paths.root));
  for (const auto& dir : {paths.secrets_dir(), paths.keys_dir(), paths.scopes_dir(), paths.rekey_dir()}) {
    remove_stale_temporaries(dir);
  }
  VAULTX_TRY(verify_key_set());
  VAULTX_ASSIGN(auto recipients, store_.read_recipients());
  VAULTX_ASSIGN(auto removed_files, store_.read_removed_recipients());
  VAULTX_ASSIGN(auto records, store_.read_rekey_records());
  VAULTX_ASSIGN(auto old_scope_keys, scope_keys());

  // The passphrase is rewrapped, not changed: check it opens the current file.
  const auto passphrase_file = std::find_if(recipients.begin(), recipients.end(), [](const auto& f) {
    return f.type == format::RecipientType::passphrase;
  });
  if (passphrase_file != recipients.end()) {
    if (options.passphrase == nullptr) {
      return Error(Errc::unlock, "rekey needs the store's passphrase to rewrap keys/passphrase.key",
                   "set VAULTX_PASSPHRASE_FILE or VAULTX_PASSPHRASE, or run it on a terminal");
    }
    VAULTX_ASSIGN(auto kek, derive_passphrase_kek(*options.passphrase, passphrase_file->kdf, passphrase_file->salt));
    auto opened = format::unwrap_master_key(*passphrase_file, kek.span());
    if (!opened || !opened->equals(master_key_)) {
      return Error(Errc::unlock, "wrong passphrase for keys/passphrase.key", "rekey keeps the passphrase: give the current one");
    }
  }

  // What each removed recipient could read is reported once the rewrite has
  // looked at every secret (its holders are those of the old files).
  const auto recipients_key = derive_subkey("recipients");
  std::vector<RemovedTracker> removed;
  for (const auto& f : removed_files) {
    if (!format::endorsement_valid(f, recipients_key.span())) continue;  // not ours: nothing to report
    RemovedTracker t;
    t.info = RemovedRecipient{f.recipient, f.type, f.scopes, {}};
    for (const auto& s : f.scopes) t.holders.insert(format::scope_holder(format::scope_id_for(index_key_.span(), s)));
    removed.push_back(std::move(t));
  }

  secure::SecretBytes new_master = crypto::random_key();
  std::map<format::ScopeId, secure::SecretBytes> new_scope_keys;
  for (const auto& [id, key] : *old_scope_keys) new_scope_keys.emplace(id, crypto::random_key());
  // A scoped recipient whose scope lost its key file gets a new one.
  for (const auto& f : recipients) {
    for (const auto& s : f.scopes) {
      new_scope_keys.try_emplace(format::scope_id_for(index_key_.span(), s), crypto::random_key());
    }
  }

  RekeyReport report;
  VAULTX_ASSIGN(auto secret_files, secret_paths());
  for (const auto& [path, id] : secret_files) {
    VAULTX_ASSIGN(auto file, read_secret_file(path, id));
    VAULTX_ASSIGN(auto secret, open_secret(file, "", options.rotate_data_keys));
    auto data_key = format::unwrap_data_key(file, format::kMasterHolder, master_key_.span());
    if (!data_key) return with_file_context(Error(Errc::integrity, data_key.error().message), path);
    std::vector<format::HolderKey> holders{{std::string(format::kMasterHolder), new_master.span()}};
    for (const auto& wrap : file.keys) {
      for (auto& t : removed) {
        if (t.holders.count(wrap.holder) != 0 || (t.holders.empty() && wrap.holder == format::kMasterHolder)) {
          if (t.info.readable.empty() || t.info.readable.back() != secret.name) t.info.readable.push_back(secret.name);
        }
      }
      if (wrap.holder == format::kMasterHolder) continue;
      for (const auto& [scope_id, key] : new_scope_keys) {
        if (format::scope_holder(scope_id) == wrap.holder) holders.push_back({wrap.holder, key.span()});
      }
    }
    if (options.rotate_data_keys) {
      const auto randomness = format::SealRandomness::fresh();
      file = format::seal_secret(new_master.span(), store_.header().store_id, id, file.meta, secret.name,
                                 secret.value.span(), randomness);
      data_key = secure::SecretBytes::copy_of(randomness.data_key.span());
    }
    format::set_key_wraps(file, data_key->span(), std::move(holders));
    VAULTX_TRY(write_file_atomic(path, format::encode_secret_file(file)));
    ++report.secrets;
  }

  if (!new_scope_keys.empty()) VAULTX_TRY(ensure_private_directory(paths.scopes_dir()));
  for (const auto& [scope_id, key] : new_scope_keys) {
    format::ScopeKeyFile file;
    file.store_id = store_.header().store_id;
    file.scope_id = scope_id;
    format::wrap_scope_key(file, new_master.span(), key.span(), crypto::random_nonce());
    VAULTX_TRY(write_file_atomic(paths.scope_key_file(scope_id), format::encode_scope_key_file(file)));
  }

  const auto new_recipients_key = store::derive_subkey(new_master.span(), "recipients");
  for (auto f : recipients) {
    f.endorsement.reset();
    if (f.type == format::RecipientType::passphrase) {
      crypto::random_fill(f.salt);
      VAULTX_ASSIGN(auto kek, derive_passphrase_kek(*options.passphrase, f.kdf, f.salt));
      format::wrap_master_key(f, kek.span(), new_master.span(), crypto::random_nonce());
    } else {
      const secure::SecretBytes kek = crypto::random_key();
      f.sealed_kek = crypto::seal_to(f.public_key, kek.span());
      if (f.sealed_kek.empty()) {
        return Error(Errc::integrity, "recipient '" + f.recipient + "' has an unusable public key",
                     "remove it with 'vaultx recipients rm " + f.recipient + "'");
      }
      if (is_full(f)) {
        format::wrap_master_key(f, kek.span(), new_master.span(), crypto::random_nonce());
      } else {
        format::ScopeBundle bundle;
        bundle.index_key = secure::SecretBytes::copy_of(index_key_.span());
        for (const auto& s : f.scopes) {
          const auto scope_id = format::scope_id_for(index_key_.span(), s);
          bundle.scopes.push_back(format::ScopeKey{scope_id, secure::SecretBytes::copy_of(new_scope_keys.at(scope_id).span())});
        }
        format::wrap_scope_bundle(f, kek.span(), bundle, crypto::random_nonce());
      }
    }
    format::endorse(f, new_recipients_key.span());
    VAULTX_TRY(write_file_atomic(paths.key_file(f.recipient), format::encode_key_file(f)));
    ++report.recipients;
  }

  format::StoreHeader header = store_.header();
  format::seal_index_key(header, new_master.span(), index_key_.span(), crypto::random_nonce());
  VAULTX_TRY(write_file_atomic(paths.header(), format::encode_store_header(header)));

  format::RekeyRecord record;
  record.store_id = header.store_id;
  record.number = records.size() + 1;
  record.time = format::now_utc();
  record.old_commitment = commitment();
  record.new_commitment = commitment_of(new_master.span());
  const auto old_audit = derive_subkey("audit");
  const auto new_audit = store::derive_subkey(new_master.span(), "audit");
  format::seal_rekey_record(record, signing_key_of(master_key_.span()), new_audit.span(), old_audit.span(),
                            crypto::random_nonce());
  VAULTX_TRY(ensure_private_directory(paths.rekey_dir()));
  VAULTX_TRY(write_file_atomic(paths.rekey_record(record.number), format::encode_rekey_record(record)));
  report.record_number = record.number;

  for (const auto& f : removed_files) VAULTX_TRY(remove_file_durable(paths.removed_key_file(f.recipient)));

  master_key_ = std::move(new_master);
  scope_keys_ = std::move(new_scope_keys);
  store_.header_ = std::move(header);
  for (auto& t : removed) {
    std::sort(t.info.readable.begin(), t.info.readable.end());
    t.info.readable.erase(std::unique(t.info.readable.begin(), t.info.readable.end()), t.info.readable.end());
    report.removed.push_back(std::move(t.info));
  }
  return report;
}

}  // namespace vaultx::store
