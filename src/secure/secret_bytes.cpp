#include <vaultx/secure/secret_bytes.hpp>

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

namespace vaultx::secure {

namespace {
std::uint8_t* guarded_alloc(std::size_t capacity) {
  if (sodium_init() < 0) throw std::bad_alloc();
  auto* p = static_cast<std::uint8_t*>(sodium_malloc(capacity));
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

SecretBytes::SecretBytes(std::size_t size) {
  reserve(size);
  size_ = size;
}

SecretBytes SecretBytes::copy_of(std::span<const std::uint8_t> bytes) {
  SecretBytes out(bytes.size());
  if (!bytes.empty()) std::memcpy(out.data_, bytes.data(), bytes.size());
  return out;
}

SecretBytes SecretBytes::copy_of(std::string_view text) {
  return copy_of(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));  // NOLINT
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

SecretBytes::~SecretBytes() { release(); }

void SecretBytes::release() noexcept {
  if (data_ != nullptr) sodium_free(data_);  // sodium_free wipes before unmapping
  data_ = nullptr;
  size_ = capacity_ = 0;
}

void SecretBytes::reserve(std::size_t capacity) {
  if (capacity <= capacity_ && data_ != nullptr) return;
  // Zero-size allocations still get a real block so data() is never null.
  std::uint8_t* fresh = guarded_alloc(std::max<std::size_t>(capacity, 1));
  std::memset(fresh, 0, std::max<std::size_t>(capacity, 1));
  if (size_ != 0) std::memcpy(fresh, data_, size_);
  std::size_t keep = size_;
  release();
  data_ = fresh;
  size_ = keep;
  capacity_ = std::max<std::size_t>(capacity, 1);
}

void SecretBytes::append(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  if (size_ + bytes.size() > capacity_) {
    reserve(std::max(size_ + bytes.size(), capacity_ * 2));
  }
  std::memcpy(data_ + size_, bytes.data(), bytes.size());
  size_ += bytes.size();
}

void SecretBytes::truncate(std::size_t new_size) noexcept {
  if (new_size >= size_) return;
  sodium_memzero(data_ + new_size, size_ - new_size);
  size_ = new_size;
}

bool SecretBytes::equals(const SecretBytes& other) const noexcept {
  if (size_ != other.size_) return false;
  if (size_ == 0) return true;
  return sodium_memcmp(data_, other.data_, size_) == 0;
}

}  // namespace vaultx::secure
