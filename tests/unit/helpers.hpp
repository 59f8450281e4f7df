// Small helpers shared by the unit tests (not a test file itself: the runner
// globs *.cpp only).
#pragma once

#include <sodium.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>

#include <vaultx/crypto/bytes.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::test {

// Lower-case hex; throws on bad input because test literals are trusted.
inline Bytes unhex(std::string_view hex) {
  Bytes out(hex.size() / 2);
  std::size_t written = 0;
  if (hex.size() % 2 != 0 ||
      sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &written, nullptr) != 0 ||
      written != out.size()) {
    throw std::invalid_argument("bad hex in a test literal");
  }
  return out;
}

inline std::string hex(ByteView bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();
  return out;
}

// `n` bytes start, start+1, ... (wrapping), the pattern used by the vectors.
inline Bytes ramp(std::uint8_t start, std::size_t n) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(start + i);
  return out;
}

inline Bytes filled(std::uint8_t byte, std::size_t n) { return Bytes(n, byte); }

inline secure::SecretBytes secret(std::string_view text) { return secure::SecretBytes::copy_of(text); }

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_text(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// A private directory under /tmp, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/vaultx-unit-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace vaultx::test
