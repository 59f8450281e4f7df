#include <vaultx/store/version_ledger.hpp>

#include <algorithm>

#include <vaultx/format/encoding.hpp>
#include <vaultx/format/timestamp.hpp>
#include <vaultx/store/fs.hpp>

namespace vaultx::store {

namespace {
// 100,000 secrets at about 70 bytes a mark.
constexpr std::size_t kMaxLedgerBytes = 16 * 1024 * 1024;

std::string describe(const format::VersionMark& mark) {
  return "version " + std::to_string(mark.version) + " created " + format::format_rfc3339(mark.created);
}
}  // namespace

VersionLedger::VersionLedger(const fs::path& state_dir, const format::StoreId& store_id)
    : file_(state_dir / "versions" / (format::hex_encode(store_id) + ".versions")) {}

Result<format::VersionMarks> VersionLedger::read() const {
  auto text = read_file(file_, kMaxLedgerBytes);
  if (!text) {
    if (text.error().code == Errc::not_found) return format::VersionMarks{};
    return std::move(text).error();
  }
  auto marks = format::decode_version_marks(*text);
  if (!marks) return corrupt_ledger(marks.error());
  return marks;
}

Error VersionLedger::corrupt_ledger(const Error& cause) const {
  return Error(Errc::integrity, "version ledger " + file_.string() + " is corrupt (" + cause.message + ")",
               "remove it to start rollback detection afresh from the versions now in the store");
}

Status VersionLedger::load_once() {
  if (known_) return {};
  VAULTX_ASSIGN(auto marks, read());
  // What this process wrote or removed replaces the file's marks (risen_ keeps the new ones).
  for (const auto& id : forgotten_) marks.erase(id);
  known_ = std::move(marks);
  return {};
}

Result<std::optional<format::VersionMark>> VersionLedger::known_mark(const format::FileId& id) {
  // A command that reads a few secrets looks their marks up in the mapped
  // file (a ledger of 100,000 marks is 5 MB); one that reads many parses it once.
  if (!known_ && ++lookups_ > kLookupsBeforeLoading) VAULTX_TRY(load_once());
  if (known_) {
    const auto it = known_->find(id);
    return it == known_->end() ? std::nullopt : std::optional<format::VersionMark>(it->second);
  }
  if (std::find(forgotten_.begin(), forgotten_.end(), id) != forgotten_.end()) return std::optional<format::VersionMark>{};
  VAULTX_TRY(map_once());
  if (!mapped_) return std::optional<format::VersionMark>{};  // no ledger yet
  auto mark = format::find_version_mark(mapped_->text(), id);
  if (!mark) return corrupt_ledger(mark.error());
  return mark;
}

Status VersionLedger::map_once() {
  if (mapped_ || mapped_absent_) return {};
  auto mapped = MappedFile::open(file_, kMaxLedgerBytes);
  if (!mapped) {
    if (mapped.error().code != Errc::not_found) return std::move(mapped).error();
    mapped_absent_ = true;
    return {};
  }
  mapped_.emplace(std::move(*mapped));
  return {};
}

void VersionLedger::snapshot() {
  if (!known_) (void)map_once();  // an error surfaces from check()
}

Status VersionLedger::check(const format::FileId& id, const format::SecretMetadata& meta,
                            const fs::path& secret_file) {
  const auto mark = format::mark_of(meta);
  VAULTX_ASSIGN(std::optional<format::VersionMark> newest, known_mark(id));
  if (auto it = risen_.find(id); it != risen_.end()) newest = newest ? std::max(*newest, it->second) : it->second;
  if (newest && mark < *newest) {
    return Error(Errc::integrity,
                 "secret file " + secret_file.string() + " was rolled back: it holds " + describe(mark) +
                     ", but this machine has seen " + describe(*newest),
                 "an older copy replaced the file (a restored backup, a git revert, or an attacker): restore the newer "
                 "file from git history, or 'vaultx rm' the secret and set it again");
  }
  if (!newest || *newest < mark) risen_[id] = mark;
  return {};
}

void VersionLedger::record(const format::FileId& id, const format::SecretMetadata& meta) {
  // What this process wrote is the newest version by definition, even when it
  // starts a new history below an old mark: replace the mark, do not merge.
  const auto mark = format::mark_of(meta);
  if (known_) (*known_)[id] = mark;
  forgotten_.push_back(id);
  risen_[id] = mark;
}

void VersionLedger::forget(const format::FileId& id) {
  if (known_) known_->erase(id);
  risen_.erase(id);
  forgotten_.push_back(id);
}

Status VersionLedger::flush() {
  if (risen_.empty() && forgotten_.empty()) return {};
  VAULTX_TRY(ensure_private_directory(file_.parent_path()));
  VAULTX_ASSIGN(auto lock, DirectoryLock::acquire(file_.parent_path()));
  // Another process may have raised marks since we read the file: merge, never lower.
  VAULTX_ASSIGN(auto marks, read());
  for (const auto& id : forgotten_) marks.erase(id);
  for (const auto& [id, mark] : risen_) {
    auto [it, inserted] = marks.emplace(id, mark);
    if (!inserted) it->second = std::max(it->second, mark);
  }
  VAULTX_TRY(write_file_atomic(file_, format::encode_version_marks(marks)));
  known_ = std::move(marks);
  risen_.clear();
  forgotten_.clear();
  return {};
}

}  // namespace vaultx::store
