// Secret names and their default environment variable names.
#include <catch2/catch.hpp>

#include <vaultx/format/names.hpp>

using namespace vaultx;
using format::validate_secret_name;

namespace {
void require_rejected(std::string_view name, std::string_view rule) {
  const auto st = validate_secret_name(name);
  INFO(format::quote_for_message(name));
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == Errc::usage);
  CHECK_THAT(st.error().message, Catch::Contains(std::string(rule)));
  CHECK_FALSE(st.error().hint.empty());
}
}  // namespace

TEST_CASE("valid secret names", "[format][names]") {
  for (const char* ok : {"a", "A", "0", "openai/api-key", "aws/s3-reader/key-id", "a.b", "...", ".hidden", "a_b",
                         "x/y/z/w", "-", "a..b", "_/_"}) {
    INFO(ok);
    CHECK(validate_secret_name(ok).ok());
  }
  CHECK(validate_secret_name(std::string(255, 'a')).ok());
  CHECK(validate_secret_name(std::string(127, 'a') + "/" + std::string(127, 'b')).ok());
}

TEST_CASE("invalid secret names, one per rule", "[format][names]") {
  require_rejected("", "empty");
  require_rejected(std::string(256, 'a'), "256 bytes long, the limit is 255");
  require_rejected("../x", "'.' or '..' segment");
  require_rejected("a/../b", "'.' or '..' segment");
  require_rejected("..", "'.' or '..' segment");
  require_rejected("a/./b", "'.' or '..' segment");
  require_rejected(".", "'.' or '..' segment");
  require_rejected("a/.", "'.' or '..' segment");
  require_rejected("a//b", "empty segment");
  require_rejected("/a", "empty segment");
  require_rejected("a/", "empty segment");
  require_rejected("/", "empty segment");
  require_rejected("a b", "character outside");
  require_rejected("a\tb", "character outside");
  require_rejected(std::string_view("a\0b", 3), "character outside");
  require_rejected("a\nb", "character outside");
  require_rejected("a\x1b[31m", "character outside");
  require_rejected("a\x7f", "character outside");
  require_rejected("caf\xc3\xa9", "character outside");
  require_rejected("a\\b", "character outside");
  require_rejected("a:b", "character outside");
  require_rejected("a*", "character outside");
}

TEST_CASE("rejection messages never carry raw control bytes", "[format][names]") {
  const auto st = validate_secret_name("x\x1b]0;pwned\x07");
  REQUIRE_FALSE(st.ok());
  for (char c : st.error().message) CHECK((c >= 0x20 && c < 0x7f));
  CHECK_THAT(st.error().message, Catch::Contains("\\x1b"));
  // Over-long names are cut in the message.
  const auto longer = validate_secret_name(std::string(1000, 'q'));
  REQUIRE_FALSE(longer.ok());
  CHECK(longer.error().message.size() < 200);
}

TEST_CASE("quote_for_message", "[format][names]") {
  CHECK(format::quote_for_message("abc") == "'abc'");
  CHECK(format::quote_for_message("a'b") == "'a\\x27b'");
  CHECK(format::quote_for_message("a\\b") == "'a\\x5cb'");
  CHECK(format::quote_for_message(std::string_view("\0\xff", 2)) == "'\\x00\\xff'");
}

TEST_CASE("default_env_name", "[format][names]") {
  CHECK(format::default_env_name("aws/s3-reader/key-id") == "AWS_S3_READER_KEY_ID");
  CHECK(format::default_env_name("openai/api-key") == "OPENAI_API_KEY");
  CHECK(format::default_env_name("db.password") == "DB_PASSWORD");
  CHECK(format::default_env_name("Already_UPPER_9") == "ALREADY_UPPER_9");
  CHECK(format::default_env_name("a-b.c/d_e") == "A_B_C_D_E");
  // Distinct names can collide: the config layer must detect it.
  CHECK(format::default_env_name("a/b") == format::default_env_name("a-b"));
}
