// X25519 identities and sealed boxes (crypto_box_seal), for recipients that
// unlock with a private key instead of a passphrase.
#pragma once

#include <array>
#include <optional>

#include <vaultx/crypto/bytes.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::crypto {

constexpr std::size_t kPublicKeyBytes = 32;
constexpr std::size_t kSecretKeyBytes = 32;
constexpr std::size_t kSealOverheadBytes = 48;  // ephemeral public key + tag

using PublicKey = std::array<std::uint8_t, kPublicKeyBytes>;

struct X25519Identity {
  PublicKey public_key{};
  secure::SecretBytes secret_key;  // 32 bytes
};

X25519Identity generate_identity();
// Recomputes the public key; nullopt if the secret key has the wrong size.
std::optional<PublicKey> public_key_of(const secure::SecretBytes& secret_key);
// False for keys a sealed box must never be sent to (low-order points, whose
// shared secret is all zeros and so known to everyone).
bool is_usable_public_key(const PublicKey& public_key);

// Empty if sealing fails, which it does for a low-order recipient key (check
// is_usable_public_key before accepting a recipient).
[[nodiscard]] Bytes seal_to(const PublicKey& recipient, ByteView plaintext);
// nullopt on any failure, including a low-order ephemeral key in the box.
std::optional<secure::SecretBytes> open_sealed(const X25519Identity& identity, ByteView sealed);

}  // namespace vaultx::crypto
