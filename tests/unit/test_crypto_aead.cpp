// XChaCha20-Poly1305 and keyed BLAKE2b.
#include <catch2/catch.hpp>

#include <vaultx/crypto/aead.hpp>

#include "helpers.hpp"

using namespace vaultx;
using vaultx::test::hex;
using vaultx::test::ramp;
using vaultx::test::unhex;

namespace {
// draft-irtf-cfrg-xchacha-03, appendix A.3.1.
struct XChaChaVector {
  Bytes key = ramp(0x80, 32);
  Bytes nonce = ramp(0x40, 24);
  Bytes aad = unhex("50515253c0c1c2c3c4c5c6c7");
  std::string plaintext =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would "
      "be it.";
  std::string ciphertext_hex =
      "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c2"
      "16cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615"
      "c68b13b52e";
  std::string tag_hex = "c0875924c1c7987947deafd8780acf49";
};
}  // namespace

TEST_CASE("aead_seal matches draft-irtf-cfrg-xchacha A.3.1", "[crypto][aead]") {
  const XChaChaVector v;
  const Bytes sealed = crypto::aead_seal(v.key, v.nonce, as_bytes(v.plaintext), v.aad);
  REQUIRE(sealed.size() == v.plaintext.size() + crypto::kTagBytes);
  CHECK(hex(ByteView(sealed).first(v.plaintext.size())) == v.ciphertext_hex);
  CHECK(hex(ByteView(sealed).last(crypto::kTagBytes)) == v.tag_hex);
}

TEST_CASE("aead_open opens the A.3.1 vector and rejects any tampering", "[crypto][aead]") {
  const XChaChaVector v;
  Bytes sealed = unhex(v.ciphertext_hex + v.tag_hex);
  const auto plain = crypto::aead_open(v.key, v.nonce, sealed, v.aad);
  REQUIRE(plain);
  CHECK(plain->view() == v.plaintext);

  SECTION("flipped tag bit") {
    sealed.back() ^= 0x01;
    CHECK_FALSE(crypto::aead_open(v.key, v.nonce, sealed, v.aad));
  }
  SECTION("flipped ciphertext bit, anywhere") {
    for (std::size_t i = 0; i < v.plaintext.size(); ++i) {
      Bytes t = sealed;
      t[i] ^= 0x80;
      CHECK_FALSE(crypto::aead_open(v.key, v.nonce, t, v.aad));
    }
  }
  SECTION("changed associated data") {
    Bytes ad = v.aad;
    ad[0] ^= 0x01;
    CHECK_FALSE(crypto::aead_open(v.key, v.nonce, sealed, ad));
    CHECK_FALSE(crypto::aead_open(v.key, v.nonce, sealed, {}));
    ad = v.aad;
    ad.push_back(0);
    CHECK_FALSE(crypto::aead_open(v.key, v.nonce, sealed, ad));
  }
  SECTION("wrong key or nonce") {
    Bytes key = v.key;
    key[31] ^= 0x01;
    CHECK_FALSE(crypto::aead_open(key, v.nonce, sealed, v.aad));
    Bytes nonce = v.nonce;
    nonce[23] ^= 0x01;  // the part of the nonce past HChaCha20's input
    CHECK_FALSE(crypto::aead_open(v.key, nonce, sealed, v.aad));
  }
  SECTION("truncated or extended") {
    CHECK_FALSE(crypto::aead_open(v.key, v.nonce, ByteView(sealed).first(sealed.size() - 1), v.aad));
    CHECK_FALSE(crypto::aead_open(v.key, v.nonce, ByteView(sealed).first(crypto::kTagBytes - 1), v.aad));
    CHECK_FALSE(crypto::aead_open(v.key, v.nonce, {}, v.aad));
    Bytes longer = sealed;
    longer.push_back(0);
    CHECK_FALSE(crypto::aead_open(v.key, v.nonce, longer, v.aad));
  }
  SECTION("bad key or nonce sizes are refused, not asserted") {
    CHECK_FALSE(crypto::aead_open(ByteView(v.key).first(31), v.nonce, sealed, v.aad));
    CHECK_FALSE(crypto::aead_open(v.key, ByteView(v.nonce).first(12), sealed, v.aad));
  }
}

