// Shared by Vault and ScopedVault (private to the store layer).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <vaultx/store/store.hpp>

namespace vaultx::store {

// Prefixes an integrity error with the file and a hint to restore it.
Error with_file_context(Error e, const fs::path& path);
// The error for a secret file with git conflict markers, naming the secret if known.
Error conflict_error(const fs::path& path, const std::optional<std::string>& name);
// Reads and decodes a secret file and checks its store id and file id.
// `namer` names the secret of a file with conflict markers, if it can.
Result<format::SecretFile> load_secret_file(const Store& store, const fs::path& path, const format::FileId& expected_id,
                                            const std::function<std::optional<std::string>(std::string_view)>& namer);
// The error of a failed read of the secret `name`: not found (with
// `not_found_hint`), or the file's error prefixed with the secret's name.
Error secret_read_error(Error e, std::string_view name, const Store& store, const std::string& not_found_hint);
// The file id of "<32 hex>.secret"; nullopt for anything else.
std::optional<format::FileId> file_id_of_path(std::string_view file_name);

}  // namespace vaultx::store
