#include <vaultx/format/audit_record.hpp>

#include <sodium.h>

#include <algorithm>
#include <limits>

#include <vaultx/crypto/aead.hpp>
#include <vaultx/format/encoding.hpp>
#include <vaultx/format/json.hpp>
#include <vaultx/format/units.hpp>

namespace vaultx::format {

namespace {

constexpr std::string_view kVersion = "v1";
constexpr std::string_view kGenesisContext = "vaultx audit v1 genesis";
constexpr std::string_view kNone = "-";
constexpr std::string_view kHexDigits = "0123456789ABCDEF";
// 9999-12-31T23:59:59Z, the last instant format_rfc3339 can write.
constexpr UnixSeconds kMaxTime = 253402300799;

// The fields after "v1", in their only order.
enum Field { kSeq, kTime, kOp, kOutcome, kReason, kUser, kUid, kPid, kScope, kNames, kPrefix, kCmd, kStatus,
             kChain, kMac, kFieldCount };
constexpr std::array<std::string_view, kFieldCount> kKeys = {
    "seq", "time", "op", "outcome", "reason", "user", "uid", "pid", "scope", "names", "prefix", "cmd", "status",
    "chain", "mac"};

bool is_safe(unsigned char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-': case '.': case '_': case '~': case '/': case ':': case '@': case '+': return true;
    default: return false;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // lower case is not canonical
}

void append_escaped(std::string& out, std::string_view text) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_safe(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHexDigits[c >> 4];
      out += kHexDigits[c & 0x0F];
    }
  }
}

// Appends " key=" and returns `out`, for the value to follow.
std::string& field(std::string& out, Field f) {
  out += ' ';
  out += kKeys[f];
  out += '=';
  return out;
}

void append_list(std::string& out, const std::vector<std::string>& items) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append_escaped(out, items[i]);
  }
}

Error bad_field(std::string_view key, std::string_view why) {
  return Error(Errc::integrity, "audit record: field '" + std::string(key) + "' " + std::string(why));
}

// The inverse of append_escaped; refuses every other spelling.
std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_safe(c)) {
      out += text[i];
      continue;
    }
    if (c != '%' || i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_value(text[i + 1]);
    const int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    const auto byte = static_cast<unsigned char>(hi * 16 + lo);
    if (is_safe(byte)) return std::nullopt;
    out += static_cast<char>(byte);
    i += 2;
  }
  if (!is_valid_utf8(out)) return std::nullopt;
  return out;
}

Result<std::string> decode_text(std::string_view key, std::string_view value) {
  auto text = unescape(value);
  if (!text) return bad_field(key, "is not canonically escaped UTF-8 text");
  return std::move(*text);
}

Result<std::vector<std::string>> decode_list(std::string_view key, std::string_view value) {
  std::vector<std::string> items;
  if (value.empty()) return items;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = value.find(',', start);
    const std::string_view item = value.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (item.empty()) return bad_field(key, "has an empty element");
    VAULTX_ASSIGN(auto text, decode_text(key, item));
    items.push_back(std::move(text));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return items;
}

// A canonical decimal in 0..max of T.
template <class T>
Result<T> decode_number(std::string_view key, std::string_view value) {
  const auto n = parse_decimal(value);
  if (!n || *n > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) {
    return bad_field(key, "is not a canonical decimal in range");
  }
  return static_cast<T>(*n);
}

Result<AuditHash> decode_hash(std::string_view key, std::string_view value) {
  // A table, not comparisons: hash digits are random, so branches mispredict.
  static constexpr auto kLowerHex = [] {
    std::array<bool, 256> table{};
    for (const char c : std::string_view("0123456789abcdef")) table[static_cast<unsigned char>(c)] = true;
    return table;
  }();
  AuditHash hash{};
  const bool lower_hex =
      std::all_of(value.begin(), value.end(), [](char c) { return kLowerHex[static_cast<unsigned char>(c)]; });
  // Straight into the array: a trail has two hashes per line to decode.
  if (value.size() != 2 * hash.size() || !lower_hex ||
      sodium_hex2bin(hash.data(), hash.size(), value.data(), value.size(), nullptr, nullptr, nullptr) != 0) {
    return bad_field(key, "is not 64 lower-case hex digits");
  }
  return hash;
}

