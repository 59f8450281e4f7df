// SecretBytes: the only place a key, passphrase or secret value lives.
//
// Memory comes from sodium_malloc: guard pages on both sides, mlock'ed so it is
// never swapped, kept out of core dumps, and wiped with sodium_memzero before
// it is released. Blocks up to 1 KiB share such guarded slabs, one per size
// class (a sodium_malloc per key made an `exec` of 20 secrets spend more time
// mapping memory than decrypting); larger ones get a sodium_malloc each. The type
// is move-only and has no conversion to std::string: code that needs the bytes
// asks for them explicitly (span(), view()), which keeps every copy visible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace vaultx::secure {

class SecretBytes {
 public:
  SecretBytes() noexcept = default;
  // `size` zero bytes.
  explicit SecretBytes(std::size_t size);
  static SecretBytes copy_of(std::span<const std::uint8_t> bytes);
  static SecretBytes copy_of(std::string_view text);

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::uint8_t* data() noexcept { return data_; }
  [[nodiscard]] const std::uint8_t* data() const noexcept { return data_; }
  [[nodiscard]] std::span<std::uint8_t> span() noexcept { return {data_, size_}; }
  [[nodiscard]] std::span<const std::uint8_t> span() const noexcept { return {data_, size_}; }
  // The bytes as text, for writing to an output boundary. Not NUL-terminated.
  [[nodiscard]] std::string_view view() const noexcept {
    return {reinterpret_cast<const char*>(data_), size_};  // NOLINT: byte view
  }

  // Appends bytes, growing into fresh guarded memory (the old block is wiped).
  void append(std::span<const std::uint8_t> bytes);
  // Shrinks the logical size; the dropped tail is wiped at once.
  void truncate(std::size_t new_size) noexcept;
  // Constant-time equality (sodium_memcmp); sizes are compared first.
  [[nodiscard]] bool equals(const SecretBytes& other) const noexcept;

 private:
  void reserve(std::size_t capacity);
  void release() noexcept;

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace vaultx::secure
