#include <catch2/catch.hpp>

#include <vaultx/format/audit_record.hpp>
#include <vaultx/format/encoding.hpp>

using namespace vaultx;
using namespace vaultx::format;

namespace {

// The known answer below was computed independently with Python's hashlib:
//   h0 = blake2b(b"vaultx audit v1 genesis" + bytes(range(16)), digest_size=32)
//   h1 = blake2b(h0 + body, digest_size=32);  mac = blake2b(h1, digest_size=32, key=b"\x42" * 32)
constexpr std::string_view kBody =
    "v1 seq=1 time=2027-01-31T12:00:00Z op=get outcome=failed reason=wrong%20passphrase user=alice uid=1000 "
    "pid=4242 scope=agent-a names=openai/api-key,aws/s3-reader/key-id prefix= cmd= status=-";
constexpr std::string_view kH0 = "2511a7d1ee29509d96f6905bf6b4c79a8a036fb795e3137463489f78f6362d95";
constexpr std::string_view kH1 = "5d57ac6d0f7802e7db3f8bc238e9794b9397c3eddb3dcbce0bf334f7e24b9cad";
constexpr std::string_view kMac = "3940c411d47096e715e7ea7a0b6ba1c92e73bbe713b4ed2a9d6dc26202b6b7ce";

StoreId test_store_id() {
  StoreId id{};
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(i);
  return id;
}

AuditHash hash_of(std::string_view hex) {
  const auto bytes = hex_decode(hex);
  REQUIRE(bytes);
  AuditHash h{};
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

AuditRecord sample_record() {
  AuditRecord r;
  r.seq = 1;
  r.time = *parse_rfc3339_strict("2027-01-31T12:00:00Z");
  r.op = "get";
  r.outcome = AuditOutcome::failed;
  r.reason = "wrong passphrase";
  r.user = "alice";
  r.uid = 1000;
  r.pid = 4242;
  r.scopes = {"agent-a"};
  r.names = {"openai/api-key", "aws/s3-reader/key-id"};
  r.chain = hash_of(kH1);
  r.mac = hash_of(kMac);
  return r;
}

std::string sample_line() { return std::string(kBody) + " chain=" + std::string(kH1) + " mac=" + std::string(kMac); }

// Replaces the first occurrence of `from` in the sample line.
std::string sample_with(std::string_view from, std::string_view to) {
  std::string line = sample_line();
  const auto pos = line.find(from);
  REQUIRE(pos != std::string::npos);
  return line.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("encode_audit_record writes the documented line", "[audit_record]") {
  const AuditRecord r = sample_record();
  REQUIRE(validate_audit_record(r));
  CHECK(encode_audit_body(r) == kBody);
  CHECK(encode_audit_record(r) == sample_line());
}

TEST_CASE("decode_audit_record reads the documented line back", "[audit_record]") {
  const auto r = decode_audit_record(sample_line());
  REQUIRE(r);
  CHECK(*r == sample_record());
  CHECK(audit_body_of(sample_line()) == kBody);
}

TEST_CASE("audit chain and MAC match the independent known answer", "[audit_record]") {
  const AuditHash h0 = audit_genesis(test_store_id());
  CHECK(hex_encode(h0) == kH0);
  const AuditHash h1 = audit_chain_next(h0, kBody);
  CHECK(hex_encode(h1) == kH1);
  const std::array<std::uint8_t, 32> key = [] {
    std::array<std::uint8_t, 32> k{};
    k.fill(0x42);
    return k;
  }();
  CHECK(hex_encode(audit_mac(key, h1)) == kMac);
  CHECK(audit_hash_equal(h1, hash_of(kH1)));
  CHECK_FALSE(audit_hash_equal(h0, h1));
}

TEST_CASE("audit_genesis binds the store id", "[audit_record]") {
  StoreId other = test_store_id();
  other[15] ^= 1;
  CHECK_FALSE(audit_hash_equal(audit_genesis(test_store_id()), audit_genesis(other)));
}

TEST_CASE("audit records round-trip text that needs escaping", "[audit_record]") {
  AuditRecord r = sample_record();
  r.reason = "100% sure, = \"quoted\"\ttab\nnewline";
  r.user = "Zoë 山田";
  r.names = {"a,b", "c d", "%41", "\x7f\x01"};
  r.scopes = {"s=1"};
  r.prefix = "a/";
  r.command = "./my agent";
  r.status = 137;
  r.mac.reset();
  REQUIRE(validate_audit_record(r));
  const std::string line = encode_audit_record(r);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find("%2541") != std::string::npos);  // '%' itself is escaped
  CHECK(line.find("status=137") != std::string::npos);
  CHECK(line.ends_with(" mac=-"));
  const auto back = decode_audit_record(line);
  REQUIRE(back);
  CHECK(*back == r);
  CHECK(encode_audit_record(*back) == line);
}

TEST_CASE("audit records with empty lists and the largest numbers round-trip", "[audit_record]") {
  AuditRecord r = sample_record();
  r.seq = std::numeric_limits<std::uint64_t>::max();
  r.uid = std::numeric_limits<std::uint32_t>::max();
  r.pid = std::numeric_limits<std::uint32_t>::max();
  r.status = std::numeric_limits<std::int32_t>::max();
  r.time = *parse_rfc3339_strict("9999-12-31T23:59:59Z");
  r.names.clear();
  r.scopes.clear();
  r.reason.clear();
  const auto back = decode_audit_record(encode_audit_record(r));
  REQUIRE(back);
  CHECK(*back == r);
}

TEST_CASE("decode_audit_record refuses every other spelling", "[audit_record]") {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"version", sample_with("v1 ", "v2 ")},
      {"lower-case escape", sample_with("wrong%20", "wrong%2a")},
      {"escaped safe byte", sample_with("user=alice", "user=%61lice")},
      {"truncated escape", sample_with("user=alice", "user=alice%2")},
      {"raw space", sample_with("user=alice", "user=al ice")},
      {"raw equals", sample_with("user=alice", "user=a=lice")},
      {"invalid UTF-8", sample_with("user=alice", "user=%FF")},
      {"empty list element", sample_with("names=openai", "names=,openai")},
      {"trailing comma", sample_with("key-id prefix", "key-id, prefix")},
      {"seq 0", sample_with("seq=1", "seq=0")},
      {"leading zero", sample_with("seq=1", "seq=01")},
      {"seq overflow", sample_with("seq=1", "seq=18446744073709551616")},
      {"uid overflow", sample_with("uid=1000", "uid=4294967296")},
      {"negative status", sample_with("status=-", "status=-1")},
      {"status overflow", sample_with("status=-", "status=2147483648")},
      {"time with offset", sample_with("12:00:00Z", "12:00:00+00:00")},
      {"impossible date", sample_with("2027-01-31", "2027-02-31")},
      {"op upper case", sample_with("op=get", "op=Get")},
      {"op empty", sample_with("op=get", "op=")},
      {"outcome", sample_with("outcome=failed", "outcome=fail")},
      {"chain upper case", sample_with("chain=5d57", "chain=5D57")},
      {"chain short", sample_with("chain=5d57", "chain=5d5")},
      {"mac upper case", sample_with("mac=3940c4", "mac=3940C4")},
      {"order", sample_with("user=alice uid=1000", "uid=1000 user=alice")},
      {"key renamed", sample_with("names=", "name=")},
      {"missing field", sample_with(" prefix=", "")},
      {"extra field", sample_line() + " extra=1"},
      {"trailing space", sample_line() + " "},
      {"carriage return", sample_line() + "\r"},
      {"newline", sample_line() + "\n"},
      {"empty", ""},
  };
  for (const auto& [what, line] : bad) {
    INFO(what);
    const auto r = decode_audit_record(line);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::integrity);
  }
}

