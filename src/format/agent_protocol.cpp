#include <vaultx/format/agent_protocol.hpp>

#include <sodium.h>

#include <array>
#include <limits>

#include <vaultx/crypto/aead.hpp>
#include <vaultx/format/encoding.hpp>

namespace vaultx::format {

namespace {

constexpr std::size_t kFieldHeaderBytes = 5;
constexpr std::uint32_t kMany = std::numeric_limits<std::uint32_t>::max();

enum class Kind { id16, text, u64, u8, meta, group };

// How one tag's bytes must look wherever it appears. For text: a length
// range; for u64 and u8: a value range.
struct TagRule {
  AgentTag tag;
  Kind kind;
  std::uint64_t min;
  std::uint64_t max;
};

constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();

constexpr std::array kTagRules = {
    TagRule{AgentTag::store_id, Kind::id16, 0, 0},
    TagRule{AgentTag::token, Kind::text, 1, 128},
    TagRule{AgentTag::name, Kind::text, 1, 255},
    TagRule{AgentTag::new_name, Kind::text, 1, 255},
    TagRule{AgentTag::prefix, Kind::text, 0, 255},
    TagRule{AgentTag::value, Kind::text, 0, kMaxValueBytes},
    TagRule{AgentTag::scope, Kind::text, 1, 255},
    TagRule{AgentTag::meta, Kind::meta, 0, 0},
    TagRule{AgentTag::put_flags, Kind::u64, 0, kAgentPutFlagsMask},
    TagRule{AgentTag::expires, Kind::u64, 0, kU64Max},
    TagRule{AgentTag::passphrase, Kind::text, 1, kMaxAgentPassphraseBytes},
    TagRule{AgentTag::ttl, Kind::u64, 1, kU64Max},
    TagRule{AgentTag::uses, Kind::u64, 1, kU64Max},
    TagRule{AgentTag::rate_count, Kind::u64, 1, kU64Max},
    TagRule{AgentTag::rate_period, Kind::u64, 1, kU64Max},
    TagRule{AgentTag::token_id, Kind::text, 1, 64},
    TagRule{AgentTag::errc, Kind::u8, 0, static_cast<std::uint64_t>(Errc::denied)},
    TagRule{AgentTag::message, Kind::text, 0, kMaxAgentTextBytes},
    TagRule{AgentTag::hint, Kind::text, 0, kMaxAgentTextBytes},
    TagRule{AgentTag::entry, Kind::group, 0, 0},
    TagRule{AgentTag::secret, Kind::group, 0, 0},
    TagRule{AgentTag::variable, Kind::text, 1, 255},
    TagRule{AgentTag::problem, Kind::group, 0, 0},
    TagRule{AgentTag::grant, Kind::group, 0, 0},
    TagRule{AgentTag::state, Kind::u8, 0, 1},
    TagRule{AgentTag::idle_left, Kind::u64, 0, kU64Max},
    TagRule{AgentTag::lifetime_left, Kind::u64, 0, kU64Max},
    TagRule{AgentTag::path, Kind::text, 0, kMaxAgentTextBytes},
    TagRule{AgentTag::put_result, Kind::u8, 0, 3},
    TagRule{AgentTag::count, Kind::u64, 0, kU64Max},
    TagRule{AgentTag::flag, Kind::u8, 0, 1},
    TagRule{AgentTag::pid, Kind::u64, 0, kU64Max},
};

const TagRule* rule_for(std::uint8_t tag) {
  for (const auto& r : kTagRules) {
    if (static_cast<std::uint8_t>(r.tag) == tag) return &r;
  }
  return nullptr;
}

// One position of a schema: a tag and how many times it occurs there.
struct Slot {
  AgentTag tag;
  std::uint32_t min;
  std::uint32_t max;
};

using T = AgentTag;
constexpr Slot one(T t) { return {t, 1, 1}; }
constexpr Slot opt(T t) { return {t, 0, 1}; }
constexpr Slot many(T t) { return {t, 0, kMany}; }

struct Schema {
  std::uint8_t id;  // a message type, or a group tag
  bool is_group;
  std::vector<Slot> slots;
};

const std::vector<Schema>& schemas() {
  static const std::vector<Schema> all = [] {
    auto msg = [](AgentMessage m, std::vector<Slot> s) { return Schema{static_cast<std::uint8_t>(m), false, std::move(s)}; };
    auto grp = [](AgentTag t, std::vector<Slot> s) { return Schema{static_cast<std::uint8_t>(t), true, std::move(s)}; };
    const Slot scope_list{T::scope, 1, static_cast<std::uint32_t>(kMaxAgentScopes)};
    return std::vector<Schema>{
        msg(AgentMessage::status, {opt(T::token)}),
        msg(AgentMessage::unlock, {one(T::token), one(T::passphrase)}),
        msg(AgentMessage::lock, {opt(T::token)}),
        msg(AgentMessage::stop, {one(T::token)}),
        msg(AgentMessage::get, {one(T::token), one(T::store_id), one(T::name)}),
        msg(AgentMessage::list, {one(T::token), one(T::store_id), one(T::prefix)}),
        msg(AgentMessage::contains, {one(T::token), one(T::store_id), one(T::name)}),
        msg(AgentMessage::put, {one(T::token), one(T::store_id), one(T::name), one(T::value), one(T::put_flags),
                                opt(T::expires)}),
        msg(AgentMessage::remove, {one(T::token), one(T::store_id), one(T::name)}),
        msg(AgentMessage::rename, {one(T::token), one(T::store_id), one(T::name), one(T::new_name), one(T::flag)}),
        msg(AgentMessage::scope_values, {one(T::token), one(T::store_id), scope_list}),
        msg(AgentMessage::grant, {one(T::token), scope_list, opt(T::ttl), opt(T::uses), opt(T::rate_count),
                                  opt(T::rate_period)}),
        msg(AgentMessage::revoke, {one(T::token), opt(T::token_id), one(T::flag)}),
        msg(AgentMessage::ok, {}),
        msg(AgentMessage::error, {one(T::errc), one(T::message), one(T::hint)}),
        msg(AgentMessage::status_reply, {one(T::state), one(T::pid), one(T::path), opt(T::store_id),
                                         opt(T::idle_left), opt(T::lifetime_left), opt(T::flag), many(T::grant)}),
        msg(AgentMessage::secret, {one(T::name), one(T::meta), one(T::value)}),
        msg(AgentMessage::listing, {many(T::entry), many(T::problem)}),
        msg(AgentMessage::contains_reply, {one(T::flag)}),
        msg(AgentMessage::put_reply, {one(T::put_result), one(T::meta)}),
        msg(AgentMessage::scope_values_reply, {many(T::secret)}),
        msg(AgentMessage::granted, {one(T::token), one(T::token_id)}),
        msg(AgentMessage::revoked, {one(T::count)}),
        grp(T::entry, {one(T::name), one(T::meta)}),
        grp(T::secret, {one(T::variable), one(T::name), one(T::meta), one(T::value)}),
        grp(T::problem, {one(T::errc), one(T::message), one(T::hint)}),
        grp(T::grant, {one(T::token_id), scope_list, opt(T::ttl), opt(T::uses), opt(T::rate_count),
                       opt(T::rate_period)}),
    };
  }();
  return all;
}

const Schema* schema_for(std::uint8_t id, bool is_group) {
  for (const auto& s : schemas()) {
    if (s.id == id && s.is_group == is_group) return &s;
  }
  return nullptr;
}

Error malformed(const std::string& what) { return Error(Errc::failure, "malformed agent message: " + what); }

std::uint32_t read_u32(ByteView b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
}

std::string tag_label(std::uint8_t tag) { return "field " + std::to_string(tag); }

Status check_field(const TagRule& rule, ByteView bytes) {
  const std::string label = tag_label(static_cast<std::uint8_t>(rule.tag));
  switch (rule.kind) {
    case Kind::id16:
      if (bytes.size() != kIdBytes) return malformed(label + " must be 16 bytes");
      return {};
    case Kind::text:
      if (bytes.size() < rule.min || bytes.size() > rule.max) return malformed(label + " has a bad length");
      return {};
    case Kind::u64: {
      if (bytes.size() != 8) return malformed(label + " must be 8 bytes");
      const auto v = agent_u64(bytes);
      if (v < rule.min || v > rule.max) return malformed(label + " is out of range");
      return {};
    }
    case Kind::u8:
      if (bytes.size() != 1) return malformed(label + " must be 1 byte");
      if (bytes[0] < rule.min || bytes[0] > rule.max) return malformed(label + " is out of range");
      return {};
    case Kind::meta: {
      if (bytes.size() != kAgentMetaBytes) return malformed(label + " must be 33 bytes");
      const std::uint8_t has_expires = bytes[24];
      if (has_expires > 1) return malformed(label + " has a bad expiry flag");
      if (has_expires == 0) {
        for (std::size_t i = 25; i < kAgentMetaBytes; ++i) {
          if (bytes[i] != 0) return malformed(label + " has an expiry without its flag");
        }
      }
      return {};
    }
    case Kind::group: {
      auto group = decode_agent_group(rule.tag, bytes);
      if (!group) return std::move(group).error();
      return {};
    }
  }
  return malformed(label + " is of an unknown kind");
}

// Splits `bytes` into fields and checks them against `schema`.
Result<std::vector<AgentField>> decode_fields(ByteView bytes, const Schema& schema) {
  std::vector<AgentField> fields;
  std::size_t pos = 0;
  std::size_t slot = 0;
  std::uint32_t in_slot = 0;  // fields seen so far in schema.slots[slot]
  while (pos < bytes.size()) {
    if (bytes.size() - pos < kFieldHeaderBytes) return malformed("a field header is cut short");
    const std::uint8_t tag = bytes[pos];
    const std::size_t length = read_u32(bytes.subspan(pos + 1, 4));
    pos += kFieldHeaderBytes;
    if (length > bytes.size() - pos) return malformed(tag_label(tag) + " runs past the end");
    const ByteView value = bytes.subspan(pos, length);
    pos += length;
    const TagRule* rule = rule_for(tag);
    if (rule == nullptr) return malformed("unknown " + tag_label(tag));
    // Advance through the schema to this tag's slot; every slot passed must
    // have had its minimum.
    while (slot < schema.slots.size() && static_cast<std::uint8_t>(schema.slots[slot].tag) != tag) {
      if (in_slot < schema.slots[slot].min) return malformed("a required field is missing before " + tag_label(tag));
      ++slot;
      in_slot = 0;
    }
    if (slot == schema.slots.size()) return malformed(tag_label(tag) + " is not allowed here, or out of order");
    if (in_slot == schema.slots[slot].max) return malformed(tag_label(tag) + " occurs too often");
    ++in_slot;
    VAULTX_TRY(check_field(*rule, value));
    fields.push_back(AgentField{rule->tag, value});
  }
  for (; slot < schema.slots.size(); ++slot, in_slot = 0) {
    if (in_slot < schema.slots[slot].min) return malformed("a required field is missing");
  }
  return fields;
}

void put_u32(std::uint8_t* out, std::uint32_t v) {
  out[0] = static_cast<std::uint8_t>(v >> 24);
  out[1] = static_cast<std::uint8_t>(v >> 16);
  out[2] = static_cast<std::uint8_t>(v >> 8);
  out[3] = static_cast<std::uint8_t>(v);
}

void put_u64(std::uint8_t* out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
}

// A fixed public key: token ids are a domain-separated hash, not a MAC.
constexpr std::string_view kTokenIdKey = "vaultx agent token id v1 .......";

}  // namespace

// ---------------------------------------------------------------- frames

std::optional<ByteView> AgentFrame::find(AgentTag tag) const {
  for (const auto& f : fields) {
    if (f.tag == tag) return f.bytes;
  }
  return std::nullopt;
}

std::vector<ByteView> AgentFrame::all(AgentTag tag) const {
  std::vector<ByteView> out;
  for (const auto& f : fields) {
    if (f.tag == tag) out.push_back(f.bytes);
  }
  return out;
}

std::string AgentFrame::text(AgentTag tag) const {
  const auto b = find(tag);
  return b ? std::string(as_text(*b)) : std::string();
}

std::optional<std::uint64_t> AgentFrame::u64(AgentTag tag) const {
  const auto b = find(tag);
  if (!b || b->size() != 8) return std::nullopt;
  return agent_u64(*b);
}

std::optional<std::uint8_t> AgentFrame::u8(AgentTag tag) const {
  const auto b = find(tag);
  if (!b || b->size() != 1) return std::nullopt;
  return (*b)[0];
}

AgentWriter::AgentWriter(AgentMessage type) : framed_(true) {
  const std::array<std::uint8_t, 6> head{0, 0, 0, 0, kAgentProtocolVersion, static_cast<std::uint8_t>(type)};
  buffer_.append(head);
}

AgentWriter AgentWriter::group_body() { return AgentWriter(); }

void AgentWriter::put_raw(ByteView bytes) {
  if (!bytes.empty()) buffer_.append(bytes);
}

AgentWriter& AgentWriter::bytes(AgentTag tag, ByteView value) {
  std::array<std::uint8_t, kFieldHeaderBytes> head{};
  head[0] = static_cast<std::uint8_t>(tag);
  put_u32(head.data() + 1, static_cast<std::uint32_t>(value.size()));
  put_raw(head);
  put_raw(value);
  return *this;
}

AgentWriter& AgentWriter::u64(AgentTag tag, std::uint64_t value) {
  std::array<std::uint8_t, 8> b{};
  put_u64(b.data(), value);
  return bytes(tag, b);
}

AgentWriter& AgentWriter::u8(AgentTag tag, std::uint8_t value) {
  const std::array<std::uint8_t, 1> b{value};
  return bytes(tag, b);
}

AgentWriter& AgentWriter::meta(AgentTag tag, const SecretMetadata& meta) {
  std::array<std::uint8_t, kAgentMetaBytes> b{};
  put_u64(b.data(), meta.version);
  put_u64(b.data() + 8, static_cast<std::uint64_t>(meta.created));
  put_u64(b.data() + 16, static_cast<std::uint64_t>(meta.rotated));
  b[24] = meta.expires ? 1 : 0;
  if (meta.expires) put_u64(b.data() + 25, static_cast<std::uint64_t>(*meta.expires));
  return bytes(tag, b);
}

secure::SecretBytes AgentWriter::finish() && {
  if (framed_) put_u32(buffer_.data(), static_cast<std::uint32_t>(buffer_.size() - kAgentLengthBytes));
  return std::move(buffer_);
}

std::optional<std::size_t> decode_agent_length(ByteView prefix) {
  if (prefix.size() != kAgentLengthBytes) return std::nullopt;
  const std::size_t length = read_u32(prefix);
  if (length < 2 || length > kMaxAgentFrameBytes) return std::nullopt;
  return length;
}

Result<AgentFrame> decode_agent_body(ByteView body) {
  if (body.size() < 2) return malformed("the message is shorter than its header");
  if (body.size() > kMaxAgentFrameBytes) return malformed("the message is too large");
  if (body[0] != kAgentProtocolVersion) {
    return Error(Errc::failure,
                 "agent protocol version " + std::to_string(body[0]) + " is not supported (this vaultx speaks " +
                     std::to_string(kAgentProtocolVersion) + ")",
                 "run the same version of vaultx for the agent and its clients");
  }
  const Schema* schema = schema_for(body[1], false);
  if (schema == nullptr) return malformed("unknown message type " + std::to_string(body[1]));
  VAULTX_ASSIGN(auto fields, decode_fields(body.subspan(2), *schema));
  return AgentFrame{static_cast<AgentMessage>(body[1]), std::move(fields)};
}

Result<AgentFrame> decode_agent_frame(ByteView frame) {
  if (frame.size() < kAgentLengthBytes) return malformed("the length prefix is cut short");
  const auto length = decode_agent_length(frame.first(kAgentLengthBytes));
  if (!length) return malformed("the length prefix is out of range");
  if (*length != frame.size() - kAgentLengthBytes) return malformed("the length prefix does not match the message");
  return decode_agent_body(frame.subspan(kAgentLengthBytes));
}

Result<AgentFrame> decode_agent_group(AgentTag tag, ByteView bytes) {
  const Schema* schema = schema_for(static_cast<std::uint8_t>(tag), true);
  if (schema == nullptr) return malformed(tag_label(static_cast<std::uint8_t>(tag)) + " is not a group");
  VAULTX_ASSIGN(auto fields, decode_fields(bytes, *schema));
  return AgentFrame{AgentMessage::ok, std::move(fields)};
}

secure::SecretBytes encode_agent_frame(const AgentFrame& frame) {
  AgentWriter w(frame.type);
  for (const auto& f : frame.fields) w.bytes(f.tag, f.bytes);
  return std::move(w).finish();
}

std::uint64_t agent_u64(ByteView b) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8 && i < b.size(); ++i) v = (v << 8) | b[i];
  return v;
}

