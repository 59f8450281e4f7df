// X25519 identities, sealed boxes and the low-order point checks.
#include <catch2/catch.hpp>

#include <vaultx/crypto/x25519.hpp>

#include "helpers.hpp"

using namespace vaultx;
using vaultx::test::unhex;

namespace {
crypto::PublicKey key_from_hex(std::string_view h) {
  const Bytes raw = unhex(h);
  crypto::PublicKey pk{};
  std::copy(raw.begin(), raw.end(), pk.begin());
  return pk;
}

// Curve25519 points of small order (u-coordinates, little-endian), including
// non-canonical encodings (>= p). Each gives an all-zero shared secret.
const char* const kLowOrderPoints[] = {
    "0000000000000000000000000000000000000000000000000000000000000000",  // 0, order 4
    "0100000000000000000000000000000000000000000000000000000000000000",  // 1, order 1
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",  // order 8
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",  // order 8
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p - 1, order 2
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p = 0
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p + 1 = 1
    "0000000000000000000000000000000000000000000000000000000000000080",  // 0 with the ignored top bit set
};
}  // namespace

TEST_CASE("generated identities are usable and their public key is recomputable", "[crypto][x25519]") {
  const auto id = crypto::generate_identity();
  REQUIRE(id.secret_key.size() == crypto::kSecretKeyBytes);
  CHECK(crypto::is_usable_public_key(id.public_key));
  const auto pk = crypto::public_key_of(id.secret_key);
  REQUIRE(pk);
  CHECK(*pk == id.public_key);
  CHECK_FALSE(crypto::public_key_of(secure::SecretBytes(31)));
  CHECK(crypto::generate_identity().public_key != id.public_key);
}

TEST_CASE("X25519 matches the RFC 7748 section 6.1 public key", "[crypto][x25519]") {
  const Bytes alice_sk = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const auto pk = crypto::public_key_of(secure::SecretBytes::copy_of(alice_sk));
  REQUIRE(pk);
  CHECK(*pk == key_from_hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
}

TEST_CASE("is_usable_public_key rejects low-order points", "[crypto][x25519]") {
  for (const char* h : kLowOrderPoints) {
    INFO(h);
    CHECK_FALSE(crypto::is_usable_public_key(key_from_hex(h)));
  }
  // A point of large order (the RFC 7748 base point, u = 9) is fine.
  CHECK(crypto::is_usable_public_key(key_from_hex("0900000000000000000000000000000000000000000000000000000000000000")));
}

TEST_CASE("sealed boxes round trip", "[crypto][x25519]") {
  const auto id = crypto::generate_identity();
  const Bytes plain{0x00, 0xff, 'k', 'e', 'k', '\n'};
  const Bytes box = crypto::seal_to(id.public_key, plain);
  REQUIRE(box.size() == plain.size() + crypto::kSealOverheadBytes);
  const auto opened = crypto::open_sealed(id, box);
  REQUIRE(opened);
  CHECK(Bytes(opened->span().begin(), opened->span().end()) == plain);
  // Sealing is randomised (a fresh ephemeral key each time).
  CHECK(crypto::seal_to(id.public_key, plain) != box);

  SECTION("an empty plaintext") {
    const Bytes empty_box = crypto::seal_to(id.public_key, {});
    REQUIRE(empty_box.size() == crypto::kSealOverheadBytes);
    const auto e = crypto::open_sealed(id, empty_box);
    REQUIRE(e);
    CHECK(e->empty());
  }
  SECTION("another identity cannot open it") {
    CHECK_FALSE(crypto::open_sealed(crypto::generate_identity(), box));
  }
  SECTION("every flipped byte is rejected") {
    for (std::size_t i = 0; i < box.size(); ++i) {
      Bytes t = box;
      t[i] ^= 0x01;
      INFO("byte " << i);
      CHECK_FALSE(crypto::open_sealed(id, t));
    }
  }
  SECTION("truncated boxes are rejected") {
    for (std::size_t n = 0; n < box.size(); ++n) CHECK_FALSE(crypto::open_sealed(id, ByteView(box).first(n)));
  }
  SECTION("a box whose ephemeral key is a low-order point is rejected") {
    for (const char* h : kLowOrderPoints) {
      Bytes t = box;
      const Bytes point = unhex(h);
      std::copy(point.begin(), point.end(), t.begin());
      CHECK_FALSE(crypto::open_sealed(id, t));
    }
  }
  SECTION("an identity with a malformed secret key opens nothing") {
    crypto::X25519Identity bad;
    bad.public_key = id.public_key;
    bad.secret_key = secure::SecretBytes(16);
    CHECK_FALSE(crypto::open_sealed(bad, box));
  }
}

TEST_CASE("seal_to refuses a low-order recipient", "[crypto][x25519]") {
  for (const char* h : kLowOrderPoints) {
    INFO(h);
    CHECK(crypto::seal_to(key_from_hex(h), as_bytes("master key")).empty());
  }
}
