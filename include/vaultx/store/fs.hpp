// Crash-safe file primitives. Every write goes to a temporary file in the
// target's directory, is fsynced, renamed over the target, and the directory
// is fsynced: a reader sees the old file or the new one, never a mix, and a
// crash at any instant leaves one of them intact.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <vaultx/error.hpp>
#include <vaultx/format/listing_cache.hpp>

namespace vaultx::store {

namespace fs = std::filesystem;

// Reads a regular file (not following a final symlink) of at most max_bytes.
// Errc::not_found if it does not exist; Errc::integrity if it is larger, or
// is not a regular file.
Result<std::string> read_file(const fs::path& path, std::size_t max_bytes);

// Atomically replaces (or creates) `path` with `contents`, mode 0600.
Status write_file_atomic(const fs::path& path, std::string_view contents);

// Like write_file_atomic (temporary file, rename, mode 0600) without the
// fsyncs, and not in changed_paths(): for caches that can be rebuilt.
Status write_cache_file(const fs::path& path, std::string_view contents);

// The inode, size, mtime and ctime of `path` (not following a symlink);
// nullopt if it does not exist.
Result<std::optional<format::FileStamp>> file_stamp(const fs::path& path);
// Now, by the coarse clock the kernel stamps files with: a file changed from
// now on gets a ctime at or after it.
std::int64_t file_clock_now_ns();

// Removes `path` and fsyncs its directory. Errc::not_found if absent.
Status remove_file_durable(const fs::path& path);

// Renames `from` to `to` (same file system) and fsyncs both directories.
Status rename_file_durable(const fs::path& from, const fs::path& to);

// Every path this process replaced, created or removed through the three
// functions above, in order (repeats included): what a git-enabled store
// commits when the command ends.
const std::vector<fs::path>& changed_paths();

Status fsync_directory(const fs::path& dir);

// Creates `dir` (and missing parents) with mode 0700, or tightens an existing one.
Status ensure_private_directory(const fs::path& dir);

// Removes temporary files a crashed writer left in `dir`. Call only while
// holding the store's write lock, when no other writer can own one.
void remove_stale_temporaries(const fs::path& dir);
constexpr std::string_view kTempPrefix = ".tmp-";

// An exclusive flock on a directory, held for the object's lifetime.
// Serialises writers; readers never take it.
class DirectoryLock {
 public:
  static Result<DirectoryLock> acquire(const fs::path& dir);
  DirectoryLock(DirectoryLock&& other) noexcept;
  DirectoryLock& operator=(DirectoryLock&&) = delete;
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;
  ~DirectoryLock();

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// A regular file mapped read-only: a reader that looks at a few places of a
// large file touches only their pages, where read_file copies all of it.
class MappedFile {
 public:
  // Errc::not_found if absent; otherwise the checks of read_file.
  static Result<MappedFile> open(const fs::path& path, std::size_t max_bytes);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();
  [[nodiscard]] std::string_view text() const { return {static_cast<const char*>(data_), size_}; }

 private:
  MappedFile(void* data, std::size_t size) : data_(data), size_(size) {}
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

// A file descriptor, closed on scope exit (which also drops a flock on it).
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&&) = delete;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }
  [[nodiscard]] int get() const { return fd_; }
  int release();
  void reset();

 private:
  int fd_;
};

// Writes all of `data`, resuming after short writes and EINTR; errors name `path`.
Status write_all(int fd, std::string_view data, const fs::path& path);

// Names of entries of `dir` (no "." or ".."); empty if the directory is absent.
Result<std::vector<std::string>> list_directory(const fs::path& dir);

std::string describe_errno(int err);

}  // namespace vaultx::store
