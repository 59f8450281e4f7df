// Rekey records: rekey/<n>.record, written by `vaultx rekey`. Each endorses
// a new master key with the previous one: it names both keys' commitments
// and is signed (Ed25519) with the signing key of the old commitment. A
// machine that pinned an older key follows the chain of records to the
// current one. It also carries the previous audit key, sealed under the new
// one, so that an audit trail spanning a rekey can still be verified.
//
//   vaultx-rekey 1
//   store <hex>
//   number <decimal>              1, 2, ... (also the file name)
//   time <time>
//   old-commitment <base64 32>
//   new-commitment <base64 32>
//   audit-key <sealed 32>         AD = lines 1-6 || "audit-key"
//   signature <base64 64>         over every byte before this line
#pragma once

#include <string>

#include <vaultx/crypto/sign.hpp>
#include <vaultx/format/fields.hpp>
#include <vaultx/format/timestamp.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::format {

constexpr std::string_view kRekeyMagic = "vaultx-rekey 1";
constexpr std::size_t kMaxRekeyRecordBytes = 1024;

// A key commitment: the Ed25519 public key whose seed is derived from a
// master key. It identifies the master key without revealing it.
using Commitment = crypto::SignPublicKey;

struct RekeyRecord {
  StoreId store_id{};
  std::uint64_t number = 1;
  UnixSeconds time = 0;
  Commitment old_commitment{};
  Commitment new_commitment{};
  Sealed previous_audit_key;
  crypto::Signature signature{};

  friend bool operator==(const RekeyRecord&, const RekeyRecord&) = default;
};

// Lines 1-6: what the audit-key AD covers.
std::string rekey_record_prefix(const RekeyRecord& record);
// Everything before the signature line: what the signature covers.
std::string rekey_record_signed_part(const RekeyRecord& record);
std::string encode_rekey_record(const RekeyRecord& record);
Result<RekeyRecord> decode_rekey_record(std::string_view bytes);

// Fills previous_audit_key and the signature; the other fields must be set.
void seal_rekey_record(RekeyRecord& record, const crypto::SigningKey& old_key, ByteView new_audit_key,
                       ByteView previous_audit_key, const crypto::Nonce& nonce);
// The signature by old_commitment over the record.
bool rekey_record_signature_valid(const RekeyRecord& record);
// Errc::integrity if `new_audit_key` does not open it.
Result<secure::SecretBytes> open_previous_audit_key(const RekeyRecord& record, ByteView new_audit_key);

}  // namespace vaultx::format
