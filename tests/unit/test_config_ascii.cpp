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
