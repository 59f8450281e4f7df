#include <vaultx/format/rekey_record.hpp>

#include <algorithm>

#include <vaultx/format/encoding.hpp>
#include <vaultx/format/units.hpp>

namespace vaultx::format {

namespace {
constexpr std::string_view kAuditKeyField = "audit-key";
constexpr std::string_view kSignatureField = "signature";

template <class Array>
Result<Array> read_array(FieldReader& r, std::string_view key) {
  Array out{};
  VAULTX_ASSIGN(auto raw, r.expect_base64(key, out.size(), out.size()));
  std::copy(raw.begin(), raw.end(), out.begin());
  return out;
}
}  // namespace

std::string rekey_record_prefix(const RekeyRecord& r) {
  FieldWriter w(kRekeyMagic);
  w.id("store", r.store_id);
  w.field("number", std::to_string(r.number));
  w.field("time", format_rfc3339(r.time));
  w.field("old-commitment", base64_encode(r.old_commitment));
  w.field("new-commitment", base64_encode(r.new_commitment));
  return w.take();
}

std::string rekey_record_signed_part(const RekeyRecord& r) {
  FieldWriter w;
  w.append(rekey_record_prefix(r));
  w.sealed(kAuditKeyField, r.previous_audit_key);
  return w.take();
}

std::string encode_rekey_record(const RekeyRecord& r) {
  FieldWriter w;
  w.append(rekey_record_signed_part(r));
  w.field(kSignatureField, base64_encode(r.signature));
  return w.take();
}

Result<RekeyRecord> decode_rekey_record(std::string_view bytes) {
  if (bytes.size() > kMaxRekeyRecordBytes) return Error(Errc::integrity, "file is larger than any rekey record");
  FieldReader r(bytes);
  RekeyRecord rec;
  VAULTX_TRY(r.expect_line(kRekeyMagic));
  VAULTX_ASSIGN(rec.store_id, r.expect_id("store"));
  VAULTX_ASSIGN(auto number, r.expect("number"));
  const auto n = parse_decimal(number);
  if (!n || *n == 0) return r.error("field 'number' is not a positive integer");
  rec.number = *n;
  VAULTX_ASSIGN(auto time, r.expect("time"));
  const auto t = parse_rfc3339_strict(time);
  if (!t) return r.error("field 'time' is not a UTC time like 2027-01-31T12:00:00Z");
  rec.time = *t;
  VAULTX_ASSIGN(rec.old_commitment, read_array<Commitment>(r, "old-commitment"));
  VAULTX_ASSIGN(rec.new_commitment, read_array<Commitment>(r, "new-commitment"));
  VAULTX_ASSIGN(rec.previous_audit_key, r.expect_sealed(kAuditKeyField, crypto::kKeyBytes, crypto::kKeyBytes));
  VAULTX_ASSIGN(rec.signature, read_array<crypto::Signature>(r, kSignatureField));
  VAULTX_TRY(r.expect_end());
  return rec;
}

void seal_rekey_record(RekeyRecord& r, const crypto::SigningKey& old_key, ByteView new_audit_key,
                       ByteView previous_audit_key, const crypto::Nonce& nonce) {
  r.previous_audit_key = Sealed{nonce, crypto::aead_seal(new_audit_key, nonce, previous_audit_key,
                                                         associated_data(rekey_record_prefix(r), kAuditKeyField))};
  r.signature = crypto::sign_detached(old_key, as_bytes(rekey_record_signed_part(r)));
}

bool rekey_record_signature_valid(const RekeyRecord& r) {
  return crypto::verify_detached(r.old_commitment, r.signature, as_bytes(rekey_record_signed_part(r)));
}

Result<secure::SecretBytes> open_previous_audit_key(const RekeyRecord& r, ByteView new_audit_key) {
  auto key = crypto::aead_open(new_audit_key, r.previous_audit_key.nonce, r.previous_audit_key.ciphertext,
                               associated_data(rekey_record_prefix(r), kAuditKeyField));
  if (!key) return Error(Errc::integrity, "the audit key does not open it");
  return std::move(*key);
}

}  // namespace vaultx::format
