#include <vaultx/secure/secret_bytes.hpp>

#include <sodium.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <mutex>
#include <optional>
#include <vector>
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

// Small blocks (keys, most values) come from slabs of guarded memory shared
// by blocks of one size class: a sodium_malloc costs about eight system calls
// and three page faults, and `exec` of 20 secrets made some 80 of them. A slab
// has sodium_malloc's guard pages, mlock and MADV_DONTDUMP around it; what
// the blocks inside give up is a guard page between neighbours. A block is
// wiped when it is released, and its slab is never unmapped.
class SlabPool {
 public:
  static constexpr std::size_t kClasses[] = {32, 64, 128, 256, 512, 1024};
  static constexpr std::size_t kSlabBytes = 64 * 1024;

  // The size class for `size`, or nullopt if it is too large for a slab.
  static std::optional<std::size_t> class_for(std::size_t size) {
#ifdef VAULTX_GUARD_EVERY_BLOCK
    // Sanitizer builds: a block's own guard pages turn an overflow or a use
    // after release into a crash the tests see.
    (void)size;
    return std::nullopt;
#endif
    for (std::size_t c : kClasses) {
      if (size <= c) return c;
    }
    return std::nullopt;
  }

  std::uint8_t* take(std::size_t class_size) {
    std::lock_guard lock(mutex_);
    auto& free = free_[index_of(class_size)];
    if (free.empty()) carve_slab(class_size, free);
    std::uint8_t* block = free.back();
    free.pop_back();
    return block;
  }

  void give_back(std::uint8_t* block, std::size_t class_size) noexcept {
    sodium_memzero(block, class_size);
    std::lock_guard lock(mutex_);
    free_[index_of(class_size)].push_back(block);  // reserved in carve_slab: cannot throw
  }

 private:
  static std::size_t index_of(std::size_t class_size) {
    return static_cast<std::size_t>(std::find(std::begin(kClasses), std::end(kClasses), class_size) -
                                    std::begin(kClasses));
  }

  void carve_slab(std::size_t class_size, std::vector<std::uint8_t*>& free) {
    std::uint8_t* slab = guarded_alloc(kSlabBytes);
    std::memset(slab, 0, kSlabBytes);
    const std::size_t blocks = kSlabBytes / class_size;
    // Room for every block of every slab of this class on the free list, so
    // that give_back never allocates.
    capacity_[index_of(class_size)] += blocks;
    free.reserve(capacity_[index_of(class_size)]);
    for (std::size_t i = blocks; i-- > 0;) free.push_back(slab + i * class_size);
  }

  std::mutex mutex_;
  std::array<std::vector<std::uint8_t*>, std::size(kClasses)> free_;
  std::array<std::size_t, std::size(kClasses)> capacity_{};
};

// Never destroyed: a SecretBytes in a static object may outlive any other
// static, and the slabs hold only wiped blocks or live secrets of this process.
SlabPool& slab_pool() {
  static auto* pool = new SlabPool;
  return *pool;
}

std::uint8_t* allocate_block(std::size_t capacity) {
  if (auto c = SlabPool::class_for(capacity)) return slab_pool().take(*c);
  return guarded_alloc(capacity);
}

void free_block(std::uint8_t* block, std::size_t capacity) noexcept {
  if (auto c = SlabPool::class_for(capacity)) {
    slab_pool().give_back(block, *c);
  } else {
    sodium_free(block);  // sodium_free wipes before unmapping
  }
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
  if (data_ != nullptr) free_block(data_, capacity_);
  data_ = nullptr;
  size_ = capacity_ = 0;
}

void SecretBytes::reserve(std::size_t capacity) {
  if (capacity <= capacity_ && data_ != nullptr) return;
  // Zero-size allocations still get a real block so data() is never null.
  std::uint8_t* fresh = allocate_block(std::max<std::size_t>(capacity, 1));
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
