// Old stores keep opening: tests/vectors/store-v1 was made once by the real
// binary (vaultx init with --kdf-memory 8M --kdf-time 1 --kdf-parallelism 1,
// passphrase "vector passphrase", then two 'vaultx set --raw') and is never
// regenerated. See tests/vectors/README.md.
#include <catch2/catch.hpp>

#include <vaultx/store/store.hpp>

#include "vectors.hpp"

using namespace vaultx;
namespace fs = std::filesystem;

TEST_CASE("store-v1 opens and reads both secrets", "[store][vectors]") {
  const fs::path root = fs::path(test::vectors::dir()) / "store-v1";
  auto s = store::Store::open(root);
  REQUIRE(s);
  CHECK(*s->passphrase_kdf() == crypto::KdfParams{8192, 1, 1});
  CHECK(s->unlock_with_passphrase(test::secret("wrong")).error().code == Errc::unlock);
  auto v = s->unlock_with_passphrase(test::secret("vector passphrase"));
  REQUIRE(v);

  const auto listing = v->list("");
  REQUIRE(listing);
  CHECK(listing->problems.empty());
  REQUIRE(listing->entries.size() == 2);
  CHECK(listing->entries[0].name == "app/token");
  CHECK(listing->entries[1].name == "bin/blob");

  const auto token = v->get("app/token");
  REQUIRE(token);
  CHECK(token->value.view() == "t0ken-v1");
  CHECK(token->meta.version == 1);

  const auto blob = v->get("bin/blob");
  REQUIRE(blob);
  CHECK(blob->value.view() == std::string_view("a\0\xff\nb\n", 6));
  CHECK(blob->meta.version == 2);  // set twice: the second value rotated it
  CHECK(blob->meta.rotated >= blob->meta.created);
}

TEST_CASE("the vector files assemble into a store that opens", "[store][vectors]") {
  namespace vec = test::vectors;
  test::TempDir tmp;
  const fs::path root = tmp.path();
  fs::create_directories(root / "keys");
  fs::create_directories(root / "secrets");
  const fs::path vdir = vec::dir();
  fs::copy_file(vdir / "store-header.txt", root / "vaultx-store");
  fs::copy_file(vdir / "key-passphrase.txt", root / "keys" / "passphrase.key");
  fs::copy_file(vdir / "secret-1.txt", root / "secrets" / "ae2e680ae2d0a951c0d9233b99b9cfee.secret");
  fs::copy_file(vdir / "secret-2.txt", root / "secrets" / "f3eea1016ac6626be624a6b33647f74c.secret");
  auto s = store::Store::open(root);
  REQUIRE(s);
  auto v = s->unlock_with_passphrase(test::secret(vec::kPassphrase));
  REQUIRE(v);
  const auto listing = v->list("");
  REQUIRE(listing);
  CHECK(listing->problems.empty());
  REQUIRE(listing->entries.size() == 2);
  CHECK(listing->entries[0].name == "a");
  CHECK(listing->entries[1].name == "vectors/api-key");
  CHECK(listing->entries[1].meta == vec::secret1().meta);
  const auto one = v->get("vectors/api-key");
  REQUIRE(one);
  CHECK(one->value.view() == as_text(vec::secret1().value));
  const auto two = v->get("a");
  REQUIRE(two);
  CHECK(two->value.empty());
}
