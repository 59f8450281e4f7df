// SHA-256 (libsodium), for pinning the content of programs and scripts.
#pragma once

#include <array>
#include <cstdint>

#include <vaultx/crypto/bytes.hpp>

namespace vaultx::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  void update(ByteView bytes);
  Sha256Digest finish();

 private:
  alignas(64) std::uint8_t state_[128];  // crypto_hash_sha256_state, kept opaque here
};

Sha256Digest sha256(ByteView bytes);

}  // namespace vaultx::crypto
