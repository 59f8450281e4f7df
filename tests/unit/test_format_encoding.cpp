// Canonical base64 and hex: each value has exactly one accepted spelling.
#include <catch2/catch.hpp>

#include <vaultx/crypto/aead.hpp>
#include <vaultx/format/encoding.hpp>

#include "helpers.hpp"

using namespace vaultx;
using format::base64_decode;
using format::base64_encode;
using format::hex_decode;
using format::hex_encode;

TEST_CASE("base64 round trips every length", "[format][encoding]") {
  for (std::size_t n = 0; n <= 70; ++n) {
    Bytes raw(n);
    crypto::random_fill(raw);
    const std::string text = base64_encode(raw);
    CHECK(text.size() == (n + 2) / 3 * 4);
    const auto back = base64_decode(text);
    REQUIRE(back);
    CHECK(*back == raw);
  }
}

TEST_CASE("base64 uses the standard alphabet with padding (RFC 4648 section 4)", "[format][encoding]") {
  CHECK(base64_encode({}).empty());
  CHECK(base64_encode(as_bytes("f")) == "Zg==");
  CHECK(base64_encode(as_bytes("fo")) == "Zm8=");
  CHECK(base64_encode(as_bytes("foo")) == "Zm9v");
  CHECK(base64_encode(as_bytes("foobar")) == "Zm9vYmFy");
  const Bytes high{0xfb, 0xff, 0xbf};
  CHECK(base64_encode(high) == "+/+/");
  CHECK(base64_decode("+/+/") == high);
  const auto empty = base64_decode("");
  REQUIRE(empty);
  CHECK(empty->empty());
}

TEST_CASE("base64 rejects every non-canonical spelling", "[format][encoding]") {
  const char* const bad[] = {
      "Zh==",       // non-zero padding bits ('f' is Zg==)
      "Zm9=",       // non-zero padding bits ("fo" is Zm8=)
      "Zg=",        // short padding
      "Zg",         // no padding
      "Zg===",      // too much padding
      "Z===",       // one character is never a full byte
      "====",       // padding only
      "Zg==Zg==",   // padding in the middle
      "Zm9v\n",     // newline
      "Zm9v ",      // trailing space
      " Zm9v",      // leading space
      "Zm 9v",      // inner space
      "Zm\t9v",     // tab
      "Zm9v\r",     // carriage return
      "-_-_",       // URL-safe alphabet
      "Zm9v=",      // padding after a full quad
      "Zm9",        // length not a multiple of 4
      "Zm9vY",      // length not a multiple of 4
      "Zg=A",       // data after padding
  };
  for (const char* b : bad) {
    INFO(b);
    CHECK_FALSE(base64_decode(b));
  }
  CHECK_FALSE(base64_decode(std::string_view("Zm9v\0\0\0\0", 8)));
  // Exhaustively: of the 64 possible last characters of "Zm?=" only the 16 with
  // zero low bits decode, and of "Z?==" only the 4.
  int two = 0, one = 0;
  for (char c : std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")) {
    two += base64_decode(std::string("Zm") + c + "=").has_value() ? 1 : 0;
    one += base64_decode(std::string("Z") + c + "==").has_value() ? 1 : 0;
  }
  CHECK(two == 16);
  CHECK(one == 4);
}

TEST_CASE("hex is lower case, exact length", "[format][encoding]") {
  const Bytes raw{0x00, 0x0a, 0xff, 0x7f};
  CHECK(hex_encode(raw) == "000aff7f");
  CHECK(hex_decode("000aff7f") == raw);
  CHECK(hex_encode({}).empty());
  const auto empty = hex_decode("");
  REQUIRE(empty);
  CHECK(empty->empty());
  const char* const bad[] = {"000AFF7F", "0A", "Ff", "0",   "abc", "0g", " 00", "00 ",
                             "00\n",     "0x00", "00:11", "-1", "+1",  "zz"};
  for (const char* b : bad) {
    INFO(b);
    CHECK_FALSE(hex_decode(b));
  }
  for (std::size_t n = 0; n < 40; ++n) {
    Bytes r(n);
    crypto::random_fill(r);
    CHECK(hex_decode(hex_encode(r)) == r);
  }
}
