#include <vaultx/crypto/aead.hpp>

#include <sodium.h>

#include <cassert>
#include <cstring>

namespace vaultx::crypto {

static_assert(kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);

Nonce random_nonce() {
  Nonce n{};
  randombytes_buf(n.data(), n.size());
  return n;
}

void random_fill(std::span<std::uint8_t> out) {
  if (!out.empty()) randombytes_buf(out.data(), out.size());  // libsodium declares the pointer non-null
}

std::uint32_t random_below(std::uint32_t upper_bound) { return randombytes_uniform(upper_bound); }

secure::SecretBytes random_key() {
  secure::SecretBytes key(kKeyBytes);
  randombytes_buf(key.data(), key.size());
  return key;
}

secure::SecretBytes random_string(std::string_view alphabet, std::size_t length) {
  assert(!alphabet.empty() && alphabet.size() <= 256);
  secure::SecretBytes out(length);
  for (auto& byte : out.span()) {
    byte = static_cast<std::uint8_t>(alphabet[randombytes_uniform(static_cast<std::uint32_t>(alphabet.size()))]);
  }
  return out;
}

Bytes aead_seal(ByteView key, ByteView nonce, ByteView plaintext, ByteView ad) {
  assert(key.size() == kKeyBytes && nonce.size() == kNonceBytes);
  Bytes out(plaintext.size() + kTagBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data(), &written, plaintext.data(), plaintext.size(),
                                             ad.data(), ad.size(), nullptr, nonce.data(), key.data());
  out.resize(static_cast<std::size_t>(written));
  return out;
}

bool aead_open_into(ByteView key, ByteView nonce, ByteView ciphertext, ByteView ad,
                    std::span<std::uint8_t> out) {
  if (key.size() != kKeyBytes || nonce.size() != kNonceBytes || ciphertext.size() < kTagBytes ||
      out.size() != ciphertext.size() - kTagBytes) {
    return false;
  }
  unsigned long long written = 0;
  const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &written, nullptr, ciphertext.data(),
                                                            ciphertext.size(), ad.data(), ad.size(),
                                                            nonce.data(), key.data());
  if (rc != 0) {
    sodium_memzero(out.data(), out.size());
    return false;
  }
  return true;
}

std::optional<secure::SecretBytes> aead_open(ByteView key, ByteView nonce, ByteView ciphertext,
                                             ByteView ad) {
  if (ciphertext.size() < kTagBytes) return std::nullopt;
  secure::SecretBytes out(ciphertext.size() - kTagBytes);
  if (!aead_open_into(key, nonce, ciphertext, ad, out.span())) return std::nullopt;
  return out;
}

Bytes keyed_hash(ByteView key, ByteView message, std::size_t out_len) {
  assert(out_len >= crypto_generichash_BYTES_MIN && out_len <= crypto_generichash_BYTES_MAX);
  assert(key.size() >= crypto_generichash_KEYBYTES_MIN && key.size() <= crypto_generichash_KEYBYTES_MAX);
  Bytes out(out_len);
  crypto_generichash(out.data(), out.size(), message.data(), message.size(), key.data(), key.size());
  return out;
}

void keyed_hash_into(ByteView key, ByteView message, std::span<std::uint8_t> out) {
  assert(out.size() >= crypto_generichash_BYTES_MIN && out.size() <= crypto_generichash_BYTES_MAX);
  crypto_generichash(out.data(), out.size(), message.data(), message.size(), key.data(), key.size());
}

}  // namespace vaultx::crypto
