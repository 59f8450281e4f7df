#include <vaultx/store/pins.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include <vaultx/format/encoding.hpp>
#include <vaultx/store/fs.hpp>

namespace vaultx::store {

namespace {
constexpr std::size_t kMaxPinsFileBytes = 1024 * 1024;
}

PinStore::PinStore(const fs::path& state_dir, const format::StoreId& store_id)
    : file_(state_dir / "pins" / (format::hex_encode(store_id) + ".pins")) {}

Result<std::vector<format::CommandPin>> PinStore::load() const {
  auto text = read_file(file_, kMaxPinsFileBytes);
  if (!text) {
    if (text.error().code == Errc::not_found) return std::vector<format::CommandPin>{};
    return std::move(text).error();
  }
  auto pins = format::decode_pins(*text);
  if (!pins) {
    return Error(Errc::integrity, "pin file " + file_.string() + " is corrupt (" + pins.error().message + ")",
                 "remove it and pin the commands again with 'vaultx scope pin'");
  }
  return pins;
}

Status PinStore::save(const std::vector<format::CommandPin>& pins) {
  VAULTX_TRY(ensure_private_directory(file_.parent_path()));
  return write_file_atomic(file_, format::encode_pins(pins));
}

Status PinStore::put(const format::CommandPin& pin) {
  VAULTX_TRY(ensure_private_directory(file_.parent_path()));
  VAULTX_ASSIGN(auto lock, DirectoryLock::acquire(file_.parent_path()));
  VAULTX_ASSIGN(auto pins, load());
  std::erase_if(pins, [&](const auto& p) { return p.scope == pin.scope && p.path == pin.path; });
  pins.push_back(pin);
  return save(pins);
}

Status PinStore::remove(std::string_view scope, std::string_view path) {
  VAULTX_TRY(ensure_private_directory(file_.parent_path()));
  VAULTX_ASSIGN(auto lock, DirectoryLock::acquire(file_.parent_path()));
  VAULTX_ASSIGN(auto pins, load());
  const auto removed = std::erase_if(pins, [&](const auto& p) { return p.scope == scope && p.path == path; });
  if (removed == 0) {
    return Error(Errc::not_found, "scope '" + std::string(scope) + "' has no pin for " + std::string(path),
                 "list the pins with 'vaultx scope pins'");
  }
  return save(pins);
}

Result<crypto::Sha256Digest> hash_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return Error(errno == ENOENT ? Errc::not_found : Errc::failure,
                 "cannot read " + path.string() + ": " + describe_errno(errno));
  }
  crypto::Sha256 hash;
  std::array<std::uint8_t, 64 * 1024> chunk{};
  while (true) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Error(Errc::failure, "cannot read " + path.string() + ": " + describe_errno(err));
    }
    if (n == 0) break;
    hash.update(ByteView(chunk.data(), static_cast<std::size_t>(n)));
  }
  ::close(fd);
  return hash.finish();
}

}  // namespace vaultx::store
