// Sizes and durations typed on the command line and in vaultx.toml.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vaultx::format {

// "64M" -> 65536 (KiB). Suffixes K, M, G (KiB, MiB, GiB; case-insensitive);
// a bare number is KiB, as in Argon2's own tools. nullopt on anything else or
// on a result that does not fit 32 bits.
std::optional<std::uint32_t> parse_size_kib(std::string_view text);

// "90d", "12h", "30m", "45s" -> seconds. Exactly one unsigned integer and one
// suffix; nullopt otherwise or on overflow.
std::optional<std::int64_t> parse_duration(std::string_view text);

// An unsigned decimal with no sign, no leading zeros (except "0") and no
// overflow; nullopt otherwise.
std::optional<std::uint64_t> parse_decimal(std::string_view text);

}  // namespace vaultx::format
