// Canonical text encodings of binary fields (libsodium codecs).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <vaultx/crypto/bytes.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::format {

// Standard base64 alphabet with '=' padding (RFC 4648 section 4).
std::string base64_encode(ByteView bytes);
// Accepts only the canonical encoding: no whitespace, exact padding, zero
// trailing bits. Anything else is nullopt, so each value has one spelling.
std::optional<Bytes> base64_decode(std::string_view text);

// The same canonical base64, decoded straight into guarded memory (for
// secret keys in identity files): no unguarded copy of the bytes is made.
std::optional<secure::SecretBytes> base64_decode_secret(std::string_view text);
// Base64 of secret bytes, into guarded memory.
secure::SecretBytes base64_encode_secret(ByteView bytes);

// RFC 4648 section 5 (URL- and file-safe alphabet), without padding, for
// public keys shown to people. Decoding accepts only the canonical form.
std::string base64url_encode(ByteView bytes);
std::optional<Bytes> base64url_decode(std::string_view text);

// Lower-case hex.
std::string hex_encode(ByteView bytes);
// Accepts exactly 2*N lower-case hex digits.
std::optional<Bytes> hex_decode(std::string_view text);

}  // namespace vaultx::format
