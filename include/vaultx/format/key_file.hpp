// Recipient key files (keys/<recipient>.key) and the store header
// (vaultx-store). Each recipient file wraps a secret under a key-encryption
// key (KEK) that the recipient alone can recompute: from a passphrase with
// Argon2id, or from an X25519 identity through a sealed box. A full recipient
// (passphrase, x25519) gets the master key; a scoped one (x25519-scoped) gets
// only the index key and the keys of its scopes (a "scope bundle").
//
// Every file written now ends in an `endorsement` line: a MAC of the rest of
// the file under a key derived from the master key, so that a recipient file
// added or edited by someone without the master key is recognised as such.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

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

enum class RecipientType { passphrase, x25519, x25519_scoped };

constexpr std::size_t kMaxScopesPerRecipient = 16;
constexpr std::size_t kEndorsementBytes = 32;
using Endorsement = std::array<std::uint8_t, kEndorsementBytes>;
using ScopeId = std::array<std::uint8_t, kIdBytes>;

struct KeyFile {
  StoreId store_id{};
  std::string recipient;  // [a-z0-9._-], 1..64 bytes; also the file name stem
  RecipientType type = RecipientType::passphrase;
  // type passphrase
  crypto::KdfParams kdf;
  std::array<std::uint8_t, crypto::kSaltBytes> salt{};
  // types x25519 and x25519-scoped
  crypto::PublicKey public_key{};
  std::vector<std::string> scopes;  // x25519-scoped only: sorted, unique, valid scope names, 1..16
  Bytes sealed_kek;  // crypto_box_seal of the 32-byte KEK
  // all: the master key (or, x25519-scoped, the scope bundle) under the KEK
  Sealed wrapped_key;
  // Absent only in files written before endorsements existed (vaultx 0.1.0
  // passphrase files); the store layer decides what that means.
  std::optional<Endorsement> endorsement;

  friend bool operator==(const KeyFile&, const KeyFile&) = default;
};

bool is_valid_recipient_name(std::string_view name);
// 1 to 255 of [A-Za-z0-9._-], as in vaultx.toml.
bool is_valid_scope_name(std::string_view name);
std::string_view recipient_type_name(RecipientType type);

// "argon2id v=19 m=<KiB> t=<passes> p=<lanes>", shared with identity files.
std::string kdf_text(const crypto::KdfParams& params);
// Reads a `kdf` line; parameters outside the floor and ceiling are refused.
Result<crypto::KdfParams> read_kdf_field(FieldReader& reader);

// Everything before the wrapped-key line: what its associated data covers.
std::string key_file_header(const KeyFile& file);
// Everything before the endorsement line: what the endorsement covers.
std::string key_file_body(const KeyFile& file);
std::string encode_key_file(const KeyFile& file);
// Total. KDF parameters below the floor or above the ceiling are refused
// here, as tampering, before anyone runs Argon2id on them.
Result<KeyFile> decode_key_file(std::string_view bytes);

// Seal the master key for a full recipient, given the KEK (derived from the
// passphrase with file.kdf and file.salt, or random and sealed to the public key).
void wrap_master_key(KeyFile& file, ByteView kek, ByteView master_key, const crypto::Nonce& nonce);
// Errc::unlock if the KEK does not open the wrapped key.
Result<secure::SecretBytes> unwrap_master_key(const KeyFile& file, ByteView kek);

// What a scoped recipient may hold: the index key (to find secret files by
// name) and one key per scope, in the order of file.scopes.
struct ScopeKey {
  ScopeId id{};
  secure::SecretBytes key;  // 32 bytes
};
struct ScopeBundle {
  secure::SecretBytes index_key;  // 32 bytes
  std::vector<ScopeKey> scopes;
};
// index key || (scope id || scope key) per scope, sealed under the KEK.
// `bundle.scopes` must match file.scopes in number and order.
void wrap_scope_bundle(KeyFile& file, ByteView kek, const ScopeBundle& bundle, const crypto::Nonce& nonce);
// Errc::unlock if the KEK does not open it; Errc::integrity if what it opens
// does not have one entry per scope of the file.
Result<ScopeBundle> unwrap_scope_bundle(const KeyFile& file, ByteView kek);

// The endorsement of a file: BLAKE2b-256 of key_file_body(file) keyed with
// the store's "recipients" subkey.
Endorsement compute_endorsement(ByteView recipients_key, const KeyFile& file);
void endorse(KeyFile& file, ByteView recipients_key);
// False if the file has no endorsement or a wrong one (constant time).
bool endorsement_valid(const KeyFile& file, ByteView recipients_key);

// The id of a scope in scope key files and `key scope:<id>` lines: BLAKE2b
// with a 16-byte output of "vaultx scope id v1" NUL name, keyed by the index key.
ScopeId scope_id_for(ByteView index_key, std::string_view scope_name);
// "scope:<32 hex>", the holder of a secret file's key line for that scope.
std::string scope_holder(const ScopeId& id);

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