SecretMetadata agent_meta(ByteView b) {
  SecretMetadata meta;
  meta.version = agent_u64(b.subspan(0, 8));
  meta.created = static_cast<UnixSeconds>(agent_u64(b.subspan(8, 8)));
  meta.rotated = static_cast<UnixSeconds>(agent_u64(b.subspan(16, 8)));
  if (b[24] == 1) meta.expires = static_cast<UnixSeconds>(agent_u64(b.subspan(25, 8)));
  return meta;
}

bool is_agent_request(AgentMessage type) { return static_cast<std::uint8_t>(type) < 0x80; }

std::string_view agent_message_name(AgentMessage type) {
  switch (type) {
    case AgentMessage::status: return "status";
    case AgentMessage::unlock: return "unlock";
    case AgentMessage::lock: return "lock";
    case AgentMessage::stop: return "stop";
    case AgentMessage::get: return "get";
    case AgentMessage::list: return "list";
    case AgentMessage::contains: return "contains";
    case AgentMessage::put: return "put";
    case AgentMessage::remove: return "remove";
    case AgentMessage::rename: return "rename";
    case AgentMessage::scope_values: return "scope-values";
    case AgentMessage::grant: return "grant";
    case AgentMessage::revoke: return "revoke";
    case AgentMessage::ok: return "ok";
    case AgentMessage::error: return "error";
    case AgentMessage::status_reply: return "status-reply";
    case AgentMessage::secret: return "secret";
    case AgentMessage::listing: return "listing";
    case AgentMessage::contains_reply: return "contains-reply";
    case AgentMessage::put_reply: return "put-reply";
    case AgentMessage::scope_values_reply: return "scope-values-reply";
    case AgentMessage::granted: return "granted";
    case AgentMessage::revoked: return "revoked";
  }
  return "unknown";
}

