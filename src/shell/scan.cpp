#include <vaultx/shell/scan.hpp>

#include <vaultx/store/store.hpp>

#include <fcntl.h>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <vaultx/exec/redactor.hpp>
#include <vaultx/shell/process.hpp>

namespace vaultx::shell {

namespace {

// Lower- or upper-case hex of `value`, in guarded memory.
secure::SecretBytes hex_form(ByteView value, bool upper) {
  static constexpr const char* kLower = "0123456789abcdef";
  static constexpr const char* kUpper = "0123456789ABCDEF";
  const char* digits = upper ? kUpper : kLower;
  secure::SecretBytes out(2 * value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    out.data()[2 * i] = static_cast<std::uint8_t>(digits[value[i] >> 4]);
    out.data()[2 * i + 1] = static_cast<std::uint8_t>(digits[value[i] & 15]);
  }
  return out;
}

bool same_bytes(ByteView a, ByteView b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

// An mmap'ed file, unmapped on every exit path.
class Mapping {
 public:
  Mapping(void* data, std::size_t size) : data_(data), size_(size) {}
  ~Mapping() {
    if (data_ != MAP_FAILED && size_ != 0) ::munmap(data_, size_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  [[nodiscard]] ByteView bytes() const { return {static_cast<const std::uint8_t*>(data_), size_}; }

 private:
  void* data_;
  std::size_t size_;
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

Error io_error(const fs::path& file, const std::string& what, int err) {
  return Error(Errc::failure, "cannot " + what + " " + file.string() + ": " + std::strerror(err));
}

}  // namespace

Scanner::Scanner(const std::vector<ScanSecret>& secrets) {
  // Encoded entries first (index i is secret i), then hex lower and upper,
  // which the redactor matches as they are.
  std::vector<exec::MaskedValue> encoded;
  std::vector<secure::SecretBytes> hexes;
  for (std::uint32_t i = 0; i < secrets.size(); ++i) {
    names_.push_back(secrets[i].name);
    values_.push_back(secure::SecretBytes::copy_of(secrets[i].value->span()));
    entries_.push_back({i, false});
  }
  for (std::uint32_t i = 0; i < secrets.size(); ++i) {
    encoded.push_back({names_[i], values_[i].span()});
    if (values_[i].size() < exec::Redactor::kMinValueSize) continue;  // the redactor lists it as too short
    for (bool upper : {false, true}) {
      hexes.push_back(hex_form(values_[i].span(), upper));
      entries_.push_back({i, true});
    }
  }
  std::vector<exec::MaskedValue> raw;
  std::size_t h = 0;
  for (std::size_t e = secrets.size(); e < entries_.size(); ++e) raw.push_back({names_[entries_[e].secret], hexes[h++].span()});
  redactor_ = std::make_unique<exec::Redactor>(encoded, raw);
}

Scanner::~Scanner() = default;

const std::vector<std::string>& Scanner::too_short() const { return redactor_->skipped_names(); }

// Which encoding `matched` is. The forms of a value are listed at
// exec::redaction_forms; they differ from each other in the characters that
// only some encodings write.
std::string Scanner::form_of(const Entry& entry, ByteView matched) const {
  if (entry.hex) return "hex";
  const ByteView value = values_[entry.secret].span();
  if (same_bytes(matched, value)) return "plain";
  const auto has = [matched](char c) { return std::find(matched.begin(), matched.end(), c) != matched.end(); };
  if (has('\\')) return "json";
  if (has('%')) return "url";
  if (has('+') && matched.size() == value.size()) return "url";  // spaces as '+', nothing else escaped
  return "base64";
}

void Scanner::scan_text(ByteView text, const std::string& path, std::vector<ScanHit>& hits) {
  std::vector<exec::Redactor::Match> matches;
  redactor_->find(text, matches);
  std::size_t line = 1;
  std::size_t counted = 0;  // newlines counted in text[0, counted)
  const ScanHit* last = nullptr;
  for (const auto& m : matches) {
    line += static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted),
                                                text.begin() + static_cast<std::ptrdiff_t>(m.start), '\n'));
    counted = m.start;
    const Entry& entry = entries_[m.name];
    std::string form = form_of(entry, text.subspan(m.start, m.end - m.start));
    const std::string& name = names_[entry.secret];
    // The same value twice on one line is one finding.
    if (last != nullptr && last->line == line && last->name == name && last->form == form) continue;
    hits.push_back({path, line, name, std::move(form)});
    last = &hits.back();
  }
}

Status Scanner::scan_file(const fs::path& file, std::vector<ScanHit>& hits) {
  const Fd fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return io_error(file, "open", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error(file, "stat", errno);
  if (!S_ISREG(st.st_mode)) return Status{};
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size == 0 || size > kMaxScanFileSize) return Status{};
  void* data = ::mmap(nullptr, static_cast<std::size_t>(size), PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (data == MAP_FAILED) return io_error(file, "read", errno);
  const Mapping mapping(data, static_cast<std::size_t>(size));
  scan_text(mapping.bytes(), file.string(), hits);
  return Status{};
}

namespace {

bool under(const fs::path& path, const fs::path& dir) {
  if (dir.empty()) return false;
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(path, ec);
  if (ec) return false;
  auto [d, p] = std::mismatch(dir.begin(), dir.end(), canonical.begin(), canonical.end());
  return d == dir.end();
}

// Checks one candidate: a regular file of acceptable size, not in the store.
void consider(const fs::path& file, const fs::path& skip_dir, std::vector<fs::path>& files,
              std::vector<std::string>& notes) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(file, ec);
  if (ec) return;
  if (fs::is_symlink(status)) return;  // never followed
  if (!fs::is_regular_file(status)) return;
  if (under(file, skip_dir)) return;
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec) return;
  if (size > kMaxScanFileSize) {
    notes.push_back("skipped " + file.string() + ": larger than 64 MiB");
    return;
  }
  files.push_back(file);
}

// The files of a git work tree under `dir`, tracked or untracked but not
// ignored; nullopt when `dir` is not in a work tree (or git is missing).
std::optional<std::vector<fs::path>> git_files(const fs::path& dir) {
  return git_ls_files(dir, {"-co", "--exclude-standard"});
}

void walk(const fs::path& dir, const fs::path& skip_dir, std::vector<fs::path>& files,
          std::vector<std::string>& notes) {
  std::vector<fs::path> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    if (entry.is_symlink(ec)) continue;
    if (entry.is_directory(ec)) {
      if (entry.path().filename() == ".git" || under(entry.path(), skip_dir)) it.disable_recursion_pending();
      continue;
    }
    found.push_back(entry.path().lexically_normal());
  }
  std::sort(found.begin(), found.end());
  for (const auto& file : found) consider(file, skip_dir, files, notes);
}

}  // namespace

