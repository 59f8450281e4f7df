// Ed25519 signatures (libsodium crypto_sign), for the records that endorse a
// new master key with the previous one. The signing key is never stored: it
// is derived from a 32-byte seed each time it is needed.
#pragma once

#include <array>
#include <cstdint>

#include <vaultx/crypto/bytes.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::crypto {

constexpr std::size_t kSignPublicKeyBytes = 32;
constexpr std::size_t kSignSeedBytes = 32;
constexpr std::size_t kSignatureBytes = 64;

using SignPublicKey = std::array<std::uint8_t, kSignPublicKeyBytes>;
using Signature = std::array<std::uint8_t, kSignatureBytes>;

struct SigningKey {
  SignPublicKey public_key{};
  secure::SecretBytes secret_key;  // libsodium's 64-byte form (seed || public key)
};

// Deterministic: the same seed gives the same key pair. `seed` must be 32 bytes.
SigningKey signing_key_from_seed(ByteView seed);
Signature sign_detached(const SigningKey& key, ByteView message);
// False for a wrong signature, and for a public key that is not a valid point.
bool verify_detached(const SignPublicKey& public_key, const Signature& signature, ByteView message);

}  // namespace vaultx::crypto
