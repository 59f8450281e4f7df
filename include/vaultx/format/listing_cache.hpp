// The listing cache (STATE/listings/<store id>.listing): what `ls` learned
// from each secret file (its name and metadata), keyed by the file's stamp on
// disk, so that a listing authenticates only the files that changed since.
// Local state of one machine, never shared through the store. Everything
// but the store id is sealed under a subkey of the master key:
//
//   vaultx-listing 1
//   store <store id hex>
//   sealed <length>
//   <length bytes: nonce || ciphertext || tag>
//
// (raw bytes: a cache of 100,000 names is 17 MB, and base64 cost a third of
// reading it.)
//
// The plaintext:
//
//   vaultx-listing 1
//   dir <inode> <mtime ns> <ctime ns>   secrets/ when every file in it was
//   dir -                               listed and cached; else "-"
//   file <id hex> <inode> <size> <mtime ns> <ctime ns> <version> <created> <rotated> <expires or -> <name>
//
// File lines sorted by id; each id once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <vaultx/crypto/aead.hpp>
#include <vaultx/error.hpp>
#include <vaultx/format/fields.hpp>
#include <vaultx/format/secret_file.hpp>

namespace vaultx::format {

// What changes whenever a file's content or a directory's entries change:
// a write in place moves the ctime, a replacement by rename the inode too.
struct FileStamp {
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;

  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

struct ListedFile {
  FileId id{};
  FileStamp stamp;
  std::string name;
  SecretMetadata meta;

  friend bool operator==(const ListedFile&, const ListedFile&) = default;
};

struct ListingCache {
  // The stamp of secrets/ (its size not kept) when `files` were all of its secret files.
  std::optional<FileStamp> directory;
  std::vector<ListedFile> files;  // sorted by id

  friend bool operator==(const ListingCache&, const ListingCache&) = default;
  // The cached file with this id, or nullptr.
  [[nodiscard]] const ListedFile* find(const FileId& id) const;
};

// The plaintext, and its strict parser (Errc::integrity naming the line).
std::string encode_listing_plaintext(const ListingCache& cache);
Result<ListingCache> decode_listing_plaintext(std::string_view text);

std::string seal_listing_cache(ByteView key, const StoreId& store_id, const ListingCache& cache,
                               const crypto::Nonce& nonce);
// Errc::integrity if the file is malformed, belongs to another store or does
// not authenticate under `key` (a master key changed by a rekey).
Result<ListingCache> open_listing_cache(ByteView key, const StoreId& store_id, std::string_view file);

}  // namespace vaultx::format
