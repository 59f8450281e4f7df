#include <vaultx/audit/trail.hpp>

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include <vaultx/format/encoding.hpp>
#include <vaultx/store/fs.hpp>

namespace vaultx::audit {

namespace {

using format::AuditRecord;
using store::UniqueFd;

Error io_error(const std::string& what, const fs::path& path, int err) {
  return Error(Errc::failure, what + " audit trail " + path.string() + ": " + store::describe_errno(err));
}

Status lock(int fd, int operation, const fs::path& path) {
  while (::flock(fd, operation) != 0) {
    if (errno != EINTR) return io_error("cannot lock the", path, errno);
  }
  return {};
}

Result<std::uint64_t> regular_file_size(int fd, const fs::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return io_error("cannot stat the", path, errno);
  if (!S_ISREG(st.st_mode)) return Error(Errc::integrity, "audit trail " + path.string() + " is not a regular file");
  return static_cast<std::uint64_t>(st.st_size);
}

Status read_exact(int fd, std::uint64_t offset, std::span<char> out, const fs::path& path) {
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(offset + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot read the", path, errno);
    }
    if (n == 0) return Error(Errc::failure, "audit trail " + path.string() + " shrank while being read");
    got += static_cast<std::size_t>(n);
  }
  return {};
}

Error damaged_tail(const fs::path& path, const std::string& why) {
  return Error(Errc::integrity, "audit trail " + path.string() + " ends in a damaged record (" + why + ")",
               "run 'vaultx audit verify'; to start a new trail, move the file aside and keep it as evidence");
}

// The last record of a file of `size` bytes, read backwards in chunks so that
// appending costs the same however long the trail is.
Result<std::optional<AuditRecord>> read_last_record(int fd, std::uint64_t size, const fs::path& path) {
  if (size == 0) return std::optional<AuditRecord>();
  constexpr std::uint64_t kChunk = 4096;
  std::string tail;
  std::uint64_t start = size;
  // The newline before the last line, if it is in `tail` yet.
  auto previous_newline = [&tail] { return tail.size() < 2 ? std::string::npos : tail.rfind('\n', tail.size() - 2); };
  std::size_t newline = std::string::npos;
  do {
    const std::uint64_t n = std::min(kChunk, start);
    start -= n;
    std::string chunk(static_cast<std::size_t>(n), '\0');
    VAULTX_TRY(read_exact(fd, start, chunk, path));
    tail.insert(0, chunk);
    newline = previous_newline();
  } while (newline == std::string::npos && start > 0 && tail.size() <= format::kMaxAuditLineBytes + 1);
  if (tail.back() != '\n') return damaged_tail(path, "no newline at the end: a write was cut short");
  const std::size_t begin = newline == std::string::npos ? 0 : newline + 1;
  if (newline == std::string::npos && start > 0) return damaged_tail(path, "the last line is longer than 1 MiB");
  auto record = format::decode_audit_record(std::string_view(tail).substr(begin, tail.size() - 1 - begin));
  if (!record) return damaged_tail(path, record.error().message);
  return std::optional<AuditRecord>(std::move(*record));
}

// The event as a record: untrusted text made UTF-8, empty list items dropped.
AuditRecord record_for(const AuditEvent& event) {
  auto clean_list = [](const std::vector<std::string>& items) {
    std::vector<std::string> out;
    for (const auto& item : items) {
      if (!item.empty()) out.push_back(format::to_audit_text(item));
    }
    return out;
  };
  AuditRecord r;
  r.time = event.time;
  r.op = event.op;
  r.outcome = event.outcome;
  r.reason = format::to_audit_text(event.reason);
  r.user = format::to_audit_text(event.user);
  r.uid = event.uid;
  r.pid = event.pid;
  r.scopes = clean_list(event.scopes);
  r.names = clean_list(event.names);
  r.prefix = format::to_audit_text(event.prefix);
  r.command = format::to_audit_text(event.command);
  r.status = event.status;
  return r;
}

std::string user_name(uid_t uid) {
  long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::string buffer(size > 0 ? static_cast<std::size_t>(size) : 16384, '\0');
  struct passwd entry {};
  struct passwd* found = nullptr;
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) return {};
  return found->pw_name;
}

}  // namespace

void stamp(AuditEvent& event) {
  event.time = format::now_utc();
  event.uid = static_cast<std::uint32_t>(::getuid());
  event.pid = static_cast<std::uint32_t>(::getpid());
  event.user = user_name(::getuid());
}

AuditTrail AuditTrail::for_store(const fs::path& state_dir, const format::StoreId& store_id) {
  fs::path path = state_dir / "audit" / (format::hex_encode(store_id) + ".log");
  return AuditTrail(state_dir, std::move(path), store_id);
}

