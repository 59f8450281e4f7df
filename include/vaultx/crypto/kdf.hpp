// Argon2id through the reference library (libargon2), version 0x13.
#pragma once

#include <cstdint>
#include <optional>

#include <vaultx/crypto/bytes.hpp>
#include <vaultx/error.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::crypto {

struct KdfParams {
  std::uint32_t memory_kib = 64 * 1024;  // RFC 9106 second recommended option
  std::uint32_t time = 3;
  std::uint32_t parallelism = 4;

  friend bool operator==(const KdfParams&, const KdfParams&) = default;
};

// Bounds every stored or requested parameter set must respect. Below the
// floor a key file is treated as tampered with; above the ceiling it is
// refused at once rather than exhausting the machine.
struct KdfLimits {
  static constexpr std::uint32_t min_memory_kib = 8 * 1024;
  static constexpr std::uint32_t max_memory_kib = 4U * 1024 * 1024;
  static constexpr std::uint32_t min_time = 1;
  static constexpr std::uint32_t max_time = 16;
  static constexpr std::uint32_t min_parallelism = 1;
  static constexpr std::uint32_t max_parallelism = 16;
};

enum class KdfBound { ok, below_floor, above_ceiling };
KdfBound check_kdf_bounds(const KdfParams& params) noexcept;

constexpr std::size_t kSaltBytes = 16;

// Raw Argon2id. `secret` and `associated_data` exist for the RFC 9106 test
// vector; vaultx itself passes neither. Returns nullopt if libargon2 refuses
// the parameters or cannot allocate its memory.
std::optional<secure::SecretBytes> argon2id(ByteView password, ByteView salt, const KdfParams& params,
                                            std::size_t out_len, ByteView secret = {},
                                            ByteView associated_data = {});

}  // namespace vaultx::crypto