// ---------------------------------------------------------------- tokens

secure::SecretBytes encode_agent_token(ByteView raw32) {
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::array<char, sodium_base64_ENCODED_LEN(kAgentTokenBytes, variant)> text{};
  sodium_bin2base64(text.data(), text.size(), raw32.data(), raw32.size(), variant);
  secure::SecretBytes out = secure::SecretBytes::copy_of(kAgentTokenPrefix);
  out.append(as_bytes(std::string_view(text.data(), text.size() - 1)));
  sodium_memzero(text.data(), text.size());
  return out;
}

std::optional<secure::SecretBytes> decode_agent_token(std::string_view text) {
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  constexpr std::size_t encoded = sodium_base64_ENCODED_LEN(kAgentTokenBytes, variant) - 1;
  if (text.size() != kAgentTokenPrefix.size() + encoded || !text.starts_with(kAgentTokenPrefix)) return std::nullopt;
  const std::string_view body = text.substr(kAgentTokenPrefix.size());
  secure::SecretBytes raw(kAgentTokenBytes);
  std::size_t written = 0;
  const char* end = nullptr;
  if (sodium_base642bin(raw.data(), raw.size(), body.data(), body.size(), nullptr, &written, &end, variant) != 0 ||
      end != body.data() + body.size() || written != kAgentTokenBytes) {
    return std::nullopt;
  }
  // libsodium tolerates non-zero trailing bits; only the canonical spelling is a token.
  if (!encode_agent_token(raw.span()).equals(secure::SecretBytes::copy_of(text))) return std::nullopt;
  return raw;
}

std::string agent_token_id(ByteView raw32) {
  const Bytes digest = crypto::keyed_hash(as_bytes(kTokenIdKey), raw32, 32);
  return "tok-" + hex_encode(ByteView(digest).first(6));
}

bool is_agent_token_id(std::string_view text) {
  if (text.size() != 16 || !text.starts_with("tok-")) return false;
  return hex_decode(text.substr(4)).has_value();
}

}  // namespace vaultx::format
