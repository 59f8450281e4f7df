#include <vaultx/crypto/sha256.hpp>

#include <sodium.h>

namespace vaultx::crypto {

static_assert(sizeof(crypto_hash_sha256_state) <= 128);

namespace {
crypto_hash_sha256_state* as_state(std::uint8_t* raw) { return reinterpret_cast<crypto_hash_sha256_state*>(raw); }  // NOLINT
}  // namespace

Sha256::Sha256() { crypto_hash_sha256_init(as_state(state_)); }

void Sha256::update(ByteView bytes) { crypto_hash_sha256_update(as_state(state_), bytes.data(), bytes.size()); }

Sha256Digest Sha256::finish() {
  Sha256Digest out{};
  crypto_hash_sha256_final(as_state(state_), out.data());
  return out;
}

Sha256Digest sha256(ByteView bytes) {
  Sha256 h;
  h.update(bytes);
  return h.finish();
}

}  // namespace vaultx::crypto
