// Version marks (STATE/versions/<store id>.versions): for each secret file
// this machine has read or written, the newest (created, version) it saw.
// A file that later shows an older pair is an authentic but outdated copy
// put back over the newer one: a rollback. Local state of this machine,
// never shared through the store.
//
//   vaultx-versions 1
//   mark <file id hex> <created, Unix seconds> <version>
//
// Lines sorted by file id; each id once.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <vaultx/error.hpp>
#include <vaultx/format/fields.hpp>
#include <vaultx/format/secret_file.hpp>

namespace vaultx::format {

// The order of a secret's history. `created` comes first so that a secret
// removed and set again (version 1 anew, created later) is newer than every
// version of its previous life, on any machine.
struct VersionMark {
  UnixSeconds created = 0;
  std::uint64_t version = 0;

  friend auto operator<=>(const VersionMark&, const VersionMark&) = default;
};

// Times before 1970 are not valid in a secret file; clamping keeps every mark encodable.
inline VersionMark mark_of(const SecretMetadata& meta) { return {meta.created < 0 ? 0 : meta.created, meta.version}; }

using VersionMarks = std::map<FileId, VersionMark>;

std::string encode_version_marks(const VersionMarks& marks);
Result<VersionMarks> decode_version_marks(std::string_view text);
// The mark of one file id, found by bisection over the sorted lines: a read
// of one secret costs O(log n) lines, not the whole file. Only the lines it
// visits are checked (Errc::integrity if one is malformed); a file that is
// not sorted may hide a mark, which decode_version_marks would refuse.
Result<std::optional<VersionMark>> find_version_mark(std::string_view text, const FileId& id);

}  // namespace vaultx::format
