#include <vaultx/store/identity.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <vaultx/format/identity.hpp>
#include <vaultx/secure/environment.hpp>
#include <vaultx/store/fs.hpp>
#include <vaultx/store/store.hpp>

namespace vaultx::store {

namespace {

Error identity_error(Errc code, const fs::path& path, const std::string& what, std::string hint = {}) {
  return Error(code, "identity file " + path.string() + ": " + what, std::move(hint));
}

// The whole file in guarded memory: a plain identity holds its secret key.
Result<secure::SecretBytes> read_identity_bytes(const fs::path& path, bool check_mode) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    const int err = errno;
    return identity_error(err == ENOENT ? Errc::not_found : Errc::unlock, path, "cannot read it: " + describe_errno(err),
                          "create one with 'vaultx identity new', or point VAULTX_IDENTITY_FILE at it");
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return identity_error(Errc::unlock, path, "not a regular file");
  }
  if (check_mode && (st.st_mode & 077) != 0) {
    return identity_error(Errc::unlock, path, "other users can read or change it (mode " +
                                                  std::to_string((st.st_mode >> 6) & 7) + std::to_string((st.st_mode >> 3) & 7) +
                                                  std::to_string(st.st_mode & 7) + ")",
                          "run 'chmod 600 " + path.string() + "'");
  }
  auto bytes = secure::read_secret_fd(fd.get(), format::kMaxIdentityFileBytes, "identity file " + path.string());
  if (!bytes) return identity_error(Errc::integrity, path, "larger than any identity file");
  return bytes;
}

Result<format::IdentityFile> decode(const fs::path& path, const secure::SecretBytes& bytes) {
  auto file = format::decode_identity_file(bytes.view());
  if (!file) return identity_error(Errc::integrity, path, "corrupt (" + file.error().message + ")");
  return file;
}

}  // namespace

Result<crypto::PublicKey> create_identity(const fs::path& path, const secure::SecretBytes* passphrase,
                                          const crypto::KdfParams& kdf) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(path, ec))) {
    return identity_error(Errc::exists, path, "it already exists; an identity is never overwritten",
                          "choose another file with --out, or remove the old one if nothing uses it");
  }
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::exists(parent, ec)) VAULTX_TRY(ensure_private_directory(parent));

  crypto::X25519Identity id = crypto::generate_identity();
  format::IdentityFile file;
  file.public_key = id.public_key;
  if (passphrase != nullptr) {
    if (crypto::check_kdf_bounds(kdf) != crypto::KdfBound::ok) {
      return Error(Errc::usage, "KDF parameters out of range", "--kdf-memory 8M..4G, --kdf-time 1..16, --kdf-parallelism 1..16");
    }
    file.kdf = kdf;
    crypto::random_fill(file.salt);
    VAULTX_ASSIGN(auto kek, derive_passphrase_kek(*passphrase, kdf, file.salt));
    format::seal_identity_secret(file, kek.span(), id.secret_key.span(), crypto::random_nonce());
  } else {
    file.secret_key = std::move(id.secret_key);
  }
  const secure::SecretBytes text = format::encode_identity_file(file);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == EEXIST) return identity_error(Errc::exists, path, "it already exists; an identity is never overwritten");
    return identity_error(Errc::failure, path, "cannot create it: " + describe_errno(err));
  }
  auto written = write_all(fd.get(), text.view(), path);
  if (written && ::fsync(fd.get()) != 0) written = identity_error(Errc::failure, path, "cannot fsync it");
  if (!written) {
    fd.reset();
    ::unlink(path.c_str());
    return std::move(written).error();
  }
  return file.public_key;
}

Result<crypto::PublicKey> read_identity_public_key(const fs::path& path) {
  VAULTX_ASSIGN(auto bytes, read_identity_bytes(path, false));
  VAULTX_ASSIGN(auto file, decode(path, bytes));
  return file.public_key;
}

Result<crypto::X25519Identity> load_identity(const fs::path& path, const PassphraseSource& passphrase) {
  VAULTX_ASSIGN(auto bytes, read_identity_bytes(path, true));
  VAULTX_ASSIGN(auto file, decode(path, bytes));
  crypto::X25519Identity id;
  id.public_key = file.public_key;
  if (file.sealed) {
    VAULTX_ASSIGN(auto pass, passphrase());
    VAULTX_ASSIGN(auto kek, derive_passphrase_kek(pass, file.kdf, file.salt));
    auto secret = format::open_identity_secret(file, kek.span());
    if (!secret) {
      return identity_error(Errc::unlock, path, "wrong passphrase",
                            "check VAULTX_IDENTITY_PASSPHRASE_FILE / VAULTX_IDENTITY_PASSPHRASE, or type it again");
    }
    id.secret_key = std::move(*secret);
  } else {
    id.secret_key = std::move(file.secret_key);
  }
  if (!format::identity_matches(id.public_key, id.secret_key)) {
    return identity_error(Errc::integrity, path, "its public key is not the one of its secret key (edited?)");
  }
  return id;
}

}  // namespace vaultx::store
