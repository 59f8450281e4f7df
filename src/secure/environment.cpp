#include <vaultx/secure/environment.hpp>

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace vaultx::secure {

std::optional<SecretBytes> take_environment_secret(const char* name) {
  char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  const std::size_t len = std::strlen(value);
  SecretBytes out = SecretBytes::copy_of(std::string_view(value, len));
  sodium_memzero(value, len);
  ::unsetenv(name);
  return out;
}

Result<SecretBytes> read_secret_fd(int fd, std::size_t max_bytes, std::string_view what) {
  SecretBytes out;
  SecretBytes chunk(64 * 1024);
  while (true) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error(Errc::failure, "cannot read " + std::string(what) + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      return Error(Errc::usage, std::string(what) + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(chunk.span().first(static_cast<std::size_t>(n)));
  }
  return out;
}

void strip_one_newline(SecretBytes& bytes) {
  const auto v = bytes.view();
  if (v.ends_with("\r\n")) {
    bytes.truncate(bytes.size() - 2);
  } else if (v.ends_with('\n')) {
    bytes.truncate(bytes.size() - 1);
  }
}

Result<SecretBytes> read_passphrase_file(std::string_view path) {
  const std::string p(path);
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return Error(Errc::unlock, "cannot read the passphrase file " + p + " (VAULTX_PASSPHRASE_FILE): " +
                                   std::strerror(errno));
  }
  auto content = read_secret_fd(fd, 64 * 1024, "the passphrase file " + p);
  ::close(fd);
  if (!content) return Error(Errc::unlock, content.error().message);
  // The first line is the passphrase, as with other tools' password files.
  const auto v = content->view();
  const auto nl = v.find('\n');
  if (nl != std::string_view::npos) content->truncate(nl);
  if (content->view().ends_with('\r')) content->truncate(content->size() - 1);
  return std::move(*content);
}

}  // namespace vaultx::secure
