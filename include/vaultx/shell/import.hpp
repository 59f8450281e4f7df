// `vaultx import`: reading a dotenv or JSON file, or migrating a pass store,
// into named values, then checking the whole batch against the store before
// anything is written (all or nothing).
//
// Names: a dotenv key or a JSON key path becomes the secret name as it is
// (case kept: DATABASE_URL stays DATABASE_URL, {"aws": {"key": ..}} becomes
// aws/key), with `--prefix P` prepended as P/KEY. A pass entry's name is its
// path in the pass store without ".gpg".
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <vaultx/error.hpp>
#include <vaultx/format/import_entry.hpp>
#include <vaultx/secure/secret_bytes.hpp>
#include <vaultx/store/store.hpp>

namespace vaultx::shell {

namespace fs = std::filesystem;

// Largest file import reads.
inline constexpr std::size_t kMaxImportFileBytes = 16 * 1024 * 1024;

struct ImportItem {
  std::string name;            // the secret name
  secure::SecretBytes value;
  std::string origin;          // "FILE:LINE" or the pass file, for messages
};

// Reads a file ("-": standard input) into guarded memory.
Result<secure::SecretBytes> read_import_file(const std::string& path);

// A --prefix: a valid secret name (a trailing '/' is dropped), or "" for none.
Result<std::string> normalize_prefix(std::string_view prefix);

// Names the entries: PREFIX/KEY, each checked against the name rule (an
// error names the origin). A key given twice keeps its last value, as the
// reference dotenv parser does; `warnings` says so.
Result<std::vector<ImportItem>> name_entries(std::vector<format::ImportedEntry> entries, std::string_view prefix,
                                             std::string_view source, std::vector<std::string>& warnings);

enum class ImportAction { create, update, unchanged, conflict };

struct PlannedImport {
  ImportItem item;
  ImportAction action = ImportAction::create;
  secure::SecretBytes previous;  // update: the value it replaces, to roll back to
};

// Writes the plan. If a write fails, the secrets written before it are
// rolled back (created ones removed, updated ones given their previous value
// again, as a new version) and the error says how that went.
Status apply_import(store::SecretAccess& vault, const std::vector<PlannedImport>& plan,
                    std::vector<std::string>& written);

// What importing would do to each item. Without `overwrite`, an existing
// secret with another value is a conflict. Reads (and so authenticates)
// every existing secret it compares against. A value over the store's 1 MiB
// limit is an error naming its origin.
Result<std::vector<PlannedImport>> plan_import(const store::SecretAccess& vault, std::vector<ImportItem> items,
                                               bool overwrite);

// Errc::exists naming the conflicting secrets, if any.
Status refuse_conflicts(const std::vector<PlannedImport>& plan);

std::string_view action_name(ImportAction action);

// -- pass (https://www.passwordstore.org/)

struct PassEntry {
  std::string name;  // path under the store without ".gpg"
  fs::path file;
};

// Every *.gpg file under `dir`, skipping dot files and directories (.git,
// .gpg-id), sorted by name. Symbolic links are refused, naming them.
Result<std::vector<PassEntry>> list_pass_store(const fs::path& dir);

// `gpg --decrypt` of one entry (fork and exec, no shell), with one trailing
// newline dropped as `pass insert` adds one. An error names the file and
// quotes gpg's last line of complaint.
Result<secure::SecretBytes> decrypt_pass_entry(const PassEntry& entry);

}  // namespace vaultx::shell
