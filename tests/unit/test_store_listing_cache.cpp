// The listing cache a store keeps in the state dir: a listing authenticates
// only the secret files that changed since the last one, and never shows a
// stale or tampered file as healthy.
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include <vaultx/store/fs.hpp>
#include <vaultx/store/store.hpp>

#include "helpers.hpp"
#include "store_helpers.hpp"

using namespace vaultx;
namespace fs = std::filesystem;
using test::kCheapKdf;
using test::secret;
using test::TempDir;

namespace {

struct CachedStore {
  TempDir tmp;
  fs::path root = tmp.path() / "store";
  fs::path state = tmp.path() / "state";

  CachedStore() { REQUIRE(store::Store::create(root, secret("pw"), kCheapKdf)); }

  [[nodiscard]] store::Vault unlock() const {
    auto s = store::Store::open(root);
    REQUIRE(s);
    s->track_versions(state);
    s->cache_listings(state);
    auto v = s->unlock_with_passphrase(secret("pw"));
    REQUIRE(v);
    return std::move(*v);
  }

  [[nodiscard]] fs::path cache_file() const {
    auto names = store::list_directory(state / "listings");
    REQUIRE(names);
    REQUIRE(names->size() == 1);
    return state / "listings" / names->front();
  }
};

std::vector<std::string> names_of(const store::Listing& listing) {
  std::vector<std::string> names;
  for (const auto& e : listing.entries) names.push_back(e.name);
  return names;
}

// Files are cached once their ctime is two seconds old (a later change
// within the file system's clock tick could not be seen otherwise).
void let_files_settle() { std::this_thread::sleep_for(std::chrono::milliseconds(2100)); }

fs::path file_of(const store::Vault& vault, const fs::path& root, std::string_view name) {
  for (const auto& entry : fs::directory_iterator(root / "secrets")) {
    auto text = vault.open_secret_text(test::read_text(entry.path()), false);
    if (text && text->name == name) return entry.path();
  }
  FAIL("no file for " << name);
  return {};
}

}  // namespace

TEST_CASE("a listing reuses what the last one authenticated, and notices every change", "[store][listing]") {
  CachedStore s;
  auto vault = s.unlock();
  for (const char* name : {"alpha/key", "beta/key", "gamma/key"}) {
    REQUIRE(vault.put(name, secret(std::string("value of ") + name), {}));
  }

  auto first = vault.list("");
  REQUIRE(first);
  CHECK(names_of(*first) == std::vector<std::string>{"alpha/key", "beta/key", "gamma/key"});
  CHECK(first->from_cache == 0);

  let_files_settle();
  auto settled = vault.list("");
  REQUIRE(settled);
  CHECK(settled->from_cache == 0);  // authenticated again, now old enough to be cached
  const auto cache = s.cache_file();
  struct stat st {};
  REQUIRE(::stat(cache.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const auto sealed = test::read_text(cache);
  CHECK(sealed.find("alpha") == std::string::npos);
  CHECK(sealed.find("value of") == std::string::npos);

  SECTION("an unchanged store is listed from the cache, a prefix filtered as before") {
    auto again = vault.list("");
    REQUIRE(again);
    CHECK(again->from_cache == 3);
    CHECK(names_of(*again) == names_of(*settled));
    CHECK(again->entries[1].meta == settled->entries[1].meta);
    auto beta = vault.list("beta");
    REQUIRE(beta);
    CHECK(names_of(*beta) == std::vector<std::string>{"beta/key"});
    // Another process (a new Vault) reads the same cache.
    auto other = s.unlock().list("");
    REQUIRE(other);
    CHECK(other->from_cache == 3);
  }

  SECTION("a new secret, a removed one and a rotated one are seen at once") {
    REQUIRE(vault.put("delta/key", secret("d"), {}));
    REQUIRE(vault.remove("alpha/key"));
    auto rotated = vault.put("beta/key", secret("new beta"), {});
    REQUIRE(rotated);
    auto after = vault.list("");
    REQUIRE(after);
    CHECK(names_of(*after) == std::vector<std::string>{"beta/key", "delta/key", "gamma/key"});
    CHECK(after->from_cache == 1);  // gamma only
    CHECK(after->entries[0].meta.version == 2);
  }

  SECTION("a file replaced by a tampered copy is reported, not listed from the cache") {
    const auto gamma = file_of(vault, s.root, "gamma/key");
    auto text = test::read_text(gamma);
    text[text.size() - 5] = text[text.size() - 5] == 'A' ? 'B' : 'A';
    test::write_text(gamma.parent_path() / ".replacement", text);
    fs::rename(gamma.parent_path() / ".replacement", gamma);
    auto after = vault.list("");
    REQUIRE(after);
    CHECK(names_of(*after) == std::vector<std::string>{"alpha/key", "beta/key"});
    REQUIRE(after->problems.size() == 1);
    CHECK(after->problems[0].code == Errc::integrity);
  }

  SECTION("a file rewritten in place is authenticated again once the directory changed") {
    const auto beta = file_of(vault, s.root, "beta/key");
    auto text = test::read_text(beta);
    text[text.size() - 5] = text[text.size() - 5] == 'A' ? 'B' : 'A';
    {
      std::ofstream out(beta, std::ios::binary | std::ios::trunc);  // same inode, new ctime
      out << text;
    }
    REQUIRE(vault.put("epsilon/key", secret("e"), {}));
    auto after = vault.list("");
    REQUIRE(after);
    CHECK(names_of(*after) == std::vector<std::string>{"alpha/key", "epsilon/key", "gamma/key"});
    REQUIRE(after->problems.size() == 1);
    CHECK(after->problems[0].message.find(beta.filename().string()) != std::string::npos);
  }

  SECTION("a damaged or foreign cache is ignored and rewritten") {
    test::write_text(cache, "vaultx-listing 1\nstore 00\n");
    auto after = vault.list("");
    REQUIRE(after);
    CHECK(after->from_cache == 0);
    CHECK(names_of(*after) == names_of(*settled));
    auto next = vault.list("");
    REQUIRE(next);
    CHECK(next->from_cache == 3);
  }
}
