// Guarded storage for the redactor's tables (private to src/exec/redactor.cpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <type_traits>

#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::exec::detail {

// The automaton and the filter are the values in another shape, so they are
// kept like values: in guarded memory (SecretBytes), wiped when released.
// Each guarded block costs several system calls, so the arrays of one object
// share a block (a Slab) instead of having one each.

// A view of `size` T in a Slab.
template <typename T>
class Array {
 public:
  Array() = default;
  Array(T* data, std::size_t size) noexcept : data_(data), size_(size) {}
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] T* data() const noexcept { return data_; }
  T& operator[](std::size_t i) const noexcept { return data_[i]; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

// One zero-filled guarded block, handed out as arrays. Sizes are rounded up
// to 8 bytes; sodium_malloc ends a block on a page boundary, so a block whose
// size is a multiple of 8 starts 8-aligned, and so does every array in it.
class Slab {
 public:
  Slab() = default;
  explicit Slab(std::size_t bytes) : block_(std::max<std::size_t>(bytes, 8)) {}

  template <typename T>
  static std::size_t bytes_for(std::size_t count) {
    static_assert(std::is_trivially_copyable_v<T> && alignof(T) <= 8);
    if (count > (std::numeric_limits<std::size_t>::max() - 7) / sizeof(T)) throw std::bad_alloc();
    return (count * sizeof(T) + 7) & ~std::size_t{7};
  }

  template <typename T>
  Array<T> take(std::size_t count) {
    const std::size_t bytes = bytes_for<T>(count);
    if (bytes > block_.size() - used_) std::abort();        // sized wrongly: a bug, never a secret-dependent state
    T* data = reinterpret_cast<T*>(block_.data() + used_);  // NOLINT: typed view of guarded bytes
    used_ += bytes;
    return {data, count};
  }

 private:
  secure::SecretBytes block_;
  std::size_t used_ = 0;
};

inline std::uint32_t load_u32(const std::uint8_t* p) noexcept {
  std::uint32_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace vaultx::exec::detail
