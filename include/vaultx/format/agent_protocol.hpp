// The wire protocol between vaultx and its agent (docs/agent-protocol.md).
//
//   frame  = length:u32be  body                  ; length = size of body, 2 .. kMaxAgentFrameBytes
//   body   = version:u8 (=1)  type:u8  *field
//   field  = tag:u8  length:u32be  bytes
//
// Each message type has a schema: the tags it may carry, in a fixed order,
// each a fixed number of times (one, optional, or many). A group field holds
// fields of its own (one level deep), again under a schema. Every field kind
// has exact size rules (integers are 8 bytes big-endian, enums one byte within
// their range, text within its bound). The decoder is total and accepts only
// what the encoder writes, so each message has exactly one encoding.
//
// Frames may carry secret values (and a passphrase): writers build them in
// guarded memory, and readers decode views into a buffer of guarded memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vaultx/crypto/bytes.hpp>
#include <vaultx/error.hpp>
#include <vaultx/format/secret_file.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::format {

constexpr std::uint8_t kAgentProtocolVersion = 1;
constexpr std::size_t kAgentLengthBytes = 4;
// A frame body above this is refused before it is read. Room for a scope of
// many secrets of the largest size; a larger scope is refused by the agent.
constexpr std::size_t kMaxAgentFrameBytes = 16 * 1024 * 1024;
constexpr std::size_t kMaxAgentScopes = 64;
constexpr std::size_t kMaxAgentTextBytes = 4096;
constexpr std::size_t kMaxAgentPassphraseBytes = 64 * 1024;
constexpr std::size_t kAgentMetaBytes = 33;

enum class AgentMessage : std::uint8_t {
  // requests
  status = 0x01,
  unlock = 0x02,
  lock = 0x03,
  stop = 0x04,
  get = 0x05,
  list = 0x06,
  contains = 0x07,
  put = 0x08,
  remove = 0x09,
  rename = 0x0a,
  scope_values = 0x0b,
  grant = 0x0c,
  revoke = 0x0d,
  // responses
  ok = 0x80,
  error = 0x81,
  status_reply = 0x82,
  secret = 0x83,
  listing = 0x84,
  contains_reply = 0x85,
  put_reply = 0x86,
  scope_values_reply = 0x87,
  granted = 0x88,
  revoked = 0x89,
};

enum class AgentTag : std::uint8_t {
  store_id = 1,       // 16 bytes
  token = 2,          // text 1..128
  name = 3,           // text 1..255
  new_name = 4,       // text 1..255
  prefix = 5,         // text 0..255
  value = 6,          // bytes 0..kMaxValueBytes
  scope = 7,          // text 1..255
  meta = 8,           // 33 bytes: version, created, rotated, has-expires, expires
  put_flags = 9,      // u64, bits of AgentPutFlag
  expires = 10,       // i64
  passphrase = 11,    // bytes 1..kMaxAgentPassphraseBytes
  ttl = 12,           // u64 seconds
  uses = 13,          // u64
  rate_count = 14,    // u64 >= 1
  rate_period = 15,   // u64 seconds >= 1
  token_id = 16,      // text 1..64
  errc = 17,          // u8, an Errc
  message = 18,       // text 0..4096
  hint = 19,          // text 0..4096
  entry = 20,         // group: name, meta
  secret = 21,        // group: variable, name, meta, value
  variable = 22,      // text 1..255
  problem = 23,       // group: errc, message, hint
  grant = 24,         // group: token_id, scope+, ttl?, uses?, rate_count?, rate_period?
  state = 25,         // u8: 0 locked, 1 unlocked
  idle_left = 26,     // u64 seconds
  lifetime_left = 27, // u64 seconds
  path = 28,          // text 0..4096
  put_result = 29,    // u8, a store::PutResult
  count = 30,         // u64
  flag = 31,          // u8: 0 or 1
  pid = 32,           // u64
};

// Bits of put_flags.
enum AgentPutFlag : std::uint64_t {
  kPutMustExist = 1,
  kPutMustChange = 2,
  kPutMustNotExist = 4,
  kPutSetExpires = 8,    // expires present: set it; absent: clear it
};
constexpr std::uint64_t kAgentPutFlagsMask = 15;

