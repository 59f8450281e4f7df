#include <vaultx/format/scope_key.hpp>

namespace vaultx::format {

namespace {
constexpr std::string_view kWrappedKeyField = "wrapped-key";
}

std::string scope_key_file_prefix(const ScopeKeyFile& f) {
  FieldWriter w(kScopeKeyMagic);
  w.id("store", f.store_id);
  w.id("scope", f.scope_id);
  return w.take();
}

std::string encode_scope_key_file(const ScopeKeyFile& f) {
  FieldWriter w;
  w.append(scope_key_file_prefix(f));
  w.sealed(kWrappedKeyField, f.wrapped_key);
  return w.take();
}

Result<ScopeKeyFile> decode_scope_key_file(std::string_view bytes) {
  if (bytes.size() > kMaxKeyFileBytes) return Error(Errc::integrity, "file is larger than any scope key file");
  FieldReader r(bytes);
  ScopeKeyFile f;
  VAULTX_TRY(r.expect_line(kScopeKeyMagic));
  VAULTX_ASSIGN(f.store_id, r.expect_id("store"));
  VAULTX_ASSIGN(f.scope_id, r.expect_id("scope"));
  VAULTX_ASSIGN(f.wrapped_key, r.expect_sealed(kWrappedKeyField, crypto::kKeyBytes, crypto::kKeyBytes));
  VAULTX_TRY(r.expect_end());
  return f;
}

void wrap_scope_key(ScopeKeyFile& f, ByteView master_key, ByteView scope_key, const crypto::Nonce& nonce) {
  f.wrapped_key = Sealed{nonce, crypto::aead_seal(master_key, nonce, scope_key,
                                                  associated_data(scope_key_file_prefix(f), kWrappedKeyField))};
}

Result<secure::SecretBytes> unwrap_scope_key(const ScopeKeyFile& f, ByteView master_key) {
  auto key = crypto::aead_open(master_key, f.wrapped_key.nonce, f.wrapped_key.ciphertext,
                               associated_data(scope_key_file_prefix(f), kWrappedKeyField));
  if (!key) return Error(Errc::integrity, "the master key does not open it");
  return std::move(*key);
}

}  // namespace vaultx::format
