#include <vaultx/format/identity.hpp>

#include <sodium.h>

#include <algorithm>

#include <vaultx/format/encoding.hpp>
#include <vaultx/format/key_file.hpp>

namespace vaultx::format {

namespace {
constexpr std::string_view kSealedField = "sealed-secret-key";
constexpr std::string_view kSecretField = "secret-key";

void append(secure::SecretBytes& out, std::string_view text) { out.append(as_bytes(text)); }
}  // namespace

std::string public_key_text(const crypto::PublicKey& key) {
  return std::string(kPublicKeyTextPrefix) + base64url_encode(key);
}

std::optional<crypto::PublicKey> parse_public_key_text(std::string_view text) {
  if (!text.starts_with(kPublicKeyTextPrefix) || text.size() != kPublicKeyTextPrefix.size() + 43) return std::nullopt;
  const auto raw = base64url_decode(text.substr(kPublicKeyTextPrefix.size()));
  if (!raw || raw->size() != crypto::kPublicKeyBytes) return std::nullopt;
  crypto::PublicKey key{};
  std::copy(raw->begin(), raw->end(), key.begin());
  return key;
}

std::string identity_sealed_prefix(const IdentityFile& f) {
  FieldWriter w(kIdentityMagic);
  w.field("public-key", base64_encode(f.public_key));
  w.field("kdf", kdf_text(f.kdf));
  w.field("salt", base64_encode(f.salt));
  return w.take();
}

secure::SecretBytes encode_identity_file(const IdentityFile& f) {
  secure::SecretBytes out;
  if (f.sealed) {
    FieldWriter w;
    w.append(identity_sealed_prefix(f));
    w.sealed(kSealedField, f.sealed_secret_key);
    append(out, w.text());
    return out;
  }
  FieldWriter w(kIdentityMagic);
  w.field("public-key", base64_encode(f.public_key));
  append(out, w.text());
  append(out, kSecretField);
  append(out, " ");
  const secure::SecretBytes b64 = base64_encode_secret(f.secret_key.span());
  out.append(b64.span());
  append(out, "\n");
  return out;
}

Result<IdentityFile> decode_identity_file(std::string_view bytes) {
  if (bytes.size() > kMaxIdentityFileBytes) return Error(Errc::integrity, "file is larger than any identity file");
  FieldReader r(bytes);
  IdentityFile f;
  VAULTX_TRY(r.expect_line(kIdentityMagic));
  VAULTX_ASSIGN(auto pk, r.expect_base64("public-key", crypto::kPublicKeyBytes, crypto::kPublicKeyBytes));
  std::copy(pk.begin(), pk.end(), f.public_key.begin());
  if (r.next_is(kSecretField)) {
    VAULTX_ASSIGN(auto text, r.expect(kSecretField));
    auto sk = base64_decode_secret(text);
    if (!sk || sk->size() != crypto::kSecretKeyBytes) {
      return r.error("field 'secret-key' is not 32 bytes of canonical base64");
    }
    f.secret_key = std::move(*sk);
  } else {
    f.sealed = true;
    VAULTX_ASSIGN(f.kdf, read_kdf_field(r));
    VAULTX_ASSIGN(auto salt, r.expect_base64("salt", crypto::kSaltBytes, crypto::kSaltBytes));
    std::copy(salt.begin(), salt.end(), f.salt.begin());
    VAULTX_ASSIGN(f.sealed_secret_key, r.expect_sealed(kSealedField, crypto::kSecretKeyBytes, crypto::kSecretKeyBytes));
  }
  VAULTX_TRY(r.expect_end());
  return f;
}

void seal_identity_secret(IdentityFile& f, ByteView kek, ByteView secret_key, const crypto::Nonce& nonce) {
  f.sealed = true;
  f.secret_key = secure::SecretBytes();
  f.sealed_secret_key =
      Sealed{nonce, crypto::aead_seal(kek, nonce, secret_key, associated_data(identity_sealed_prefix(f), kSealedField))};
}

Result<secure::SecretBytes> open_identity_secret(const IdentityFile& f, ByteView kek) {
  auto plain = crypto::aead_open(kek, f.sealed_secret_key.nonce, f.sealed_secret_key.ciphertext,
                                 associated_data(identity_sealed_prefix(f), kSealedField));
  if (!plain) return Error(Errc::unlock, "the passphrase does not open the identity's secret key");
  return std::move(*plain);
}

bool identity_matches(const crypto::PublicKey& public_key, const secure::SecretBytes& secret_key) {
  const auto derived = crypto::public_key_of(secret_key);
  return derived && sodium_memcmp(derived->data(), public_key.data(), public_key.size()) == 0;
}

}  // namespace vaultx::format
