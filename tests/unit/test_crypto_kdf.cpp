// Argon2id through vaultx::crypto::argon2id, and the KDF bounds.
#include <catch2/catch.hpp>

#include <vaultx/crypto/kdf.hpp>

#include "helpers.hpp"

using namespace vaultx;
using vaultx::test::filled;
using vaultx::test::hex;

TEST_CASE("argon2id matches the RFC 9106 section 5.3 test vector", "[crypto][kdf]") {
  const Bytes password = filled(0x01, 32);
  const Bytes salt = filled(0x02, 16);
  const Bytes secret = filled(0x03, 8);
  const Bytes ad = filled(0x04, 12);
  const crypto::KdfParams params{32, 3, 4};
  const auto tag = crypto::argon2id(password, salt, params, 32, secret, ad);
  REQUIRE(tag.has_value());
  CHECK(hex(tag->span()) == "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
}

TEST_CASE("argon2id depends on every input", "[crypto][kdf]") {
  const Bytes salt = filled(0x02, 16);
  const crypto::KdfParams cheap{8 * 1024, 1, 1};
  const auto base = crypto::argon2id(as_bytes("pw"), salt, cheap, 32);
  REQUIRE(base);
  CHECK(base->size() == 32);
  // Deterministic.
  CHECK(base->equals(*crypto::argon2id(as_bytes("pw"), salt, cheap, 32)));
  CHECK_FALSE(base->equals(*crypto::argon2id(as_bytes("pW"), salt, cheap, 32)));
  CHECK_FALSE(base->equals(*crypto::argon2id(as_bytes("pw"), filled(0x03, 16), cheap, 32)));
  CHECK_FALSE(base->equals(*crypto::argon2id(as_bytes("pw"), salt, {8 * 1024 + 8, 1, 1}, 32)));
  CHECK_FALSE(base->equals(*crypto::argon2id(as_bytes("pw"), salt, {8 * 1024, 2, 1}, 32)));
  CHECK_FALSE(base->equals(*crypto::argon2id(as_bytes("pw"), salt, {8 * 1024, 1, 2}, 32)));
  // An empty password is still a valid input.
  CHECK(crypto::argon2id({}, salt, cheap, 32).has_value());
}

TEST_CASE("argon2id refuses parameters libargon2 refuses", "[crypto][kdf]") {
  const Bytes salt = filled(0x02, 16);
  CHECK_FALSE(crypto::argon2id(as_bytes("pw"), filled(0x02, 4), {8 * 1024, 1, 1}, 32));  // salt < 8 bytes
  CHECK_FALSE(crypto::argon2id(as_bytes("pw"), salt, {8 * 1024, 0, 1}, 32));             // t = 0
  CHECK_FALSE(crypto::argon2id(as_bytes("pw"), salt, {8 * 1024, 1, 0}, 32));             // p = 0
  CHECK_FALSE(crypto::argon2id(as_bytes("pw"), salt, {4, 1, 1}, 32));                    // m < 8 KiB
}

TEST_CASE("KDF bounds: floor m=8 MiB t=1 p=1, ceiling m=4 GiB t=16 p=16", "[crypto][kdf]") {
  using crypto::KdfBound;
  using crypto::check_kdf_bounds;
  CHECK(check_kdf_bounds({8192, 1, 1}) == KdfBound::ok);
  CHECK(check_kdf_bounds({4U * 1024 * 1024, 16, 16}) == KdfBound::ok);
  CHECK(check_kdf_bounds(crypto::KdfParams{}) == KdfBound::ok);
  CHECK(crypto::KdfParams{} == crypto::KdfParams{65536, 3, 4});
  CHECK(check_kdf_bounds({8191, 1, 1}) == KdfBound::below_floor);
  CHECK(check_kdf_bounds({8192, 0, 1}) == KdfBound::below_floor);
  CHECK(check_kdf_bounds({8192, 1, 0}) == KdfBound::below_floor);
  CHECK(check_kdf_bounds({4U * 1024 * 1024 + 1, 1, 1}) == KdfBound::above_ceiling);
  CHECK(check_kdf_bounds({8192, 17, 1}) == KdfBound::above_ceiling);
  CHECK(check_kdf_bounds({8192, 1, 17}) == KdfBound::above_ceiling);
  // Below the floor wins over above the ceiling: it is the tampering signal.
  CHECK(check_kdf_bounds({1, 100, 100}) == KdfBound::below_floor);
}
