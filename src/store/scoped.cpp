// ScopedVault: what a scoped identity can do. It holds no master key, only
// the index key and its scopes' keys, so a secret without a wrap for one of
// its scopes stays closed to it whatever the code around it does.
#include <vaultx/store/store.hpp>

#include <algorithm>

#include <vaultx/format/conflict.hpp>
#include <vaultx/format/names.hpp>
#include <vaultx/store/fs.hpp>

#include "secret_io.hpp"

namespace vaultx::store {

namespace {
std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}
}  // namespace

std::vector<std::string> ScopedVault::scope_names() const {
  std::vector<std::string> out;
  for (const auto& s : scopes_) out.push_back(s.name);
  return out;
}

const ScopedVault::Scope* ScopedVault::scope_for(const format::SecretFile& file) const {
  for (const auto& wrap : file.keys) {
    for (const auto& scope : scopes_) {
      if (wrap.holder == scope.holder) return &scope;
    }
  }
  return nullptr;
}

Error ScopedVault::write_refused() const {
  return Error(Errc::unlock, "recipient '" + recipient_ + "' is a scoped identity: a scoped identity cannot write",
               "ask a member who holds the master key to make the change");
}

bool ScopedVault::contains(std::string_view name) const {
  std::error_code ec;
  return fs::exists(store_.paths().secret_file(format::file_id_for(index_key_.span(), name)), ec);
}

Result<Secret> ScopedVault::get(std::string_view name) const {
  VAULTX_TRY(format::validate_secret_name(name));
  if (VersionLedger* versions = store_.versions()) versions->snapshot();  // before the file, as Vault::get
  const auto id = format::file_id_for(index_key_.span(), name);
  const fs::path path = store_.paths().secret_file(id);
  auto file = load_secret_file(store_, path, id, [&](std::string_view) { return std::optional<std::string>(name); });
  if (!file) {
    return secret_read_error(std::move(file).error(), name, store_,
                             "list the names this identity can read with 'vaultx ls'");
  }
  const Scope* scope = scope_for(*file);
  if (scope == nullptr) {
    return Error(Errc::unlock,
                 "secret '" + std::string(name) + "' is not in the scopes of recipient '" + recipient_ + "' (" +
                     join(scope_names()) + "): this identity holds no key that opens it",
                 "ask a member with the master key to add it to one of these scopes in vaultx.toml and run "
                 "'vaultx scope sync'");
  }
  auto fail = [&](Error e) {
    e = with_file_context(std::move(e), path);
    e.message = "secret '" + std::string(name) + "': " + e.message;
    return e;
  };
  auto data_key = format::unwrap_data_key(*file, scope->holder, scope->key.span());
  if (!data_key) return fail(Error(Errc::integrity, data_key.error().message));
  auto stored_name = format::open_secret_name(*file, data_key->span());
  if (!stored_name) return fail(std::move(stored_name).error());
  if (*stored_name != name) return fail(Error(Errc::integrity, "the name inside does not match its file name"));
  auto value = format::open_secret_value(*file, data_key->span());
  if (!value) return fail(std::move(value).error());
  if (VersionLedger* versions = store_.versions()) {
    if (auto fresh = versions->check(id, file->meta, path); !fresh) {
      Error e = std::move(fresh).error();
      e.message = "secret '" + std::string(name) + "': " + e.message;
      return e;
    }
    (void)versions->flush();  // bookkeeping only: see Vault::save_versions
  }
  return Secret{std::move(*stored_name), file->meta, std::move(*value)};
}

Result<std::string> ScopedVault::open_name_text(std::string_view text) const {
  auto file = format::decode_secret_file(text);
  if (!file) return std::move(file).error();
  if (file->store_id != store_.header().store_id) return Error(Errc::integrity, "it belongs to another store");
  const Scope* scope = scope_for(*file);
  if (scope == nullptr) {
    return Error(Errc::unlock, "not in the scopes of recipient '" + recipient_ + "' (" + join(scope_names()) + ")");
  }
  auto data_key = format::unwrap_data_key(*file, scope->holder, scope->key.span());
  if (!data_key) return Error(Errc::integrity, data_key.error().message);
  auto name = format::open_secret_name(*file, data_key->span());
  if (!name) return std::move(name).error();
  if (format::file_id_for(index_key_.span(), *name) != file->file_id) {
    return Error(Errc::integrity, "the name inside does not match its file id");
  }
  return std::move(*name);
}

Result<Listing> ScopedVault::list(std::string_view prefix) const {
  if (VersionLedger* versions = store_.versions()) versions->preload();  // before the files, as Vault::list
  const fs::path dir = store_.paths().secrets_dir();
  VAULTX_ASSIGN(auto names, list_directory(dir));
  Listing listing;
  format::SecretFileOpener opener;
  for (const auto& file_name : names) {
    if (file_name.starts_with(".") || !file_name.ends_with(kSecretSuffix)) continue;
    const fs::path path = dir / file_name;
    const auto id = file_id_of_path(file_name);
    if (!id) {
      listing.problems.push_back(with_file_context(Error(Errc::integrity, "its name is not a file id"), path));
      continue;
    }
    auto file = load_secret_file(store_, path, *id, [](std::string_view) { return std::optional<std::string>(); });
    if (!file) {
      if (file.error().code != Errc::not_found) listing.problems.push_back(std::move(file).error());
      continue;
    }
    const Scope* scope = scope_for(*file);
    if (scope == nullptr) continue;  // outside this identity's scopes: not its to list
    auto name = opener.authenticate(*file, scope->holder, scope->key.span());
    if (name && format::file_id_for(index_key_.span(), *name) != *id) {
      name = Error(Errc::integrity, "the name inside does not match its file name");
    }
    if (!name) {
      listing.problems.push_back(with_file_context(std::move(name).error(), path));
      continue;
    }
    if (VersionLedger* versions = store_.versions()) {
      if (auto fresh = versions->check(*id, file->meta, path); !fresh) {
        listing.problems.push_back(std::move(fresh).error());
        continue;
      }
    }
    if (name_has_prefix(*name, prefix)) listing.entries.push_back(Entry{std::move(*name), file->meta});
  }
  std::sort(listing.entries.begin(), listing.entries.end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });
  if (VersionLedger* versions = store_.versions()) (void)versions->flush();
  return listing;
}

Result<PutOutcome> ScopedVault::put(std::string_view, const secure::SecretBytes&, const PutOptions&) {
  return write_refused();
}

Status ScopedVault::remove(std::string_view) { return write_refused(); }

Status ScopedVault::rename(std::string_view, std::string_view, bool) { return write_refused(); }

}  // namespace vaultx::store
