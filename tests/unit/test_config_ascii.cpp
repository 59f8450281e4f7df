// The ASCII guard runs before toml++ sees a byte (toml++ 3.3.0 has undefined
// behaviour on some non-ASCII input, e.g. e2 b7 b7 04).
#include <catch2/catch.hpp>

#include <string>

#include <vaultx/config/config.hpp>

using namespace std::string_literals;
using vaultx::Errc;
using vaultx::config::check_ascii;
using vaultx::config::parse_config;

namespace {
std::string guard_message(const std::string& text) {
  const auto r = parse_config(text, "vaultx.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::usage);
  CHECK_FALSE(r.error().hint.empty());
  return r.error().message;
}
}  // namespace

TEST_CASE("check_ascii: the toml++ crash input e2 b7 b7 04 is refused at 1:1", "[config]") {
  const std::string msg = guard_message("\xe2\xb7\xb7\x04"s);
  CHECK(msg == "vaultx.toml:1:1: byte 0xe2 is not ASCII; vaultx.toml must be plain printable ASCII");
}

TEST_CASE("check_ascii: the crash input after valid lines names its line and column", "[config]") {
  const std::string msg = guard_message("[scopes.a]\nsecrets = [\"x\"] \xe2\xb7\xb7\x04\n"s);
  CHECK(msg == "vaultx.toml:2:17: byte 0xe2 is not ASCII; vaultx.toml must be plain printable ASCII");
}

TEST_CASE("check_ascii: a UTF-8 comment is refused", "[config]") {
  const std::string msg = guard_message("# scopes\n\n[policy]  # caf\xc3\xa9\nmax_age = \"90d\"\n"s);
  CHECK(msg == "vaultx.toml:3:16: byte 0xc3 is not ASCII; vaultx.toml must be plain printable ASCII");
}

TEST_CASE("check_ascii: a NUL byte is refused as a control character", "[config]") {
  const std::string msg = guard_message("[scopes.a]\nsecrets = [\"a\0b\"]\n"s);
  CHECK(msg == "vaultx.toml:2:14: byte 0x00 is a control character; vaultx.toml must be plain printable ASCII");
}

TEST_CASE("check_ascii: other control bytes and DEL are refused", "[config]") {
  CHECK(guard_message("\x1b[31m"s).find(":1:1: byte 0x1b is a control") != std::string::npos);
  CHECK(guard_message("a = 1\x7f"s).find(":1:6: byte 0x7f is a control") != std::string::npos);
  CHECK(guard_message("\x04"s).find(":1:1: byte 0x04") != std::string::npos);
}

TEST_CASE("check_ascii: tabs, CR LF and printable ASCII pass", "[config]") {
  CHECK(check_ascii("[policy]\r\n\tmax_age = \"90d\"\r\n~!@#$%^&*()", "f").ok());
  CHECK(check_ascii("", "f").ok());
  std::string all;
  for (int c = 0x20; c < 0x7f; ++c) all += static_cast<char>(c);
  CHECK(check_ascii(all, "f").ok());
}

TEST_CASE("check_ascii: every byte from 0x80 up is refused", "[config]") {
  for (int c = 0x80; c <= 0xff; ++c) {
    const std::string text = "# x" + std::string(1, static_cast<char>(c));
    const auto s = check_ascii(text, "f");
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message.rfind("f:1:4: byte 0x", 0) == 0);
  }
}

TEST_CASE("parse_config: a text over 1 MiB is refused before parsing", "[config]") {
  const std::string big(vaultx::config::kMaxConfigBytes + 1, '#');
  const auto r = parse_config(big, "big.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::usage);
  CHECK(r.error().message.rfind("big.toml: ", 0) == 0);
}

// toml++ recurses per level of dotted-key / table-header nesting with no
// limit: "[a.a.a...]" 50000 deep overflowed the stack. Lines are capped at
// kMaxDotsPerLine dots before toml++ parses.
TEST_CASE("check_nesting: a line with too many dots is refused before parsing", "[config]") {
  const std::size_t max = vaultx::config::kMaxDotsPerLine;
  std::string deep = "[a";
  for (std::size_t i = 0; i < 50000; ++i) deep += ".a";
  deep += "]\n";
  const std::string msg = guard_message("# ok\n" + deep);
  CHECK(msg.rfind("vaultx.toml:2:" + std::to_string(2 * max + 3) + ": more than 256 '.' on one line", 0) == 0);

  std::string key;
  for (std::size_t i = 0; i < max + 1; ++i) key += "k.";
  CHECK(guard_message(key + "k = 1\n").rfind("vaultx.toml:1:", 0) == 0);
  CHECK(guard_message("a = \"" + std::string(max + 1, '.') + "\"\n").find("more than 256 '.'") != std::string::npos);

  // Exactly the limit passes the guard (and is then judged by the schema).
  std::string at_limit;
  for (std::size_t i = 0; i < max; ++i) at_limit += "k.";
  const auto r = parse_config(at_limit + "k = 1\n", "f");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "f:1:1: unknown table or key 'k'");
  // Many dots spread over lines are fine.
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "[scopes.\"s" + std::to_string(i) + ".x\"]\n";
  CHECK(parse_config(many, "f").ok());
}
