// Identity files on disk (format/identity.hpp): created 0600 and never
// overwritten, read into guarded memory, and refused when other users could
// read them.
#pragma once

#include <filesystem>
#include <functional>

#include <vaultx/crypto/kdf.hpp>
#include <vaultx/crypto/x25519.hpp>
#include <vaultx/error.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::store {

namespace fs = std::filesystem;

using PassphraseSource = std::function<Result<secure::SecretBytes>()>;

// Writes a new identity to `path` (0600, created exclusively; a missing
// parent directory is created 0700). With a passphrase, its secret key is
// sealed under Argon2id(passphrase). Errc::exists if the file exists.
Result<crypto::PublicKey> create_identity(const fs::path& path, const secure::SecretBytes* passphrase,
                                          const crypto::KdfParams& kdf);
// The public key of an identity file, without its passphrase.
Result<crypto::PublicKey> read_identity_public_key(const fs::path& path);
// The identity, asking `passphrase` only if the file is sealed. Errc::unlock
// for a wrong passphrase or a file other users can read; Errc::integrity if
// the file is corrupt or its public key is not that of its secret key.
Result<crypto::X25519Identity> load_identity(const fs::path& path, const PassphraseSource& passphrase);

}  // namespace vaultx::store
