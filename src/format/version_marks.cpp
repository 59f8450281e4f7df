#include <vaultx/format/version_marks.hpp>

#include <algorithm>
#include <limits>
#include <variant>

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

// The value of a "mark" line; a message saying what is wrong otherwise.
std::variant<std::pair<FileId, VersionMark>, std::string> parse_mark_value(std::string_view value) {
  const auto words = split_mark(value);
  if (!words) return std::string("a mark needs a file id, a creation time and a version");
  const auto id_bytes = hex_decode(words->id);
  if (!id_bytes || id_bytes->size() != kIdBytes) return std::string("mark file id is not 32 hex digits");
  const auto created = parse_decimal(words->created);
  if (!created || *created > static_cast<std::uint64_t>(std::numeric_limits<UnixSeconds>::max())) {
    return std::string("mark creation time is not a Unix time");
  }
  const auto version = parse_decimal(words->version);
  if (!version || *version == 0) return std::string("mark version is not a positive integer");
  FileId id{};
  std::copy(id_bytes->begin(), id_bytes->end(), id.begin());
  return std::pair{id, VersionMark{static_cast<UnixSeconds>(*created), *version}};
}

Result<std::pair<FileId, VersionMark>> parse_mark(FieldReader& r) {
  VAULTX_ASSIGN(auto value, r.expect("mark"));
  auto mark = parse_mark_value(value);
  if (auto* problem = std::get_if<std::string>(&mark)) return r.error(*problem);
  return std::get<0>(std::move(mark));
}

constexpr std::string_view kMarkPrefix = "mark ";
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

Result<std::optional<VersionMark>> find_version_mark(std::string_view text, const FileId& id) {
  auto corrupt = [](const std::string& what) { return Error(Errc::integrity, what); };
  const auto body_start = text.find('\n');
  if (body_start == std::string_view::npos || text.substr(0, body_start) != kMarksMagic) {
    return corrupt("the first line is not '" + std::string(kMarksMagic) + "'");
  }
  if (!text.ends_with('\n')) return corrupt("the last line does not end");
  // Invariant: the line of `id`, if any, starts in [lo, hi), and lo is a line start.
  std::size_t lo = body_start + 1;
  std::size_t hi = text.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const std::size_t prev_newline = text.rfind('\n', mid - 1);
    const std::size_t start = prev_newline == std::string_view::npos || prev_newline < lo ? lo : prev_newline + 1;
    const std::size_t end = text.find('\n', start);  // found: the text ends with one
    const std::string_view line = text.substr(start, end - start);
    if (!line.starts_with(kMarkPrefix)) return corrupt("a line in the middle is not a mark");
    auto mark = parse_mark_value(line.substr(kMarkPrefix.size()));
    if (auto* problem = std::get_if<std::string>(&mark)) return corrupt(*problem);
    const auto& [line_id, line_mark] = std::get<0>(mark);
    if (line_id == id) return std::optional<VersionMark>(line_mark);
    if (line_id < id) {  // ids sort as their lower-case hex does
      lo = end + 1;
    } else {
      hi = start;
    }
  }
  return std::optional<VersionMark>{};
}

}  // namespace vaultx::format
