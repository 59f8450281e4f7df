// The fixed inputs of the known-answer vectors under tests/vectors/.
// docs/format.md lists the same values in hex; change neither.
#pragma once

#include <algorithm>
#include <string>

#include <vaultx/crypto/aead.hpp>
#include <vaultx/crypto/x25519.hpp>
#include <vaultx/format/key_file.hpp>
#include <vaultx/format/secret_file.hpp>

#include "helpers.hpp"

namespace vaultx::test::vectors {

inline std::string dir() { return VAULTX_VECTORS_DIR; }

template <class Array>
Array array_of(const Bytes& b) {
  Array a{};
  std::copy(b.begin(), b.end(), a.begin());
  return a;
}

inline const char* const kPassphrase = "vector passphrase";
inline const crypto::KdfParams kKdf{8192, 1, 1};

inline Bytes master_key() { return ramp(0x00, 32); }
inline Bytes index_key() { return ramp(0x20, 32); }
inline format::StoreId store_id() { return array_of<format::StoreId>(ramp(0x40, 16)); }
inline format::UnixSeconds store_created() { return *format::parse_rfc3339_strict("2024-01-02T03:04:05Z"); }
inline crypto::Nonce header_nonce() { return array_of<crypto::Nonce>(ramp(0x50, 24)); }

// keys/passphrase.key
inline crypto::Nonce passphrase_wrap_nonce() { return array_of<crypto::Nonce>(ramp(0x68, 24)); }
inline std::array<std::uint8_t, crypto::kSaltBytes> salt() {
  return array_of<std::array<std::uint8_t, crypto::kSaltBytes>>(ramp(0xe8, 16));
}

// keys/alice.key (x25519). The sealed KEK is randomised by crypto_box_seal,
// so the vector file carries it and the test opens it with this identity.
inline Bytes x25519_secret_key() { return filled(0x77, 32); }
inline Bytes x25519_kek() { return filled(0x4b, 32); }
inline crypto::Nonce x25519_wrap_nonce() { return array_of<crypto::Nonce>(filled(0x4e, 24)); }
inline const char* const kX25519Recipient = "alice";

struct SecretInputs {
  std::string name;
  Bytes value;
  format::SecretMetadata meta;
  Bytes data_key;
  crypto::Nonce key_nonce, name_nonce, value_nonce;

  [[nodiscard]] format::SealRandomness randomness() const {
    format::SealRandomness r;
    r.data_key = secure::SecretBytes::copy_of(data_key);
    r.key_nonce = key_nonce;
    r.name_nonce = name_nonce;
    r.value_nonce = value_nonce;
    return r;
  }
};

inline SecretInputs secret1() {
  return {"vectors/api-key",
          unhex("73336372337400ff0a"),  // "s3cr3t" 00 ff "\n"
          {3, store_created(), *format::parse_rfc3339_strict("2025-06-07T08:09:10Z"),
           *format::parse_rfc3339_strict("2026-12-31T23:59:59Z")},
          ramp(0x80, 32),
          array_of<crypto::Nonce>(ramp(0xa0, 24)),
          array_of<crypto::Nonce>(ramp(0xb8, 24)),
          array_of<crypto::Nonce>(ramp(0xd0, 24))};
}

inline SecretInputs secret2() {
  return {"a",
          {},
          {1, store_created(), store_created(), std::nullopt},
          filled(0x22, 32),
          array_of<crypto::Nonce>(filled(0x23, 24)),
          array_of<crypto::Nonce>(filled(0x24, 24)),
          array_of<crypto::Nonce>(filled(0x25, 24))};
}

inline std::string build_store_header() {
  format::StoreHeader h;
  h.store_id = store_id();
  h.created = store_created();
  format::seal_index_key(h, master_key(), index_key(), header_nonce());
  return format::encode_store_header(h);
}

inline format::KeyFile passphrase_key_file(ByteView kek) {
  format::KeyFile f;
  f.store_id = store_id();
  f.recipient = "passphrase";
  f.type = format::RecipientType::passphrase;
  f.kdf = kKdf;
  f.salt = salt();
  format::wrap_master_key(f, kek, master_key(), passphrase_wrap_nonce());
  return f;
}

inline format::KeyFile x25519_key_file(const Bytes& sealed_kek) {
  format::KeyFile f;
  f.store_id = store_id();
  f.recipient = kX25519Recipient;
  f.type = format::RecipientType::x25519;
  auto pk = crypto::public_key_of(secure::SecretBytes::copy_of(x25519_secret_key()));
  f.public_key = *pk;
  f.sealed_kek = sealed_kek;
  format::wrap_master_key(f, x25519_kek(), master_key(), x25519_wrap_nonce());
  return f;
}

inline format::FileId file_id(const SecretInputs& in) { return format::file_id_for(index_key(), in.name); }

inline std::string build_secret(const SecretInputs& in) {
  return format::encode_secret_file(
      format::seal_secret(master_key(), store_id(), file_id(in), in.meta, in.name, in.value, in.randomness()));
}

}  // namespace vaultx::test::vectors