bool is_valid_op(std::string_view op) {
  if (op.empty() || op.size() > kMaxAuditOpBytes || op[0] < 'a' || op[0] > 'z') return false;
  for (char c : op) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

Status check_text(std::string_view key, std::string_view text) {
  if (!is_valid_utf8(text)) return Error(Errc::usage, "audit record: field '" + std::string(key) + "' is not UTF-8");
  return {};
}

Status check_list(std::string_view key, const std::vector<std::string>& items) {
  for (const auto& item : items) {
    if (item.empty()) return Error(Errc::usage, "audit record: field '" + std::string(key) + "' has an empty element");
    VAULTX_TRY(check_text(key, item));
  }
  return {};
}

// Splits the line into its 16 space-separated tokens; nullopt on any other count.
std::optional<std::array<std::string_view, kFieldCount + 1>> split_tokens(std::string_view line) {
  std::array<std::string_view, kFieldCount + 1> tokens;
  std::size_t start = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::size_t space = line.find(' ', start);
    const bool last = i + 1 == tokens.size();
    if (last != (space == std::string_view::npos)) return std::nullopt;
    tokens[i] = line.substr(start, last ? std::string_view::npos : space - start);
    start = space + 1;
  }
  return tokens;
}

}  // namespace

std::string_view outcome_name(AuditOutcome outcome) {
  switch (outcome) {
    case AuditOutcome::ok: return "ok";
    case AuditOutcome::denied: return "denied";
    case AuditOutcome::failed: return "failed";
  }
  return "failed";
}

std::optional<AuditOutcome> parse_outcome(std::string_view text) {
  if (text == "ok") return AuditOutcome::ok;
  if (text == "denied") return AuditOutcome::denied;
  if (text == "failed") return AuditOutcome::failed;
  return std::nullopt;
}

Status validate_audit_record(const AuditRecord& r) {
  auto bad = [](std::string_view key, std::string_view why) {
    return Error(Errc::usage, "audit record: field '" + std::string(key) + "' " + std::string(why));
  };
  if (r.seq == 0) return bad("seq", "must be at least 1");
  if (r.time < 0 || r.time > kMaxTime) return bad("time", "is outside the years 1970..9999");
  if (!is_valid_op(r.op)) return bad("op", "must be [a-z][a-z0-9-]*, at most 32 bytes");
  VAULTX_TRY(check_text("reason", r.reason));
  VAULTX_TRY(check_text("user", r.user));
  VAULTX_TRY(check_list("scope", r.scopes));
  VAULTX_TRY(check_list("names", r.names));
  VAULTX_TRY(check_text("prefix", r.prefix));
  VAULTX_TRY(check_text("cmd", r.command));
  if (r.status && *r.status < 0) return bad("status", "must not be negative");
  return {};
}

std::string to_audit_text(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  std::string out;
  for (std::size_t i = 0; i < bytes.size();) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    const std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len > 0 && i + len <= bytes.size() && is_valid_utf8(bytes.substr(i, len))) {
      out += bytes.substr(i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    }
  }
  return out;
}

std::string encode_audit_body(const AuditRecord& r) {
  std::string out;
  out.reserve(256);
  out += kVersion;
  field(out, kSeq) += std::to_string(r.seq);
  field(out, kTime) += format_rfc3339(r.time);
  field(out, kOp) += r.op;
  field(out, kOutcome) += outcome_name(r.outcome);
  append_escaped(field(out, kReason), r.reason);
  append_escaped(field(out, kUser), r.user);
  field(out, kUid) += std::to_string(r.uid);
  field(out, kPid) += std::to_string(r.pid);
  append_list(field(out, kScope), r.scopes);
  append_list(field(out, kNames), r.names);
  append_escaped(field(out, kPrefix), r.prefix);
  append_escaped(field(out, kCmd), r.command);
  field(out, kStatus) += r.status ? std::to_string(*r.status) : std::string(kNone);
  return out;
}

std::string encode_audit_record(const AuditRecord& r) {
  std::string out = encode_audit_body(r);
  field(out, kChain) += hex_encode(r.chain);
  field(out, kMac) += r.mac ? hex_encode(*r.mac) : std::string(kNone);
  return out;
}

