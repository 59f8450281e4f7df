#include <vaultx/crypto/sign.hpp>

#include <sodium.h>

#include <cassert>

namespace vaultx::crypto {

static_assert(kSignPublicKeyBytes == crypto_sign_PUBLICKEYBYTES);
static_assert(kSignSeedBytes == crypto_sign_SEEDBYTES);
static_assert(kSignatureBytes == crypto_sign_BYTES);

SigningKey signing_key_from_seed(ByteView seed) {
  assert(seed.size() == kSignSeedBytes);
  SigningKey key;
  key.secret_key = secure::SecretBytes(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(key.public_key.data(), key.secret_key.data(), seed.data());
  return key;
}

Signature sign_detached(const SigningKey& key, ByteView message) {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), key.secret_key.data());
  return sig;
}

bool verify_detached(const SignPublicKey& public_key, const Signature& signature, ByteView message) {
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), public_key.data()) == 0;
}

}  // namespace vaultx::crypto
