// Secret files: one per secret, under secrets/<file id>.secret. See
// docs/format.md for the grammar and every check a reader must make.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <vaultx/format/fields.hpp>
#include <vaultx/format/timestamp.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::format {

constexpr std::string_view kSecretMagic = "vaultx-secret 1";
constexpr std::size_t kMaxValueBytes = 1024 * 1024;
// Generous bound on a whole file: the value in base64 plus headers and wraps.
constexpr std::size_t kMaxSecretFileBytes = 2 * kMaxValueBytes;
constexpr std::string_view kMasterHolder = "master";

struct SecretMetadata {
  std::uint64_t version = 1;
  UnixSeconds created = 0;
  UnixSeconds rotated = 0;  // last change of the value
  std::optional<UnixSeconds> expires;

  friend bool operator==(const SecretMetadata&, const SecretMetadata&) = default;
};

// The data key, wrapped for one holder: "master" (the store's master key) or
// "scope:<32 hex>" (a scope key, for scoped recipients).
struct KeyWrap {
  std::string holder;
  Sealed sealed;

  friend bool operator==(const KeyWrap&, const KeyWrap&) = default;
};

struct SecretFile {
  StoreId store_id{};
  FileId file_id{};
  SecretMetadata meta;
  std::vector<KeyWrap> keys;  // "master" first, then ascending holders
  Sealed name;
  Sealed value;

  friend bool operator==(const SecretFile&, const SecretFile&) = default;
};

// The authenticated header: magic through the expires line.
std::string secret_header(const StoreId& store_id, const FileId& file_id, const SecretMetadata& meta);
std::string encode_secret_file(const SecretFile& file);
// Total: any bytes give a SecretFile or an Errc::integrity error naming the line.
Result<SecretFile> decode_secret_file(std::string_view bytes);

// --- sealing and opening (pure; randomness is explicit or drawn from libsodium)

struct SealRandomness {
  secure::SecretBytes data_key;  // 32 bytes
  crypto::Nonce key_nonce{};
  crypto::Nonce name_nonce{};
  crypto::Nonce value_nonce{};
  static SealRandomness fresh();
};

SecretFile seal_secret(ByteView master_key, const StoreId& store_id, const FileId& file_id,
                       const SecretMetadata& meta, std::string_view name, ByteView value,
                       const SealRandomness& randomness);

// A key the data key is wrapped for: "master" with the master key, or
// "scope:<hex id>" with that scope's key.
struct HolderKey {
  std::string holder;
  ByteView key;
};

// Replaces every key line with one wrap of `data_key` per holder (each with a
// fresh nonce), in the required order. `holders` must contain "master" and
// no holder twice. The header, name and value are unchanged.
void set_key_wraps(SecretFile& file, ByteView data_key, std::vector<HolderKey> holders);

// Errc::integrity when authentication fails (wrong key, or tampered file).
Result<secure::SecretBytes> unwrap_data_key(const SecretFile& file, std::string_view holder, ByteView wrapping_key);
Result<std::string> open_secret_name(const SecretFile& file, ByteView data_key);
Result<secure::SecretBytes> open_secret_value(const SecretFile& file, ByteView data_key);

// Authenticates many secret files without a guarded allocation per file
// (each costs several system calls): the data key and the value are opened
// into scratch buffers owned by the opener, and wiped after each file.
class SecretFileOpener {
 public:
  SecretFileOpener();
  // Checks the data key wrap of `holder`, the name and the value, and returns
  // the name; the value is not kept. Errc::integrity on any failure.
  Result<std::string> authenticate(const SecretFile& file, std::string_view holder, ByteView wrapping_key);

 private:
  secure::SecretBytes data_key_;
  secure::SecretBytes scratch_;
};

}  // namespace vaultx::format
