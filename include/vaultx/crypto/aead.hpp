// XChaCha20-Poly1305 (IETF) and the other libsodium primitives vaultx uses.
// Pure functions over byte spans; the only side effect is drawing randomness.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include <vaultx/crypto/bytes.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::crypto {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kNonceBytes = 24;
constexpr std::size_t kTagBytes = 16;

using Nonce = std::array<std::uint8_t, kNonceBytes>;

Nonce random_nonce();
void random_fill(std::span<std::uint8_t> out);
// Uniform in [0, upper_bound) without modulo bias (randombytes_uniform).
std::uint32_t random_below(std::uint32_t upper_bound);
secure::SecretBytes random_key();
// `length` characters drawn uniformly and independently from `alphabet`
// (at most 256 distinct characters), for generated passwords and tokens.
secure::SecretBytes random_string(std::string_view alphabet, std::size_t length);

// ciphertext || 16-byte tag.
Bytes aead_seal(ByteView key, ByteView nonce, ByteView plaintext, ByteView associated_data);
// Decrypts into `out`, which must be exactly ciphertext.size() - kTagBytes long.
// Returns false (and leaves `out` zeroed) if authentication fails.
bool aead_open_into(ByteView key, ByteView nonce, ByteView ciphertext, ByteView associated_data,
                    std::span<std::uint8_t> out);
std::optional<secure::SecretBytes> aead_open(ByteView key, ByteView nonce, ByteView ciphertext,
                                             ByteView associated_data);

// BLAKE2b with a key (crypto_generichash), out_len in [16, 64].
Bytes keyed_hash(ByteView key, ByteView message, std::size_t out_len);
// The same, written into `out` (for outputs that are keys themselves).
void keyed_hash_into(ByteView key, ByteView message, std::span<std::uint8_t> out);

}  // namespace vaultx::crypto