Result<AuditRecord> decode_audit_record(std::string_view line) {
  if (line.size() > kMaxAuditLineBytes) return Error(Errc::integrity, "audit record: longer than 1 MiB");
  const auto tokens = split_tokens(line);
  if (!tokens) return Error(Errc::integrity, "audit record: not 16 space-separated fields");
  if ((*tokens)[0] != kVersion) return Error(Errc::integrity, "audit record: does not start with 'v1'");
  std::array<std::string_view, kFieldCount> v;
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    const std::string_view token = (*tokens)[i + 1];
    if (!token.starts_with(kKeys[i]) || token.size() <= kKeys[i].size() || token[kKeys[i].size()] != '=') {
      return bad_field(kKeys[i], "is missing or out of order");
    }
    v[i] = token.substr(kKeys[i].size() + 1);
  }

  AuditRecord r;
  VAULTX_ASSIGN(r.seq, decode_number<std::uint64_t>("seq", v[kSeq]));
  if (r.seq == 0) return bad_field("seq", "is 0; records count from 1");
  const auto time = parse_rfc3339_strict(v[kTime]);
  if (!time) return bad_field("time", "is not YYYY-MM-DDTHH:MM:SSZ");
  r.time = *time;
  if (!is_valid_op(v[kOp])) return bad_field("op", "is not [a-z][a-z0-9-]*");
  r.op = std::string(v[kOp]);
  const auto outcome = parse_outcome(v[kOutcome]);
  if (!outcome) return bad_field("outcome", "is not ok, denied or failed");
  r.outcome = *outcome;
  VAULTX_ASSIGN(r.reason, decode_text("reason", v[kReason]));
  VAULTX_ASSIGN(r.user, decode_text("user", v[kUser]));
  VAULTX_ASSIGN(r.uid, decode_number<std::uint32_t>("uid", v[kUid]));
  VAULTX_ASSIGN(r.pid, decode_number<std::uint32_t>("pid", v[kPid]));
  VAULTX_ASSIGN(r.scopes, decode_list("scope", v[kScope]));
  VAULTX_ASSIGN(r.names, decode_list("names", v[kNames]));
  VAULTX_ASSIGN(r.prefix, decode_text("prefix", v[kPrefix]));
  VAULTX_ASSIGN(r.command, decode_text("cmd", v[kCmd]));
  if (v[kStatus] != kNone) {
    VAULTX_ASSIGN(r.status, decode_number<std::int32_t>("status", v[kStatus]));
  }
  VAULTX_ASSIGN(r.chain, decode_hash("chain", v[kChain]));
  if (v[kMac] != kNone) {
    VAULTX_ASSIGN(r.mac, decode_hash("mac", v[kMac]));
  }
  return r;
}

std::string_view audit_body_of(std::string_view accepted_line) {
  // Values never hold a raw space, so the first " chain=" ends the body.
  return accepted_line.substr(0, accepted_line.find(" chain="));
}

AuditHash audit_genesis(const StoreId& store_id) {
  AuditHash h{};
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, h.size());
  crypto_generichash_update(&state, as_bytes(kGenesisContext).data(), kGenesisContext.size());
  crypto_generichash_update(&state, store_id.data(), store_id.size());
  crypto_generichash_final(&state, h.data(), h.size());
  return h;
}

AuditHash audit_chain_next(const AuditHash& previous, std::string_view body) {
  AuditHash h{};
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, h.size());
  crypto_generichash_update(&state, previous.data(), previous.size());
  crypto_generichash_update(&state, as_bytes(body).data(), body.size());
  crypto_generichash_final(&state, h.data(), h.size());
  return h;
}

AuditHash audit_mac(ByteView audit_key, const AuditHash& chain) {
  AuditHash mac{};
  crypto::keyed_hash_into(audit_key, chain, mac);
  return mac;
}

bool audit_hash_equal(const AuditHash& a, const AuditHash& b) {
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string format_audit_head(const AuditHead& head) { return std::to_string(head.seq) + ":" + hex_encode(head.hash); }

std::optional<AuditHead> parse_audit_head(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto seq = parse_decimal(text.substr(0, colon));
  const auto hash = hex_decode(text.substr(colon + 1));
  if (!seq || !hash || hash->size() != kAuditHashBytes) return std::nullopt;
  AuditHead head{*seq, {}};
  std::copy(hash->begin(), hash->end(), head.hash.begin());
  return head;
}

}  // namespace vaultx::format
