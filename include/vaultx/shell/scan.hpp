// `vaultx scan`: find stored values, and their encoded forms, in files. The
// matching is the exec redactor's (one automaton over every form); this
// layer adds the hex forms, picks the files and turns offsets into lines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <vaultx/crypto/bytes.hpp>
#include <vaultx/error.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::exec {
class Redactor;
}
namespace vaultx::store {
class SecretAccess;
struct Entry;
}  // namespace vaultx::store

namespace vaultx::shell {

namespace fs = std::filesystem;

// Files larger than this are skipped (with a note).
inline constexpr std::uint64_t kMaxScanFileSize = 64ull * 1024 * 1024;

struct ScanSecret {
  std::string name;
  const secure::SecretBytes* value;  // must outlive the Scanner's constructor only
};

struct ScanHit {
  std::string path;
  std::size_t line;  // 1-based
  std::string name;
  std::string form;  // plain, base64, url, json, hex
};

class Scanner {
 public:
  explicit Scanner(const std::vector<ScanSecret>& secrets);
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Names whose values are too short to look for.
  [[nodiscard]] const std::vector<std::string>& too_short() const;
  // Appends the hits in `text`, reported under `path`.
  void scan_text(ByteView text, const std::string& path, std::vector<ScanHit>& hits);
  // Reads a regular file (no symlink) and scans it.
  Status scan_file(const fs::path& file, std::vector<ScanHit>& hits);

 private:
  struct Entry {
    std::uint32_t secret;
    bool hex;
  };
  std::string form_of(const Entry& entry, ByteView matched) const;

  std::vector<std::string> names_;
  std::vector<secure::SecretBytes> values_;  // copies, to label matches
  std::vector<Entry> entries_;               // by redactor name index
  std::unique_ptr<exec::Redactor> redactor_;
};

// A scanner for the values of `entries`, read one by one through `access`
// (the copies it keeps are its own; nothing else stays in memory).
Result<std::unique_ptr<Scanner>> scanner_for(const store::SecretAccess& access, const std::vector<store::Entry>& entries);

// `git ls-files -z ARGS` run in `dir`, as paths under `dir`; nullopt when
// `dir` is not in a git work tree or git is missing.
std::optional<std::vector<fs::path>> git_ls_files(const fs::path& dir, const std::vector<std::string>& args);

// The files to scan under `paths`: a file as given; a directory walked
// without following symlinks, through `git ls-files -co --exclude-standard`
// when it is in a git work tree (so .gitignore is honoured); .git/ and
// everything under `skip_dir` (the store) left out. Files skipped for being
// symlinks or too large are described in `notes`. Errc::not_found for a
// PATH that does not exist.
Result<std::vector<fs::path>> list_scan_files(const std::vector<std::string>& paths, const fs::path& skip_dir,
                                              std::vector<std::string>& notes);

}  // namespace vaultx::shell