Result<AuditRecord> AuditTrail::append(const AuditEvent& event, const secure::SecretBytes* audit_key) const {
  AuditRecord record = record_for(event);
  VAULTX_TRY(validate_audit_record(record));
  VAULTX_TRY(store::ensure_private_directory(state_dir_));
  VAULTX_TRY(store::ensure_private_directory(path_.parent_path()));
  UniqueFd fd(::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600));
  if (fd.get() < 0) return io_error("cannot open the", path_, errno);
  VAULTX_TRY(lock(fd.get(), LOCK_EX, path_));
  VAULTX_ASSIGN(const auto size, regular_file_size(fd.get(), path_));
  if (::fchmod(fd.get(), 0600) != 0) return io_error("cannot set mode 0600 on the", path_, errno);

  VAULTX_ASSIGN(const auto last, read_last_record(fd.get(), size, path_));
  record.seq = last ? last->seq + 1 : 1;
  record.chain = format::audit_chain_next(last ? last->chain : format::audit_genesis(store_id_),
                                          format::encode_audit_body(record));
  if (audit_key != nullptr) record.mac = format::audit_mac(audit_key->span(), record.chain);

  const std::string line = format::encode_audit_record(record) + "\n";
  auto written = store::write_all(fd.get(), line, path_);
  if (written && ::fsync(fd.get()) != 0) written = io_error("cannot fsync the", path_, errno);
  if (!written) {
    // Leave no half line behind: it would stop every later append.
    [[maybe_unused]] const int rc = ::ftruncate(fd.get(), static_cast<off_t>(size));
    return std::move(written).error();
  }
  return record;
}

Status AuditTrail::scan_lines(const std::function<bool(std::string_view, bool)>& visit) const {
  UniqueFd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY));
  if (fd.get() < 0) {
    if (errno == ENOENT) return {};
    if (errno == ELOOP) return Error(Errc::integrity, "audit trail " + path_.string() + " is a symbolic link");
    return io_error("cannot open the", path_, errno);
  }
  VAULTX_TRY(lock(fd.get(), LOCK_SH, path_));
  VAULTX_TRY(regular_file_size(fd.get(), path_));
  // Whole lines are handed out as they arrive; a partial one waits in
  // `buffer` for the next chunk. Memory stays bounded by chunk + longest line.
  constexpr std::size_t kChunk = 1 << 20;
  std::string buffer;
  while (true) {
    const std::size_t kept = buffer.size();
    buffer.resize(kept + kChunk);
    const ssize_t n = ::read(fd.get(), buffer.data() + kept, kChunk);
    if (n < 0) {
      if (errno == EINTR) {
        buffer.resize(kept);
        continue;
      }
      return io_error("cannot read the", path_, errno);
    }
    buffer.resize(kept + static_cast<std::size_t>(n));
    if (n == 0) break;
    std::size_t pos = 0;
    for (std::size_t end; (end = buffer.find('\n', pos)) != std::string::npos; pos = end + 1) {
      if (!visit(std::string_view(buffer).substr(pos, end - pos), true)) return {};
    }
    buffer.erase(0, pos);
    // A "line" this long is no record; the decoder says so and the scan ends.
    if (buffer.size() > format::kMaxAuditLineBytes) {
      visit(buffer, true);
      return {};
    }
  }
  if (!buffer.empty()) visit(buffer, false);
  return {};
}

Status AuditTrail::for_each(const std::function<bool(const AuditRecord&)>& visit) const {
  std::optional<Error> error;
  std::size_t line = 0;
  VAULTX_TRY(scan_lines([&](std::string_view text, bool complete) {
    ++line;
    auto record = complete ? format::decode_audit_record(text)
                           : Result<AuditRecord>(Error(Errc::integrity, "incomplete last line (no newline)"));
    if (!record) {
      error = Error(Errc::integrity,
                    "audit trail " + path_.string() + " line " + std::to_string(line) + ": " + record.error().message,
                    "run 'vaultx audit verify' to check the whole trail");
      return false;
    }
    return visit(*record);
  }));
  if (error) return std::move(*error);
  return {};
}

Result<std::vector<AuditRecord>> AuditTrail::read_all() const {
  std::vector<AuditRecord> records;
  VAULTX_TRY(for_each([&records](const AuditRecord& r) {
    records.push_back(r);
    return true;
  }));
  return records;
}

Result<VerifyReport> AuditTrail::verify(const secure::SecretBytes* audit_key,
                                        const std::optional<format::AuditHead>& expected_head) const {
  TrailVerifier verifier(store_id_, audit_key, expected_head);
  VAULTX_TRY(scan_lines([&verifier](std::string_view line, bool complete) {
    if (complete) return verifier.add_line(line);
    verifier.add_incomplete_line();
    return false;
  }));
  return verifier.finish();
}

Result<VerifyReport> AuditTrail::verify(const std::vector<secure::SecretBytes>& audit_keys,
                                        const std::optional<format::AuditHead>& expected_head) const {
  TrailVerifier verifier(store_id_, audit_keys, expected_head);
  VAULTX_TRY(scan_lines([&verifier](std::string_view line, bool complete) {
    if (complete) return verifier.add_line(line);
    verifier.add_incomplete_line();
    return false;
  }));
  return verifier.finish();
}

Result<format::AuditHead> AuditTrail::head() const {
  UniqueFd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY));
  if (fd.get() < 0) {
    if (errno == ENOENT) return format::AuditHead{0, format::audit_genesis(store_id_)};
    return io_error("cannot open the", path_, errno);
  }
  VAULTX_TRY(lock(fd.get(), LOCK_SH, path_));
  VAULTX_ASSIGN(const auto size, regular_file_size(fd.get(), path_));
  VAULTX_ASSIGN(const auto last, read_last_record(fd.get(), size, path_));
  if (!last) return format::AuditHead{0, format::audit_genesis(store_id_)};
  return format::AuditHead{last->seq, last->chain};
}

}  // namespace vaultx::audit
