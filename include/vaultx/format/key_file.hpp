// Recipient key files (keys/<recipient>.key) and the store header
// (vaultx-store). Each recipient file wraps the store's master key under a
// key-encryption key (KEK) that the recipient alone can recompute: from a
// passphrase with Argon2id, or from an X25519 identity through a sealed box.
#pragma once

#include <array>
#include <optional>
#include <string>

#include <vaultx/crypto/kdf.hpp>
#include <vaultx/crypto/x25519.hpp>
#include <vaultx/format/fields.hpp>
#include <vaultx/format/timestamp.hpp>

namespace vaultx::format {

constexpr std::string_view kKeyMagic = "vaultx-key 1";
constexpr std::string_view kStoreMagic = "vaultx-store 1";
constexpr std::size_t kMaxKeyFileBytes = 4096;
constexpr std::size_t kMaxRecipientBytes = 64;
constexpr std::string_view kPassphraseRecipient = "passphrase";

enum class RecipientType { passphrase, x25519 };

struct KeyFile {
  StoreId store_id{};
  std::string recipient;  // [a-z0-9._-], 1..64 bytes; also the file name stem
  RecipientType type = RecipientType::passphrase;
  // type passphrase
  crypto::KdfParams kdf;
  std::array<std::uint8_t, crypto::kSaltBytes> salt{};
  // type x25519
  crypto::PublicKey public_key{};
  Bytes sealed_kek;  // crypto_box_seal of the 32-byte KEK
  // both: the master key under the KEK
  Sealed wrapped_key;

  friend bool operator==(const KeyFile&, const KeyFile&) = default;
};

bool is_valid_recipient_name(std::string_view name);

// Everything before the wrapped-key line: what its associated data covers.
std::string key_file_header(const KeyFile& file);
std::string encode_key_file(const KeyFile& file);
// Total. KDF parameters below the floor or above the ceiling are refused
// here, as tampering, before anyone runs Argon2id on them.
Result<KeyFile> decode_key_file(std::string_view bytes);

// Seal the master key for a passphrase recipient, given the KEK derived from
// the passphrase with file.kdf and file.salt (the caller runs Argon2id).
void wrap_master_key(KeyFile& file, ByteView kek, ByteView master_key, const crypto::Nonce& nonce);
// Errc::unlock if the KEK does not open the wrapped key.
Result<secure::SecretBytes> unwrap_master_key(const KeyFile& file, ByteView kek);

// --- store header

struct StoreHeader {
  StoreId store_id{};
  UnixSeconds created = 0;
  Sealed index_key;  // the key of the file-name hash, under the master key

  friend bool operator==(const StoreHeader&, const StoreHeader&) = default;
};

std::string store_header_prefix(const StoreHeader& header);
std::string encode_store_header(const StoreHeader& header);
Result<StoreHeader> decode_store_header(std::string_view bytes);
void seal_index_key(StoreHeader& header, ByteView master_key, ByteView index_key, const crypto::Nonce& nonce);
// Errc::integrity if the master key does not open it: the key does not belong
// to this store, or the header was altered.
Result<secure::SecretBytes> open_index_key(const StoreHeader& header, ByteView master_key);

// The file id of a secret: BLAKE2b-128 of its name, keyed by the index key.
FileId file_id_for(ByteView index_key, std::string_view secret_name);

}  // namespace vaultx::format
