// JSON string output and UTF-8 validation.
#include <catch2/catch.hpp>

#include <vaultx/format/json.hpp>

using namespace vaultx::format;

TEST_CASE("json_string escapes what JSON requires", "[format][json]") {
  CHECK(json_string("") == "\"\"");
  CHECK(json_string("plain/name-1.x") == "\"plain/name-1.x\"");
  CHECK(json_string("a\"b") == "\"a\\\"b\"");
  CHECK(json_string("a\\b") == "\"a\\\\b\"");
  CHECK(json_string("\n\r\t\b\f") == "\"\\n\\r\\t\\b\\f\"");
  CHECK(json_string(std::string_view("\0", 1)) == "\"\\u0000\"");
  CHECK(json_string("\x01\x1f") == "\"\\u0001\\u001f\"");
  CHECK(json_string("\x7f") == "\"\\u007f\"");
  CHECK(json_string("/") == "\"/\"");  // solidus needs no escape
  CHECK(json_string("caf\xc3\xa9 \xf0\x9f\x98\x80") == "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  std::string out = "[";
  append_json_string(out, "x");
  CHECK(out == "[\"x\"");
}

TEST_CASE("is_valid_utf8", "[format][json]") {
  const char* const good[] = {
      "",
      "ascii",
      "\xc2\x80",          // U+0080, smallest 2-byte
      "\xc3\xa9",          // é
      "\xdf\xbf",          // U+07FF
      "\xe0\xa0\x80",      // U+0800, smallest 3-byte
      "\xed\x9f\xbf",      // U+D7FF, just below the surrogates
      "\xee\x80\x80",      // U+E000, just above
      "\xef\xbf\xbf",      // U+FFFF
      "\xf0\x90\x80\x80",  // U+10000, smallest 4-byte
      "\xf0\x9f\x98\x80",  // 😀
      "\xf4\x8f\xbf\xbf",  // U+10FFFF, the largest
  };
  for (const char* g : good) {
    INFO(g);
    CHECK(is_valid_utf8(g));
  }
  CHECK(is_valid_utf8(std::string_view("\0", 1)));
  const char* const bad[] = {
      "\xc0\x80",          // overlong NUL
      "\xc0\xaf",          // overlong '/'
      "\xc1\xbf",          // overlong
      "\xe0\x80\xaf",      // overlong 3-byte
      "\xe0\x9f\xbf",      // overlong U+07FF
      "\xf0\x80\x80\xaf",  // overlong 4-byte
      "\xf0\x8f\xbf\xbf",  // overlong U+FFFF
      "\xed\xa0\x80",      // U+D800, a surrogate
      "\xed\xbf\xbf",      // U+DFFF
      "\xed\xa0\xbd\xed\xb8\x80",  // a CESU-8 surrogate pair
      "\xf4\x90\x80\x80",  // U+110000
      "\xf7\xbf\xbf\xbf",  //
      "\xf8\x88\x80\x80\x80",  // 5-byte form
      "\xfc\x84\x80\x80\x80\x80",
      "\xfe",
      "\xff",
      "\x80",              // lone continuation
      "a\xbf",
      "\xc3",              // truncated
      "\xe2\x82",          // truncated
      "\xf0\x9f\x98",      // truncated
      "\xc3\x28",          // bad continuation
      "\xe2\x28\xa1",
      "\xf0\x9f\x28\x80",
  };
  for (const char* b : bad) {
    INFO(b);
    CHECK_FALSE(is_valid_utf8(b));
  }
}
