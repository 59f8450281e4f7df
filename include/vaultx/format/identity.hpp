// X25519 identity files (`vaultx identity new`) and the text form of public
// keys that people pass around (`vxpk1:...`).
//
//   vaultx-identity 1                  vaultx-identity 1
//   public-key <base64 32>             public-key <base64 32>
//   secret-key <base64 32>             kdf argon2id v=19 m=.. t=.. p=..
//                                      salt <base64 16>
//                                      sealed-secret-key <sealed 32>
//
// The second form protects the secret key with a passphrase (Argon2id, the
// bounds of passphrase key files); its AD is every byte before the line,
// then "sealed-secret-key". docs/format.md has the details.
#pragma once

#include <array>
#include <optional>
#include <string>

#include <vaultx/crypto/kdf.hpp>
#include <vaultx/crypto/x25519.hpp>
#include <vaultx/format/fields.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::format {

constexpr std::string_view kIdentityMagic = "vaultx-identity 1";
constexpr std::string_view kPublicKeyTextPrefix = "vxpk1:";
constexpr std::size_t kMaxIdentityFileBytes = 1024;

// "vxpk1:" + base64url without padding of the 32 bytes: 49 characters.
std::string public_key_text(const crypto::PublicKey& key);
// Strict: exactly that form, nothing around it.
std::optional<crypto::PublicKey> parse_public_key_text(std::string_view text);

struct IdentityFile {
  crypto::PublicKey public_key{};
  bool sealed = false;
  // plain
  secure::SecretBytes secret_key;  // 32 bytes; empty when sealed
  // sealed
  crypto::KdfParams kdf;
  std::array<std::uint8_t, crypto::kSaltBytes> salt{};
  Sealed sealed_secret_key;
};

// The bytes the sealed secret key's AD covers (everything before its line).
std::string identity_sealed_prefix(const IdentityFile& file);
// In guarded memory: a plain file holds the secret key in base64.
secure::SecretBytes encode_identity_file(const IdentityFile& file);
// Total: any bytes give an IdentityFile or Errc::integrity naming the line.
// It does not check that the keys belong together (see identity_matches).
Result<IdentityFile> decode_identity_file(std::string_view bytes);

// Seals `secret_key` under `kek` (Argon2id of the passphrase with file.kdf
// and file.salt) and marks the file sealed.
void seal_identity_secret(IdentityFile& file, ByteView kek, ByteView secret_key, const crypto::Nonce& nonce);
// Errc::unlock if the KEK does not open it (a wrong passphrase).
Result<secure::SecretBytes> open_identity_secret(const IdentityFile& file, ByteView kek);

// True if `public_key` is the X25519 public key of `secret_key`.
bool identity_matches(const crypto::PublicKey& public_key, const secure::SecretBytes& secret_key);

}  // namespace vaultx::format
