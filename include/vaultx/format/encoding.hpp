// Canonical text encodings of binary fields (libsodium codecs).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <vaultx/crypto/bytes.hpp>

namespace vaultx::format {

// Standard base64 alphabet with '=' padding (RFC 4648 section 4).
std::string base64_encode(ByteView bytes);
// Accepts only the canonical encoding: no whitespace, exact padding, zero
// trailing bits. Anything else is nullopt, so each value has one spelling.
std::optional<Bytes> base64_decode(std::string_view text);

// Lower-case hex.
std::string hex_encode(ByteView bytes);
// Accepts exactly 2*N lower-case hex digits.
std::optional<Bytes> hex_decode(std::string_view text);

}  // namespace vaultx::format
