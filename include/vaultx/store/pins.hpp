// Command pins of one store on this machine (see format/pins.hpp).
#pragma once

#include <filesystem>
#include <vector>

#include <vaultx/format/fields.hpp>
#include <vaultx/format/pins.hpp>

namespace vaultx::store {

namespace fs = std::filesystem;

class PinStore {
 public:
  PinStore(const fs::path& state_dir, const format::StoreId& store_id);

  // No file: no pins.
  Result<std::vector<format::CommandPin>> load() const;
  // Records (or replaces) the pin of `path` for `scope`.
  Status put(const format::CommandPin& pin);
  // Errc::not_found if there was no such pin.
  Status remove(std::string_view scope, std::string_view path);

  [[nodiscard]] const fs::path& file() const { return file_; }

 private:
  Status save(const std::vector<format::CommandPin>& pins);
  fs::path file_;
};

// SHA-256 of a file's content, read in chunks.
Result<crypto::Sha256Digest> hash_file(const fs::path& path);

}  // namespace vaultx::store
