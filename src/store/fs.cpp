#include <vaultx/store/fs.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <utility>

#include <vaultx/crypto/aead.hpp>
#include <vaultx/format/encoding.hpp>

namespace vaultx::store {

namespace {
Error io_error(const std::string& what, const fs::path& path, int err) {
  return Error(Errc::failure, what + " " + path.string() + ": " + describe_errno(err));
}

std::vector<fs::path>& journal() {
  static std::vector<fs::path> paths;
  return paths;
}

std::string random_suffix() {
  std::uint8_t raw[8];
  crypto::random_fill(raw);
  return format::hex_encode(raw);
}
}  // namespace

std::string describe_errno(int err) { return std::strerror(err); }

int UniqueFd::release() { return std::exchange(fd_, -1); }

void UniqueFd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status write_all(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot write", path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

namespace {
// Opens a regular file for reading (not through a final symlink) and checks
// its size against `max_bytes`.
Result<std::pair<UniqueFd, std::size_t>> open_regular(const fs::path& path, std::size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Error(Errc::not_found, path.string() + " does not exist");
    if (errno == ELOOP) return Error(Errc::integrity, path.string() + " is a symbolic link, which a store never contains");
    return io_error("cannot open", path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error("cannot stat", path, errno);
  if (!S_ISREG(st.st_mode)) return Error(Errc::integrity, path.string() + " is not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    return Error(Errc::integrity, path.string() + " is larger than any file of its kind (" +
                                      std::to_string(st.st_size) + " bytes)");
  }
  return std::pair{std::move(fd), static_cast<std::size_t>(st.st_size)};
}
}  // namespace

Result<MappedFile> MappedFile::open(const fs::path& path, std::size_t max_bytes) {
  VAULTX_ASSIGN(auto opened, open_regular(path, max_bytes));
  if (opened.second == 0) return MappedFile(nullptr, 0);
  void* data = ::mmap(nullptr, opened.second, PROT_READ, MAP_PRIVATE, opened.first.get(), 0);
  if (data == MAP_FAILED) return io_error("cannot map", path, errno);
  return MappedFile(data, opened.second);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

Result<std::string> read_file(const fs::path& path, std::size_t max_bytes) {
  VAULTX_ASSIGN(auto opened, open_regular(path, max_bytes));
  auto& [fd, size] = opened;
  std::string out;
  out.resize(size + 1);
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::read(fd.get(), out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot read", path, errno);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > max_bytes) return Error(Errc::integrity, path.string() + " grew while being read");
  out.resize(got);
  return out;
}

Status fsync_directory(const fs::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return io_error("cannot open directory", dir, errno);
  if (::fsync(fd.get()) != 0) return io_error("cannot fsync directory", dir, errno);
  return {};
}

namespace {
// Writes `contents` to a temporary file beside `path` and renames it over
// `path`; with `durable`, fsyncs the file before and the directory after.
Status replace_file(const fs::path& path, std::string_view contents, bool durable) {
  const fs::path dir = path.parent_path();
  const fs::path temp = dir / (std::string(kTempPrefix) + random_suffix());
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) return io_error("cannot create a temporary file in", dir, errno);
  // From here on, any failure removes the temporary file.
  auto fail = [&](Error e) -> Status {
    fd.reset();
    ::unlink(temp.c_str());
    return e;
  };
  if (auto st = write_all(fd.get(), contents, temp); !st) return fail(std::move(st).error());
  if (durable && ::fsync(fd.get()) != 0) return fail(io_error("cannot fsync", temp, errno));
  if (::close(fd.release()) != 0) return fail(io_error("cannot close", temp, errno));
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail(io_error("cannot rename into place", path, errno));
  return durable ? fsync_directory(dir) : Status{};
}
}  // namespace

Status write_file_atomic(const fs::path& path, std::string_view contents) {
  VAULTX_TRY(replace_file(path, contents, true));
  journal().push_back(path);
  return {};
}

Status write_cache_file(const fs::path& path, std::string_view contents) { return replace_file(path, contents, false); }

Result<std::optional<format::FileStamp>> file_stamp(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<format::FileStamp>{};
    return io_error("cannot stat", path, errno);
  }
  constexpr std::int64_t kNsPerSecond = 1'000'000'000;
  return std::optional<format::FileStamp>(format::FileStamp{
      static_cast<std::uint64_t>(st.st_ino), static_cast<std::uint64_t>(st.st_size),
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * kNsPerSecond + st.st_mtim.tv_nsec,
      static_cast<std::int64_t>(st.st_ctim.tv_sec) * kNsPerSecond + st.st_ctim.tv_nsec});
}

std::int64_t file_clock_now_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

Status remove_file_durable(const fs::path& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Error(Errc::not_found, path.string() + " does not exist");
    return io_error("cannot remove", path, errno);
  }
  journal().push_back(path);
  return fsync_directory(path.parent_path());
}

Status rename_file_durable(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    if (errno == ENOENT) return Error(Errc::not_found, from.string() + " does not exist");
    return io_error("cannot move", from, errno);
  }
  journal().push_back(from);
  journal().push_back(to);
  VAULTX_TRY(fsync_directory(to.parent_path()));
  return fsync_directory(from.parent_path());
}

const std::vector<fs::path>& changed_paths() { return journal(); }

Status ensure_private_directory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error(Errc::failure, "cannot create directory " + dir.string() + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) return io_error("cannot set mode 0700 on", dir, errno);
  return {};
}

void remove_stale_temporaries(const fs::path& dir) {
  auto names = list_directory(dir);
  if (!names) return;
  for (const auto& name : *names) {
    if (name.starts_with(kTempPrefix)) ::unlink((dir / name).c_str());
  }
}

Result<std::vector<std::string>> list_directory(const fs::path& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return names;
    return io_error("cannot list", dir, errno);
  }
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(d);
  return names;
}

Result<DirectoryLock> DirectoryLock::acquire(const fs::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return io_error("cannot open directory", dir, errno);
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return io_error("cannot lock", dir, errno);
  }
  return DirectoryLock(fd.release());
}

DirectoryLock::DirectoryLock(DirectoryLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace vaultx::store
