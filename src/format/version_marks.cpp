#include <vaultx/format/version_marks.hpp>

#include <algorithm>
#include <limits>

#include <vaultx/format/encoding.hpp>
#include <vaultx/format/units.hpp>

namespace vaultx::format {

namespace {
constexpr std::string_view kMarksMagic = "vaultx-versions 1";

// "<id hex> <created> <version>" split on its two spaces; nullopt on any other shape.
struct MarkWords {
  std::string_view id, created, version;
};

std::optional<MarkWords> split_mark(std::string_view value) {
  const auto first = value.find(' ');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = value.find(' ', first + 1);
  if (second == std::string_view::npos || value.find(' ', second + 1) != std::string_view::npos) return std::nullopt;
  return MarkWords{value.substr(0, first), value.substr(first + 1, second - first - 1), value.substr(second + 1)};
}

Result<std::pair<FileId, VersionMark>> parse_mark(FieldReader& r) {
  VAULTX_ASSIGN(auto value, r.expect("mark"));
  const auto words = split_mark(value);
  if (!words) return r.error("a mark needs a file id, a creation time and a version");
  const auto id_bytes = hex_decode(words->id);
  if (!id_bytes || id_bytes->size() != kIdBytes) return r.error("mark file id is not 32 hex digits");
  const auto created = parse_decimal(words->created);
  if (!created || *created > static_cast<std::uint64_t>(std::numeric_limits<UnixSeconds>::max())) {
    return r.error("mark creation time is not a Unix time");
  }
  const auto version = parse_decimal(words->version);
  if (!version || *version == 0) return r.error("mark version is not a positive integer");
  FileId id{};
  std::copy(id_bytes->begin(), id_bytes->end(), id.begin());
  return std::pair{id, VersionMark{static_cast<UnixSeconds>(*created), *version}};
}
}  // namespace

std::string encode_version_marks(const VersionMarks& marks) {
  FieldWriter w(kMarksMagic);
  for (const auto& [id, mark] : marks) {  // std::map: already in id order
    w.field("mark", hex_encode(id) + " " + std::to_string(mark.created) + " " + std::to_string(mark.version));
  }
  return w.take();
}

Result<VersionMarks> decode_version_marks(std::string_view text) {
  FieldReader r(text);
  VAULTX_TRY(r.expect_line(kMarksMagic));
  VersionMarks marks;
  while (r.next_is("mark")) {
    VAULTX_ASSIGN(auto mark, parse_mark(r));
    if (!marks.empty() && !(marks.rbegin()->first < mark.first)) return r.error("marks out of order or repeated");
    marks.emplace_hint(marks.end(), mark);
  }
  VAULTX_TRY(r.expect_end());
  return marks;
}

}  // namespace vaultx::format
