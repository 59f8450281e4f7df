#include <vaultx/format/fields.hpp>

#include <algorithm>
#include <cstring>

#include <vaultx/format/encoding.hpp>

namespace vaultx::format {

Error FieldReader::error(const std::string& what) const {
  return Error(Errc::integrity, "line " + std::to_string(line_) + ": " + what);
}

Result<std::string_view> FieldReader::next_line() {
  if (pos_ >= text_.size()) {
    ++line_;
    return error("unexpected end of file");
  }
  const std::size_t nl = text_.find('\n', pos_);
  ++line_;
  if (nl == std::string_view::npos) return error("line is not terminated by a newline");
  const std::string_view line = text_.substr(pos_, nl - pos_);
  const bool printable = std::all_of(line.begin(), line.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  if (!printable) return error("line contains a byte that is not printable ASCII");
  pos_ = nl + 1;
  return line;
}

Status FieldReader::expect_line(std::string_view magic) {
  VAULTX_ASSIGN(auto line, next_line());
  if (line != magic) return error("expected '" + std::string(magic) + "'");
  return {};
}

Result<std::string_view> FieldReader::expect(std::string_view key) {
  VAULTX_ASSIGN(auto line, next_line());
  if (line.size() <= key.size() + 1 || line.substr(0, key.size()) != key || line[key.size()] != ' ') {
    return error("expected the field '" + std::string(key) + "'");
  }
  const std::string_view value = line.substr(key.size() + 1);
  if (value.front() == ' ' || value.back() == ' ') return error("stray space in field '" + std::string(key) + "'");
  return value;
}

bool FieldReader::next_is(std::string_view key) const {
  const std::string_view rest = text_.substr(pos_);
  return rest.size() > key.size() && rest.substr(0, key.size()) == key && rest[key.size()] == ' ';
}

Result<std::optional<std::string_view>> FieldReader::optional_field(std::string_view key) {
  if (!next_is(key)) return std::optional<std::string_view>{};
  VAULTX_ASSIGN(auto value, expect(key));
  return std::optional<std::string_view>{value};
}

Result<StoreId> FieldReader::expect_id(std::string_view key) {
  VAULTX_ASSIGN(auto value, expect(key));
  const auto raw = hex_decode(value);
  if (!raw || raw->size() != kIdBytes) return error("field '" + std::string(key) + "' is not 32 lower-case hex digits");
  StoreId id{};
  std::copy(raw->begin(), raw->end(), id.begin());
  return id;
}

Result<Bytes> FieldReader::expect_base64(std::string_view key, std::size_t min_bytes, std::size_t max_bytes) {
  VAULTX_ASSIGN(auto value, expect(key));
  // Bound the work before decoding: base64 is 4 characters per 3 bytes.
  if (value.size() > (max_bytes + 2) / 3 * 4) return error("field '" + std::string(key) + "' is too long");
  auto raw = base64_decode(value);
  if (!raw) return error("field '" + std::string(key) + "' is not canonical base64");
  if (raw->size() < min_bytes || raw->size() > max_bytes) {
    return error("field '" + std::string(key) + "' has the wrong length");
  }
  return std::move(*raw);
}

Result<Sealed> FieldReader::expect_sealed(std::string_view key, std::size_t plaintext_bytes_min,
                                          std::size_t plaintext_bytes_max) {
  constexpr std::size_t overhead = crypto::kNonceBytes + crypto::kTagBytes;
  VAULTX_ASSIGN(Bytes raw, expect_base64(key, plaintext_bytes_min + overhead, plaintext_bytes_max + overhead));
  Sealed s;
  std::copy_n(raw.begin(), crypto::kNonceBytes, s.nonce.begin());
  s.ciphertext.assign(raw.begin() + crypto::kNonceBytes, raw.end());
  return s;
}

Status FieldReader::expect_end() const {
  if (pos_ != text_.size()) {
    return Error(Errc::integrity, "line " + std::to_string(line_ + 1) + ": unexpected data after the last field");
  }
  return {};
}

void FieldWriter::id(std::string_view key, const StoreId& id) { field(key, hex_encode(id)); }

void FieldWriter::sealed(std::string_view key, const Sealed& s) {
  Bytes raw(s.nonce.begin(), s.nonce.end());
  raw.insert(raw.end(), s.ciphertext.begin(), s.ciphertext.end());
  field(key, base64_encode(raw));
}

Bytes associated_data(std::string_view covered_prefix, std::string_view field_key) {
  Bytes ad;
  ad.reserve(covered_prefix.size() + field_key.size());
  ad.insert(ad.end(), covered_prefix.begin(), covered_prefix.end());
  ad.insert(ad.end(), field_key.begin(), field_key.end());
  return ad;
}

}  // namespace vaultx::format
