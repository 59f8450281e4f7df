// Reading secrets that arrive through the environment or a file.
#pragma once

#include <optional>
#include <string_view>

#include <vaultx/error.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::secure {

// Takes a secret from the environment variable `name`: copies it into
// guarded memory, wipes the original bytes in place (so /proc/PID/environ no
// longer shows them) and unsets the variable. nullopt if it is not set.
std::optional<SecretBytes> take_environment_secret(const char* name);

// Reads a whole descriptor into guarded memory, refusing more than max_bytes.
Result<SecretBytes> read_secret_fd(int fd, std::size_t max_bytes, std::string_view what);

// Reads a passphrase file (VAULTX_PASSPHRASE_FILE): its first line, without
// the line terminator. Errc::unlock if it cannot be read.
Result<SecretBytes> read_passphrase_file(std::string_view path);

// Drops one trailing "\n" (or "\r\n").
void strip_one_newline(SecretBytes& bytes);

}  // namespace vaultx::secure
