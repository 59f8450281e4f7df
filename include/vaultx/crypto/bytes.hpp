#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace vaultx {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};  // NOLINT: byte view of text
}
inline std::string_view as_text(ByteView b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};  // NOLINT: text view of bytes
}

}  // namespace vaultx