TEST_CASE("aead_open_into zeroes its output on failure and checks the output size", "[crypto][aead]") {
  const XChaChaVector v;
  Bytes sealed = unhex(v.ciphertext_hex + v.tag_hex);
  Bytes out(v.plaintext.size(), 0xaa);
  REQUIRE(crypto::aead_open_into(v.key, v.nonce, sealed, v.aad, out));
  CHECK(as_text(out) == v.plaintext);
  sealed[0] ^= 0x01;
  std::fill(out.begin(), out.end(), std::uint8_t{0xaa});
  CHECK_FALSE(crypto::aead_open_into(v.key, v.nonce, sealed, v.aad, out));
  CHECK(std::all_of(out.begin(), out.end(), [](std::uint8_t b) { return b == 0; }));
  Bytes small(v.plaintext.size() - 1);
  sealed[0] ^= 0x01;
  CHECK_FALSE(crypto::aead_open_into(v.key, v.nonce, sealed, v.aad, small));
}

TEST_CASE("aead round trips empty and binary plaintexts", "[crypto][aead]") {
  const auto key = crypto::random_key();
  REQUIRE(key.size() == crypto::kKeyBytes);
  const auto nonce = crypto::random_nonce();
  const Bytes binary{0x00, 0xff, 0x0a, 0x00};
  for (const Bytes& plain : {Bytes{}, binary}) {
    const Bytes sealed = crypto::aead_seal(key.span(), nonce, plain, as_bytes("ad"));
    CHECK(sealed.size() == plain.size() + crypto::kTagBytes);
    const auto opened = crypto::aead_open(key.span(), nonce, sealed, as_bytes("ad"));
    REQUIRE(opened);
    CHECK(Bytes(opened->span().begin(), opened->span().end()) == plain);
  }
}

TEST_CASE("randomness helpers", "[crypto][aead]") {
  CHECK(crypto::random_nonce() != crypto::random_nonce());
  CHECK_FALSE(crypto::random_key().equals(crypto::random_key()));
  for (int i = 0; i < 1000; ++i) CHECK(crypto::random_below(3) < 3);
  Bytes buf(64, 0);
  crypto::random_fill(buf);
  CHECK(std::any_of(buf.begin(), buf.end(), [](std::uint8_t b) { return b != 0; }));
}

TEST_CASE("keyed_hash is keyed BLAKE2b", "[crypto][hash]") {
  const Bytes key = ramp(0x00, 64);
  // BLAKE2b-512 keyed test vector (blake2b-kat.txt, empty input and the 0x00..0x3f key).
  CHECK(hex(crypto::keyed_hash(key, {}, 64)) ==
        "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786"
        "b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568");
  const Bytes in = ramp(0x00, 1);
  CHECK(hex(crypto::keyed_hash(key, in, 64)) ==
        "961f6dd1e4dd30f63901690c512e78e4b45e4742ed197c3c5e45c549fd25f2e4"
        "187b0bc9fe30492b16b0d0bc4ef9b0f34c7003fac09a5ef1532e69430234cebd");
  const Bytes k32 = ramp(0x20, 32);
  const Bytes a = crypto::keyed_hash(k32, as_bytes("aws/key"), 16);
  CHECK(a.size() == 16);
  CHECK(a == crypto::keyed_hash(k32, as_bytes("aws/key"), 16));
  CHECK(a != crypto::keyed_hash(k32, as_bytes("aws/kez"), 16));
  CHECK(a != crypto::keyed_hash(ramp(0x21, 32), as_bytes("aws/key"), 16));
  // The output length is a parameter of BLAKE2b, not a truncation.
  const Bytes longer = crypto::keyed_hash(k32, as_bytes("aws/key"), 32);
  CHECK(Bytes(longer.begin(), longer.begin() + 16) != a);
}