struct AgentField {
  AgentTag tag{};
  ByteView bytes;  // into the decoded buffer
};

// A decoded message (or group): views into the buffer it was decoded from,
// which must outlive it.
struct AgentFrame {
  AgentMessage type{};
  std::vector<AgentField> fields;

  // The first field with `tag`, if any.
  [[nodiscard]] std::optional<ByteView> find(AgentTag tag) const;
  [[nodiscard]] std::vector<ByteView> all(AgentTag tag) const;
  [[nodiscard]] std::string text(AgentTag tag) const;  // "" if absent
  [[nodiscard]] std::optional<std::uint64_t> u64(AgentTag tag) const;
  [[nodiscard]] std::optional<std::uint8_t> u8(AgentTag tag) const;
};

// Builds one frame (or, with group(), the inside of a group field) in guarded
// memory. Fields must be added in the order of the message's schema.
class AgentWriter {
 public:
  // A whole frame of `type`, length prefix included.
  explicit AgentWriter(AgentMessage type);
  // The fields of a group, to be added with group().
  static AgentWriter group_body();

  AgentWriter& bytes(AgentTag tag, ByteView value);
  AgentWriter& text(AgentTag tag, std::string_view value) { return bytes(tag, as_bytes(value)); }
  AgentWriter& u64(AgentTag tag, std::uint64_t value);
  AgentWriter& i64(AgentTag tag, std::int64_t value) { return u64(tag, static_cast<std::uint64_t>(value)); }
  AgentWriter& u8(AgentTag tag, std::uint8_t value);
  AgentWriter& meta(AgentTag tag, const SecretMetadata& meta);
  AgentWriter& group(AgentTag tag, const AgentWriter& body) { return bytes(tag, body.buffer_.span()); }

  // The frame (length prefix patched in), or the group body.
  secure::SecretBytes finish() &&;
  [[nodiscard]] std::size_t size() const { return buffer_.size(); }

 private:
  AgentWriter() = default;
  void put_raw(ByteView bytes);

  secure::SecretBytes buffer_;
  bool framed_ = false;
};

// The body length announced by a 4-byte prefix, or nullopt if it is below 2
// or above kMaxAgentFrameBytes (the connection is then dropped unread).
std::optional<std::size_t> decode_agent_length(ByteView prefix);
// Total: a frame body (after the length prefix) in, a message or an error out
// (Errc::failure, "malformed agent message: ..."; an unknown version says so).
Result<AgentFrame> decode_agent_body(ByteView body);
// Prefix and body together, for tests and the fuzz target: the prefix must
// announce exactly the rest.
Result<AgentFrame> decode_agent_frame(ByteView frame);
// The fields of a group field (entry, secret, problem, grant) under its schema.
Result<AgentFrame> decode_agent_group(AgentTag tag, ByteView bytes);
// The canonical encoding of a decoded message: equal to the bytes it came from.
secure::SecretBytes encode_agent_frame(const AgentFrame& frame);

std::uint64_t agent_u64(ByteView eight_bytes);
SecretMetadata agent_meta(ByteView bytes);  // requires kAgentMetaBytes
bool is_agent_request(AgentMessage type);
std::string_view agent_message_name(AgentMessage type);

// Capability tokens: "vxtok1_" and 43 characters of unpadded URL-safe base64
// of 32 random bytes. Only this spelling is accepted.
constexpr std::string_view kAgentTokenPrefix = "vxtok1_";
constexpr std::size_t kAgentTokenBytes = 32;
secure::SecretBytes encode_agent_token(ByteView raw32);
std::optional<secure::SecretBytes> decode_agent_token(std::string_view text);
// The public id of a token: "tok-" and 12 hex digits of a hash of its bytes.
// Shown in status and the audit trail; revealing it reveals nothing of the token.
std::string agent_token_id(ByteView raw32);
bool is_agent_token_id(std::string_view text);

}  // namespace vaultx::format
