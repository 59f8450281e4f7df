// libFuzzer target for the agent's wire protocol (format/agent_protocol.hpp).
//  1. Any bytes as a whole frame: decode_agent_frame returns a message or a
//     typed error, never crashes; an accepted frame re-encodes to exactly the
//     same bytes (one encoding per message), and every accessor the agent and
//     its clients use on a decoded message is safe on it.
//  2. The same bytes as a token: an accepted token re-encodes to itself.
//
// Build: see fuzz/README.md (cmake --preset fuzz && ninja -C build-fuzz fuzzers).
#include <sodium.h>

#include <cstdint>
#include <string_view>

#include <vaultx/format/agent_protocol.hpp>

namespace {

using namespace vaultx;
using namespace vaultx::format;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool is_group(AgentTag tag) {
  return tag == AgentTag::entry || tag == AgentTag::secret || tag == AgentTag::problem || tag == AgentTag::grant;
}

// Reads every field the way the agent or a client would.
void touch_fields(const AgentFrame& frame, int depth) {
  for (const auto& f : frame.fields) {
    if (f.tag == AgentTag::meta) {
      check(f.bytes.size() == kAgentMetaBytes);
      (void)agent_meta(f.bytes);
    }
    if (is_group(f.tag)) {
      check(depth == 0);  // groups are one level deep
      const auto group = decode_agent_group(f.tag, f.bytes);
      check(group.ok());
      touch_fields(*group, depth + 1);
    }
    (void)frame.text(f.tag);
    (void)frame.u64(f.tag);
    (void)frame.u8(f.tag);
    check(frame.find(f.tag).has_value());
  }
}

void frames(ByteView input) {
  const auto frame = decode_agent_frame(input);
  if (!frame) {
    check(frame.error().code == Errc::failure);
    return;
  }
  const auto again = encode_agent_frame(*frame);
  check(again.size() == input.size() && std::equal(input.begin(), input.end(), again.data()));
  (void)agent_message_name(frame->type);
  (void)is_agent_request(frame->type);
  touch_fields(*frame, 0);
  // The body alone decodes to the same message.
  const auto body = decode_agent_body(input.subspan(kAgentLengthBytes));
  check(body.ok() && body->fields.size() == frame->fields.size());
}

void tokens(std::string_view text) {
  const auto raw = decode_agent_token(text);
  if (!raw) return;
  check(raw->size() == kAgentTokenBytes);
  check(encode_agent_token(raw->span()).view() == text);
  check(is_agent_token_id(agent_token_id(raw->span())));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) { return sodium_init() < 0 ? 1 : 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  frames(input);
  if (size >= kAgentLengthBytes) (void)decode_agent_length(input.first(kAgentLengthBytes));
  tokens(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
