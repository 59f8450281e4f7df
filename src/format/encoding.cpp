#include <vaultx/format/encoding.hpp>

#include <sodium.h>

#include <algorithm>

namespace vaultx::format {

std::string base64_encode(ByteView bytes) {
  if (bytes.empty()) return {};
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

std::optional<Bytes> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  if (text.empty()) return Bytes{};  // libsodium's pointers must not be null
  Bytes out(text.size() / 4 * 3);
  std::size_t written = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(written);
  // libsodium tolerates non-zero padding bits; re-encoding rejects them.
  if (base64_encode(out) != text) return std::nullopt;
  return out;
}

secure::SecretBytes base64_encode_secret(ByteView bytes) {
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  secure::SecretBytes out(sodium_base64_ENCODED_LEN(bytes.size(), variant));
  sodium_bin2base64(reinterpret_cast<char*>(out.data()), out.size(), bytes.data(), bytes.size(),  // NOLINT
                    variant);
  out.truncate(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<secure::SecretBytes> base64_decode_secret(std::string_view text) {
  if (text.size() % 4 != 0 || text.empty()) return std::nullopt;
  secure::SecretBytes out(text.size() / 4 * 3);
  std::size_t written = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.truncate(written);
  const secure::SecretBytes again = base64_encode_secret(out.span());
  if (again.size() != text.size() || sodium_memcmp(again.data(), text.data(), text.size()) != 0) return std::nullopt;
  return out;
}

std::string base64url_encode(ByteView bytes) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
  out.resize(out.size() - 1);
  return out;
}

std::optional<Bytes> base64url_decode(std::string_view text) {
  Bytes out(text.size() / 4 * 3 + 3);
  std::size_t written = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(written);
  if (base64url_encode(out) != text) return std::nullopt;
  return out;
}

std::string hex_encode(ByteView bytes) {
  if (bytes.empty()) return {};
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();
  return out;
}

std::optional<Bytes> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  const bool lower_hex = std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (!lower_hex) return std::nullopt;
  if (text.empty()) return Bytes{};
  Bytes out(text.size() / 2);
  std::size_t written = 0;
  if (sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written, nullptr) != 0 ||
      written != out.size()) {
    return std::nullopt;
  }
  return out;
}

}  // namespace vaultx::format
