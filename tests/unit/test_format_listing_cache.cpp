// The listing cache's format: strict plaintext, sealed to one store and key.
#include <catch2/catch.hpp>

#include <vaultx/crypto/aead.hpp>
#include <vaultx/format/listing_cache.hpp>

using namespace vaultx;

namespace {

format::ListingCache sample_cache() {
  format::ListingCache cache;
  cache.directory = format::FileStamp{12, 0, 1700000000123456789, 1700000000223456789};  // no size for a directory
  format::ListedFile a;
  a.id.fill(0x01);
  a.stamp = {77, 512, 1700000000000000001, 1700000000000000002};
  a.name = "openai/api-key";
  a.meta = {3, 1690000000, 1700000000, std::nullopt};
  format::ListedFile b;
  b.id.fill(0xfe);
  b.stamp = {78, 600, -5, 0};
  b.name = "db.password";
  b.meta = {1, 0, 0, 1800000000};
  cache.files = {a, b};
  return cache;
}

std::string replace_line(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("the listing plaintext round trips, and find() looks files up by id", "[format][listing]") {
  const auto cache = sample_cache();
  const auto text = format::encode_listing_plaintext(cache);
  CHECK(text.starts_with("vaultx-listing 1\ndir 12 1700000000123456789 1700000000223456789\nfile 0101"));
  CHECK(text.find(" 1690000000 1700000000 - openai/api-key\n") != std::string::npos);
  auto back = format::decode_listing_plaintext(text);
  REQUIRE(back);
  CHECK(*back == cache);
  format::FileId other{};
  other.fill(0x02);
  CHECK(back->find(other) == nullptr);
  REQUIRE(back->find(cache.files[1].id) != nullptr);
  CHECK(back->find(cache.files[1].id)->name == "db.password");

  format::ListingCache incomplete = cache;
  incomplete.directory.reset();
  auto again = format::decode_listing_plaintext(format::encode_listing_plaintext(incomplete));
  REQUIRE(again);
  CHECK_FALSE(again->directory);
}

TEST_CASE("the listing plaintext parser refuses every malformed line", "[format][listing]") {
  const auto good = format::encode_listing_plaintext(sample_cache());
  const std::vector<std::pair<std::string, std::string>> damage = {
      {"dir 12 ", "dir x "},
      {"dir 12 1700000000123456789 1700000000223456789", "dir 12 17"},
      {"openai/api-key", "openai//api-key"},
      {"openai/api-key", "../etc"},
      {" 1690000000 1700000000 - ", " 1690000000 1700000000 soon "},
      {"file 0101", "file 01"},
      {"77 512", "77 -512"},
      {"-5 0", "-0 0"},
      {" 3 1690000000", " 0 1690000000"},
      {"vaultx-listing 1", "vaultx-listing 2"},
  };
  for (const auto& [from, to] : damage) {
    INFO(from << " -> " << to);
    CHECK_FALSE(format::decode_listing_plaintext(replace_line(good, from, to)));
  }
  // Files out of order, or one twice.
  auto reversed = sample_cache();
  std::swap(reversed.files[0], reversed.files[1]);
  CHECK_FALSE(format::decode_listing_plaintext(format::encode_listing_plaintext(reversed)));
  auto twice = sample_cache();
  twice.files[1] = twice.files[0];
  CHECK_FALSE(format::decode_listing_plaintext(format::encode_listing_plaintext(twice)));
  CHECK_FALSE(format::decode_listing_plaintext(good + "trailing\n"));
}

TEST_CASE("a sealed listing cache opens only with its key and store, and hides the names", "[format][listing]") {
  const auto key = crypto::random_key();
  const auto other_key = crypto::random_key();
  format::StoreId store{};
  store.fill(0x42);
  format::StoreId other_store{};
  other_store.fill(0x43);
  const auto sealed = format::seal_listing_cache(key.span(), store, sample_cache(), crypto::random_nonce());
  CHECK(sealed.find("openai") == std::string::npos);
  auto opened = format::open_listing_cache(key.span(), store, sealed);
  REQUIRE(opened);
  CHECK(*opened == sample_cache());

  auto wrong_key = format::open_listing_cache(other_key.span(), store, sealed);
  REQUIRE_FALSE(wrong_key);
  CHECK(wrong_key.error().code == Errc::integrity);
  CHECK_FALSE(format::open_listing_cache(key.span(), other_store, sealed));
  // The store line is covered by the seal: rewriting it to match another store fails too.
  const auto moved = replace_line(sealed, "store 4242", "store 4343");
  CHECK_FALSE(format::open_listing_cache(key.span(), other_store, moved));
  CHECK_FALSE(format::open_listing_cache(key.span(), store, sealed.substr(0, sealed.size() - 10) + "\n"));
  CHECK_FALSE(format::open_listing_cache(key.span(), store, ""));
}
