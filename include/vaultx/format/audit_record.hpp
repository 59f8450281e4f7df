// Audit records: one line per record in STATE_DIR/audit/<store-id>.log.
//
//   line   = "v1" 15(SP field) ; exactly these fields, in this order:
//            seq time op outcome reason user uid pid scope names prefix cmd status chain mac
//   field  = key "=" value
//   seq    = decimal >= 1, no leading zero
//   time   = RFC 3339 UTC, exactly YYYY-MM-DDTHH:MM:SSZ
//   op     = [a-z] *[a-z0-9-], at most 32 bytes
//   outcome= "ok" / "denied" / "failed"
//   reason, user, prefix, cmd = text (may be empty)
//   uid, pid = decimal, 32 bits
//   scope, names = empty, or 1*text joined by ","; no element is empty
//   status = "-" (none) or a decimal 0..2147483647
//   chain  = 64 lower-case hex digits: H_i = BLAKE2b-256(H_{i-1} || body_i)
//   mac    = "-" or 64 lower-case hex digits: BLAKE2b-256 keyed by the audit key, over H_i
//
// Text is UTF-8. Bytes in [A-Za-z0-9-._~/:@+] are written as they are; every
// other byte is "%HH" with upper-case hex, and a safe byte is never escaped,
// so each record has exactly one spelling: decode(encode(r)) == r, and
// encode(decode(line)) == line for every accepted line. The body of a record,
// which the chain hash covers, is the line up to (not including) " chain=".
// Records never hold a value, a passphrase or a key: docs/audit.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vaultx/crypto/bytes.hpp>
#include <vaultx/error.hpp>
#include <vaultx/format/fields.hpp>
#include <vaultx/format/timestamp.hpp>

namespace vaultx::format {

constexpr std::size_t kAuditHashBytes = 32;
// Bounds a reader's work per line; nothing vaultx records comes close.
constexpr std::size_t kMaxAuditLineBytes = 1024 * 1024;
constexpr std::size_t kMaxAuditOpBytes = 32;

using AuditHash = std::array<std::uint8_t, kAuditHashBytes>;

// ok: done. denied: refused for lack of authority (a scope or agent policy).
// failed: attempted and did not succeed (wrong passphrase, not found, I/O).
enum class AuditOutcome { ok, denied, failed };

struct AuditRecord {
  std::uint64_t seq = 1;
  UnixSeconds time = 0;
  std::string op;
  AuditOutcome outcome = AuditOutcome::ok;
  std::string reason;
  std::string user;
  std::uint32_t uid = 0;
  std::uint32_t pid = 0;
  std::vector<std::string> scopes;
  std::vector<std::string> names;
  std::string prefix;   // ls: the prefix listed
  std::string command;  // exec: argv[0] of the child, never its arguments
  std::optional<std::int32_t> status;  // exec: the child's exit status
  AuditHash chain{};
  std::optional<AuditHash> mac;

  friend bool operator==(const AuditRecord&, const AuditRecord&) = default;
};

std::string_view outcome_name(AuditOutcome outcome);
std::optional<AuditOutcome> parse_outcome(std::string_view text);

// Errc::usage naming the first field a record cannot be written with: an op
// outside its grammar, text that is not UTF-8, an empty list element, seq 0,
// a time outside 1970..9999 or a negative status.
Status validate_audit_record(const AuditRecord& record);
// Any bytes as valid UTF-8: each byte of an invalid sequence becomes U+FFFD.
// For text from outside (argv[0], a user name) before it goes into a record.
std::string to_audit_text(std::string_view bytes);

// The part the chain hash covers: "v1 seq=... status=...". Requires a valid record.
std::string encode_audit_body(const AuditRecord& record);
// The whole line, without its LF. Requires a valid record.
std::string encode_audit_record(const AuditRecord& record);
// Total: any bytes give a record or an Errc::integrity error naming the field.
Result<AuditRecord> decode_audit_record(std::string_view line);
// The body of a line that decode_audit_record accepted.
std::string_view audit_body_of(std::string_view accepted_line);

// H_0, bound to the store: BLAKE2b-256("vaultx audit v1 genesis" || store id).
AuditHash audit_genesis(const StoreId& store_id);
// H_i = BLAKE2b-256(H_{i-1} || body_i).
AuditHash audit_chain_next(const AuditHash& previous, std::string_view body);
// BLAKE2b-256 keyed by the 32-byte audit key, over H_i.
AuditHash audit_mac(ByteView audit_key, const AuditHash& chain);
// Constant-time comparison.
bool audit_hash_equal(const AuditHash& a, const AuditHash& b);

// A checkpoint "SEQ:HASH" (the seq and chain hash of one record, or 0 and H_0
// for an empty trail), kept outside the trail to catch truncation.
struct AuditHead {
  std::uint64_t seq = 0;
  AuditHash hash{};

  friend bool operator==(const AuditHead&, const AuditHead&) = default;
};

std::string format_audit_head(const AuditHead& head);
std::optional<AuditHead> parse_audit_head(std::string_view text);

}  // namespace vaultx::format
