// Scope key files: scopes/<scope id>.key, one per scope that a scoped
// recipient holds. The scope key wraps the data keys of the scope's secrets
// (`key scope:<id>` lines); here it is sealed under the master key, so that
// anyone holding the master key can add wraps for the scope.
//
//   vaultx-scope 1
//   store <hex>
//   scope <hex>
//   wrapped-key <sealed 32>     AD = lines 1-3 || "wrapped-key"
#pragma once

#include <string>

#include <vaultx/format/key_file.hpp>

namespace vaultx::format {

constexpr std::string_view kScopeKeyMagic = "vaultx-scope 1";

struct ScopeKeyFile {
  StoreId store_id{};
  ScopeId scope_id{};
  Sealed wrapped_key;

  friend bool operator==(const ScopeKeyFile&, const ScopeKeyFile&) = default;
};

std::string scope_key_file_prefix(const ScopeKeyFile& file);
std::string encode_scope_key_file(const ScopeKeyFile& file);
Result<ScopeKeyFile> decode_scope_key_file(std::string_view bytes);
void wrap_scope_key(ScopeKeyFile& file, ByteView master_key, ByteView scope_key, const crypto::Nonce& nonce);
// Errc::integrity if the master key does not open it: the file was replaced
// or edited by someone without the master key.
Result<secure::SecretBytes> unwrap_scope_key(const ScopeKeyFile& file, ByteView master_key);

}  // namespace vaultx::format