TEST_CASE("decode_audit_record refuses lines longer than the bound", "[audit_record]") {
  AuditRecord r = sample_record();
  r.reason.assign(kMaxAuditLineBytes, 'a');
  const auto back = decode_audit_record(encode_audit_record(r));
  REQUIRE_FALSE(back);
  CHECK(back.error().code == Errc::integrity);
}

TEST_CASE("validate_audit_record names the field it cannot write", "[audit_record]") {
  auto message_for = [](AuditRecord r) {
    const auto st = validate_audit_record(r);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == Errc::usage);
    return st.error().message;
  };
  AuditRecord r = sample_record();
  r.seq = 0;
  CHECK_THAT(message_for(r), Catch::Contains("'seq'"));
  r = sample_record();
  r.op = "Get";
  CHECK_THAT(message_for(r), Catch::Contains("'op'"));
  r = sample_record();
  r.names = {"a", ""};
  CHECK_THAT(message_for(r), Catch::Contains("'names'"));
  r = sample_record();
  r.command = "\xff";
  CHECK_THAT(message_for(r), Catch::Contains("'cmd'"));
  r = sample_record();
  r.status = -1;
  CHECK_THAT(message_for(r), Catch::Contains("'status'"));
  r = sample_record();
  r.time = -1;
  CHECK_THAT(message_for(r), Catch::Contains("'time'"));
}

TEST_CASE("to_audit_text replaces each invalid byte with U+FFFD", "[audit_record]") {
  CHECK(to_audit_text("plain") == "plain");
  CHECK(to_audit_text("Zo\xc3\xab") == "Zo\xc3\xab");
  CHECK(to_audit_text("a\xff" "b") == "a\xef\xbf\xbd" "b");
  CHECK(to_audit_text("\xc3") == "\xef\xbf\xbd");
  CHECK(to_audit_text("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a surrogate
}

TEST_CASE("audit heads are SEQ:HASH", "[audit_record]") {
  const AuditHead head{42, hash_of(kH1)};
  const std::string text = format_audit_head(head);
  CHECK(text == "42:" + std::string(kH1));
  CHECK(parse_audit_head(text) == head);
  CHECK(parse_audit_head("0:" + std::string(kH0)) == AuditHead{0, hash_of(kH0)});
  CHECK_FALSE(parse_audit_head("42"));
  CHECK_FALSE(parse_audit_head("042:" + std::string(kH1)));
  CHECK_FALSE(parse_audit_head(":" + std::string(kH1)));
  CHECK_FALSE(parse_audit_head("42:" + std::string(kH1).substr(2)));
  CHECK_FALSE(parse_audit_head("-1:" + std::string(kH1)));
}
