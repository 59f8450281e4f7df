#include <catch2/catch.hpp>

#include <sodium.h>

#include <string>
#include <vector>

#include <vaultx/format/agent_protocol.hpp>

using namespace vaultx;
using namespace vaultx::format;

namespace {

std::vector<std::uint8_t> bytes_of(const secure::SecretBytes& s) { return {s.data(), s.data() + s.size()}; }

StoreId sample_id() {
  StoreId id{};
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(i);
  return id;
}

std::string sample_token() { return "vxtok1_" + std::string(43, 'A'); }

secure::SecretBytes get_request() {
  AgentWriter w(AgentMessage::get);
  w.text(AgentTag::token, sample_token());
  w.bytes(AgentTag::store_id, sample_id());
  w.text(AgentTag::name, "openai/api-key");
  return std::move(w).finish();
}

// Frame bytes by hand: length, version, type, then fields.
std::vector<std::uint8_t> raw_frame(std::uint8_t version, std::uint8_t type, const std::vector<std::uint8_t>& fields) {
  const auto n = static_cast<std::uint32_t>(fields.size() + 2);
  std::vector<std::uint8_t> out{static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                                static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n), version, type};
  out.insert(out.end(), fields.begin(), fields.end());
  return out;
}

std::vector<std::uint8_t> field(std::uint8_t tag, const std::vector<std::uint8_t>& value) {
  const auto n = static_cast<std::uint32_t>(value.size());
  std::vector<std::uint8_t> out{tag, static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                                static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

std::vector<std::uint8_t> operator+(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("agent frames have the documented layout", "[format][agent]") {
  const auto frame = bytes_of(get_request());
  // length, version 1, type get (5), then tag 2 (token) with a 4-byte length.
  REQUIRE(frame.size() == 4 + 2 + (5 + 50) + (5 + 16) + (5 + 14));
  CHECK(frame[0] == 0);
  CHECK(frame[3] == frame.size() - 4);
  CHECK(frame[4] == 1);
  CHECK(frame[5] == 0x05);
  CHECK(frame[6] == 2);
  CHECK(frame[10] == 50);
}

TEST_CASE("agent frames round-trip and are canonical", "[format][agent]") {
  const auto frame = get_request();
  const auto decoded = decode_agent_frame(frame.span());
  REQUIRE(decoded.ok());
  CHECK(decoded->type == AgentMessage::get);
  CHECK(decoded->text(AgentTag::name) == "openai/api-key");
  CHECK(decoded->text(AgentTag::token) == sample_token());
  CHECK(encode_agent_frame(*decoded).equals(frame));
}

TEST_CASE("agent groups and metadata round-trip", "[format][agent]") {
  SecretMetadata meta;
  meta.version = 7;
  meta.created = 1700000000;
  meta.rotated = 1700000500;
  meta.expires = 1800000000;
  AgentWriter w(AgentMessage::scope_values_reply);
  auto body = AgentWriter::group_body();
  body.text(AgentTag::variable, "OPENAI_API_KEY").text(AgentTag::name, "openai/api-key").meta(AgentTag::meta, meta);
  body.text(AgentTag::value, "sk-secret");
  w.group(AgentTag::secret, body);
  const auto frame = std::move(w).finish();
  const auto decoded = decode_agent_frame(frame.span());
  REQUIRE(decoded.ok());
  const auto secrets = decoded->all(AgentTag::secret);
  REQUIRE(secrets.size() == 1);
  const auto group = decode_agent_group(AgentTag::secret, secrets[0]);
  REQUIRE(group.ok());
  CHECK(group->text(AgentTag::variable) == "OPENAI_API_KEY");
  CHECK(group->text(AgentTag::value) == "sk-secret");
  const auto back = agent_meta(*group->find(AgentTag::meta));
  CHECK(back.version == 7);
  CHECK(back.created == meta.created);
  CHECK(back.rotated == meta.rotated);
  CHECK(back.expires == meta.expires);
}

TEST_CASE("agent parser refuses what the encoder never writes", "[format][agent]") {
  const std::string token_text = sample_token();
  const std::vector<std::uint8_t> tok(token_text.begin(), token_text.end());
  const std::vector<std::uint8_t> id(16, 1);
  const std::vector<std::uint8_t> name{'a'};
  auto refused = [](const std::vector<std::uint8_t>& f) {
    const auto r = decode_agent_frame(f);
    return !r.ok() && r.error().code == Errc::failure;
  };
  // The well-formed base case is accepted.
  REQUIRE(decode_agent_frame(raw_frame(1, 0x05, field(2, tok) + field(1, id) + field(3, name))).ok());

  SECTION("another protocol version, named as such") {
    const auto r = decode_agent_frame(raw_frame(2, 0x05, field(2, tok) + field(1, id) + field(3, name)));
    REQUIRE(!r.ok());
    CHECK(r.error().message.find("version 2") != std::string::npos);
  }
  SECTION("unknown types and tags") {
    CHECK(refused(raw_frame(1, 0x7f, {})));
    CHECK(refused(raw_frame(1, 0x05, field(2, tok) + field(1, id) + field(3, name) + field(99, {}))));
  }
  SECTION("fields out of order, repeated, or missing") {
    CHECK(refused(raw_frame(1, 0x05, field(1, id) + field(2, tok) + field(3, name))));
    CHECK(refused(raw_frame(1, 0x05, field(2, tok) + field(1, id) + field(3, name) + field(3, name))));
    CHECK(refused(raw_frame(1, 0x05, field(2, tok) + field(1, id))));
  }
  SECTION("bad sizes and values") {
    CHECK(refused(raw_frame(1, 0x05, field(2, tok) + field(1, std::vector<std::uint8_t>(15, 1)) + field(3, name))));
    CHECK(refused(raw_frame(1, 0x05, field(2, tok) + field(1, id) + field(3, {}))));
    CHECK(refused(raw_frame(1, 0x85, field(31, {2}))));
    CHECK(refused(raw_frame(1, 0x89, field(30, {0, 0, 0, 1}))));
    CHECK(refused(raw_frame(1, 0x0c, field(2, tok) + field(7, name) + field(13, std::vector<std::uint8_t>(8, 0)))));
  }
  SECTION("truncation and lying lengths") {
    auto f = raw_frame(1, 0x05, field(2, tok) + field(1, id) + field(3, name));
    f.pop_back();
    CHECK(refused(f));  // prefix no longer matches
    auto g = raw_frame(1, 0x05, field(2, tok) + field(1, id) + field(3, name));
    g[g.size() - 2] = 0xff;  // the name's length runs past the end
    CHECK(refused(g));
    CHECK(refused({0, 0, 0}));
    CHECK(refused({0, 0, 0, 1, 1}));
  }
  SECTION("a group with a bad member refuses the whole message") {
    const auto bad_entry = field(20, field(3, name));  // entry without its meta
    CHECK(refused(raw_frame(1, 0x84, bad_entry)));
  }
}

TEST_CASE("agent frame lengths are bounded before anything is read", "[format][agent]") {
  const std::vector<std::uint8_t> tiny{0, 0, 0, 1};
  const std::vector<std::uint8_t> huge{0xff, 0xff, 0xff, 0xff};
  const std::vector<std::uint8_t> fine{0, 0, 1, 0};
  CHECK(!decode_agent_length(tiny));
  CHECK(!decode_agent_length(huge));
  CHECK(decode_agent_length(fine) == 256u);
}

TEST_CASE("agent tokens have one spelling", "[format][agent]") {
  std::array<std::uint8_t, kAgentTokenBytes> raw{};
  randombytes_buf(raw.data(), raw.size());
  const auto token = encode_agent_token(raw);
  CHECK(token.view().starts_with("vxtok1_"));
  CHECK(token.size() == 7 + 43);
  const auto back = decode_agent_token(token.view());
  REQUIRE(back);
  CHECK(std::equal(raw.begin(), raw.end(), back->data()));

  std::string text(token.view());
  CHECK(!decode_agent_token(text.substr(1)));
  CHECK(!decode_agent_token(text + "A"));
  CHECK(!decode_agent_token("vxtok2_" + text.substr(7)));
  // The last character carries 4 unused bits: a non-zero one is refused.
  std::string noncanonical = "vxtok1_" + std::string(42, 'A') + "B";
  CHECK(!decode_agent_token(noncanonical));

  const auto id = agent_token_id(raw);
  CHECK(is_agent_token_id(id));
  CHECK(id.size() == 16);
  CHECK(!is_agent_token_id("tok-xyz"));
}