std::optional<std::vector<fs::path>> git_ls_files(const fs::path& dir, const std::vector<std::string>& args) {
  if (!have_program("git")) return std::nullopt;
  ProcessSpec spec;
  spec.argv = {"git", "ls-files", "-z"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = dir;
  auto result = run_process(spec);
  if (!result || !result->succeeded()) return std::nullopt;
  std::vector<fs::path> files;
  const std::string_view out = as_text(result->out.span());
  std::size_t from = 0;
  while (from < out.size()) {
    std::size_t end = out.find('\0', from);
    if (end == std::string_view::npos) end = out.size();
    if (end > from) files.push_back((dir / out.substr(from, end - from)).lexically_normal());
    from = end + 1;
  }
  return files;
}

Result<std::unique_ptr<Scanner>> scanner_for(const store::SecretAccess& access,
                                             const std::vector<store::Entry>& entries) {
  std::vector<store::Secret> secrets;
  secrets.reserve(entries.size());
  for (const auto& entry : entries) {
    VAULTX_ASSIGN(auto secret, access.get(entry.name));
    secrets.push_back(std::move(secret));
  }
  std::vector<ScanSecret> values;
  values.reserve(secrets.size());
  for (const auto& s : secrets) values.push_back({s.name, &s.value});
  return std::make_unique<Scanner>(values);
}

Result<std::vector<fs::path>> list_scan_files(const std::vector<std::string>& paths, const fs::path& skip_dir,
                                              std::vector<std::string>& notes) {
  std::error_code ec;
  fs::path store = skip_dir.empty() ? fs::path() : fs::weakly_canonical(skip_dir, ec);
  if (ec) store.clear();
  std::vector<fs::path> files;
  for (const std::string& given : paths) {
    const fs::path path(given);
    const fs::file_status status = fs::symlink_status(path, ec);
    if (ec || !fs::exists(status)) {
      return Error(Errc::not_found, "no such file or directory: " + given, "check the PATH arguments");
    }
    if (fs::is_symlink(status)) {
      notes.push_back("skipped " + given + ": a symbolic link");
    } else if (fs::is_directory(status)) {
      if (auto listed = git_files(path)) {
        for (const auto& file : *listed) consider(file, store, files, notes);
      } else {
        walk(path, store, files, notes);
      }
    } else {
      consider(path, store, files, notes);
    }
  }
  return files;
}

}  // namespace vaultx::shell
