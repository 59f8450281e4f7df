// Rollback detection on this machine: the newest version of every secret file
// it has read or written (format/version_marks.hpp), kept in the state dir.
// A secret file replaced by an older authentic copy of itself is refused with
// Errc::integrity here; a machine that never saw the newer version cannot
// tell (docs/threat-model.md).
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include <vaultx/format/version_marks.hpp>
#include <vaultx/store/fs.hpp>

namespace vaultx::store {

namespace fs = std::filesystem;

class VersionLedger {
 public:
  VersionLedger(const fs::path& state_dir, const format::StoreId& store_id);

  // Errc::integrity if `meta` is older than what this machine saw for `id`
  // (`secret_file` names the file in the message); else remembers it.
  Status check(const format::FileId& id, const format::SecretMetadata& meta, const fs::path& secret_file);
  // Remembers a version this process wrote itself.
  void record(const format::FileId& id, const format::SecretMetadata& meta);
  // A secret removed through vaultx: its history ends here.
  void forget(const format::FileId& id);
  // Takes the marks as they are now, before the caller reads a secret file:
  // a writer raises the file's version before the ledger's, so a ledger read
  // before the file is never newer than it, while one read after could be
  // (a concurrent writer in between), and a fresh file would look rolled back.
  void snapshot();
  // Parses the whole ledger now, for a caller about to check many files (a
  // listing): one parse instead of a bisection per file. Errors surface
  // from check().
  void preload() { (void)load_once(); }
  // Merges what this process saw into the file, under a lock, so that
  // concurrent readers only ever raise marks. Writes nothing if nothing rose.
  Status flush();

  [[nodiscard]] const fs::path& file() const { return file_; }

 private:
  Result<format::VersionMarks> read() const;
  Status load_once();
  // The newest mark on file for `id` (not counting this process's).
  Result<std::optional<format::VersionMark>> known_mark(const format::FileId& id);
  [[nodiscard]] Error corrupt_ledger(const Error& cause) const;

  static constexpr int kLookupsBeforeLoading = 32;
  int lookups_ = 0;
  std::optional<MappedFile> mapped_;  // the file as snapshot() found it, for bisecting lookups
  bool mapped_absent_ = false;        // snapshot() found no ledger
  Status map_once();

  fs::path file_;
  std::optional<format::VersionMarks> known_;  // the file as first read
  format::VersionMarks risen_;                 // marks above `known_`
  std::vector<format::FileId> forgotten_;
};

}  // namespace vaultx::store
