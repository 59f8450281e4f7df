// Identity files and public key text: round trips, strict parsing, and
// decoders that reject altered files.
#include <catch2/catch.hpp>

#include <string>

#include <vaultx/crypto/x25519.hpp>
#include <vaultx/format/identity.hpp>

using namespace vaultx;

TEST_CASE("public key text round trips and is parsed strictly") {
  const auto id = crypto::generate_identity();
  const std::string text = format::public_key_text(id.public_key);
  REQUIRE(text.size() == 49);
  REQUIRE(text.starts_with("vxpk1:"));
  const auto parsed = format::parse_public_key_text(text);
  REQUIRE(parsed);
  REQUIRE(*parsed == id.public_key);
  CHECK_FALSE(format::parse_public_key_text(text + "\n"));
  CHECK_FALSE(format::parse_public_key_text(" " + text));
  CHECK_FALSE(format::parse_public_key_text(text.substr(0, 48)));
  CHECK_FALSE(format::parse_public_key_text("vxpk2:" + text.substr(6)));
  CHECK_FALSE(format::parse_public_key_text(""));
}

TEST_CASE("a plain identity file round trips and its keys belong together") {
  auto id = crypto::generate_identity();
  format::IdentityFile file;
  file.public_key = id.public_key;
  file.secret_key = secure::SecretBytes::copy_of(id.secret_key.span());
  const auto bytes = format::encode_identity_file(file);
  const std::string text(bytes.view());
  REQUIRE(text.starts_with("vaultx-identity 1\n"));
  auto decoded = format::decode_identity_file(text);
  REQUIRE(decoded);
  CHECK_FALSE(decoded->sealed);
  CHECK(decoded->public_key == id.public_key);
  CHECK(format::identity_matches(decoded->public_key, decoded->secret_key));
  auto other = crypto::generate_identity();
  CHECK_FALSE(format::identity_matches(other.public_key, decoded->secret_key));
}

TEST_CASE("identity decoding rejects truncated and altered files") {
  auto id = crypto::generate_identity();
  format::IdentityFile file;
  file.public_key = id.public_key;
  file.secret_key = secure::SecretBytes::copy_of(id.secret_key.span());
  const std::string text(format::encode_identity_file(file).view());
  for (std::size_t n = 0; n < text.size(); ++n) {
    CHECK_FALSE(format::decode_identity_file(text.substr(0, n)));
  }
  CHECK_FALSE(format::decode_identity_file(text + "extra 1\n"));
  CHECK_FALSE(format::decode_identity_file("vaultx-identity 2" + text.substr(17)));
  CHECK_FALSE(format::decode_identity_file(std::string(2000, 'a')));
}
