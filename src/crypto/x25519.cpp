#include <vaultx/crypto/x25519.hpp>

#include <sodium.h>

namespace vaultx::crypto {

static_assert(kPublicKeyBytes == crypto_box_PUBLICKEYBYTES);
static_assert(kSecretKeyBytes == crypto_box_SECRETKEYBYTES);
static_assert(kSealOverheadBytes == crypto_box_SEALBYTES);

X25519Identity generate_identity() {
  X25519Identity id;
  id.secret_key = secure::SecretBytes(kSecretKeyBytes);
  crypto_box_keypair(id.public_key.data(), id.secret_key.data());
  return id;
}

std::optional<PublicKey> public_key_of(const secure::SecretBytes& secret_key) {
  if (secret_key.size() != kSecretKeyBytes) return std::nullopt;
  PublicKey pk{};
  if (crypto_scalarmult_base(pk.data(), secret_key.data()) != 0) return std::nullopt;
  return pk;
}

bool is_usable_public_key(const PublicKey& public_key) {
  // A low-order point gives an all-zero shared secret for every scalar;
  // crypto_scalarmult reports that as -1. Probe with a throwaway scalar.
  secure::SecretBytes scalar(crypto_scalarmult_SCALARBYTES);
  randombytes_buf(scalar.data(), scalar.size());
  secure::SecretBytes shared(crypto_scalarmult_BYTES);
  return crypto_scalarmult(shared.data(), scalar.data(), public_key.data()) == 0;
}

Bytes seal_to(const PublicKey& recipient, ByteView plaintext) {
  Bytes out(plaintext.size() + kSealOverheadBytes);
  // crypto_box_seal fails (-1) for a low-order recipient key; what it leaves
  // in `out` then is no box at all, so nothing of it may be returned.
  if (crypto_box_seal(out.data(), plaintext.data(), plaintext.size(), recipient.data()) != 0) return {};
  return out;
}

std::optional<secure::SecretBytes> open_sealed(const X25519Identity& identity, ByteView sealed) {
  if (sealed.size() < kSealOverheadBytes || identity.secret_key.size() != kSecretKeyBytes) {
    return std::nullopt;
  }
  secure::SecretBytes out(sealed.size() - kSealOverheadBytes);
  if (crypto_box_seal_open(out.data(), sealed.data(), sealed.size(), identity.public_key.data(),
                           identity.secret_key.data()) != 0) {
    return std::nullopt;
  }
  return out;
}

}  // namespace vaultx::crypto
