// Rollback detection: the version-marks format and the ledger a tracked store
// keeps in the state dir.
#include <catch2/catch.hpp>

#include <vaultx/format/version_marks.hpp>
#include <vaultx/store/fs.hpp>
#include <vaultx/store/store.hpp>

#include "helpers.hpp"
#include "store_helpers.hpp"

using namespace vaultx;
namespace fs = std::filesystem;
using test::secret;
using test::TempDir;
using test::kCheapKdf;
using test::stored_value;

namespace {

format::FileId id_of(std::uint8_t b) {
  format::FileId id{};
  id.fill(b);
  return id;
}

// A store with its state dir, opened the way the CLI opens it: tracked.
struct TrackedStore {
  TempDir tmp;
  fs::path root = tmp.path() / "store";
  fs::path state = tmp.path() / "state";

  TrackedStore() { REQUIRE(store::Store::create(root, secret("pw"), kCheapKdf)); }

  [[nodiscard]] store::Vault unlock(bool tracked = true) const {
    auto s = store::Store::open(root);
    REQUIRE(s);
    if (tracked) s->track_versions(state);
    auto v = s->unlock_with_passphrase(secret("pw"));
    REQUIRE(v);
    return std::move(*v);
  }

  // The only secret file in the store.
  [[nodiscard]] fs::path secret_file() const {
    auto names = store::list_directory(root / "secrets");
    REQUIRE(names);
    REQUIRE(names->size() == 1);
    return root / "secrets" / names->front();
  }
};

}  // namespace

TEST_CASE("version marks round trip and reject every malformed line", "[format][versions]") {
  format::VersionMarks marks{{id_of(0x01), {1700000000, 3}}, {id_of(0xfe), {0, 1}}};
  const std::string text = format::encode_version_marks(marks);
  CHECK(text ==
        "vaultx-versions 1\n"
        "mark 01010101010101010101010101010101 1700000000 3\n"
        "mark fefefefefefefefefefefefefefefefe 0 1\n");
  auto back = format::decode_version_marks(text);
  REQUIRE(back);
  CHECK(*back == marks);
  CHECK(format::decode_version_marks("vaultx-versions 1\n")->empty());

  for (std::string_view bad : {
           "",
           "vaultx-versions 2\n",
           "vaultx-versions 1\nmark 01 1 1\n",
           "vaultx-versions 1\nmark 01010101010101010101010101010101 1\n",
           "vaultx-versions 1\nmark 01010101010101010101010101010101 1 0\n",
           "vaultx-versions 1\nmark 01010101010101010101010101010101 -1 1\n",
           "vaultx-versions 1\nmark 01010101010101010101010101010101 1 1 1\n",
           "vaultx-versions 1\nmark 01010101010101010101010101010101 99999999999999999999 1\n",
           "vaultx-versions 1\nmark 02020202020202020202020202020202 1 1\nmark 01010101010101010101010101010101 1 1\n",
           "vaultx-versions 1\nmark 01010101010101010101010101010101 1 1\nmark 01010101010101010101010101010101 1 1\n",
           "vaultx-versions 1\nmark 01010101010101010101010101010101 1 1",
       }) {
    INFO(bad);
    CHECK_FALSE(format::decode_version_marks(bad));
  }
}

TEST_CASE("a mark orders by creation first, so a secret set again after rm is newer", "[format][versions]") {
  CHECK(format::VersionMark{100, 9} < format::VersionMark{101, 1});
  CHECK(format::VersionMark{100, 1} < format::VersionMark{100, 2});
  CHECK(format::mark_of(format::SecretMetadata{4, -5, 0, std::nullopt}) == format::VersionMark{0, 4});
}

TEST_CASE("a tracked store refuses an older copy of a secret file it has seen", "[store][versions]") {
  TrackedStore t;
  auto vault = t.unlock();
  REQUIRE(vault.put("api/key", secret("v1"), {}));
  const std::string v1 = test::read_text(t.secret_file());
  REQUIRE(vault.put("api/key", secret("v2"), {}));

  test::write_text(t.secret_file(), v1);
  auto fresh = t.unlock();  // a later command: the marks come from the state dir
  auto got = fresh.get("api/key");
  REQUIRE_FALSE(got);
  CHECK(got.error().code == Errc::integrity);
  CHECK(got.error().message.find("rolled back") != std::string::npos);
  CHECK(got.error().message.find("version 1") != std::string::npos);

  auto listing = fresh.list("");
  REQUIRE(listing);
  CHECK(listing->entries.empty());
  REQUIRE(listing->problems.size() == 1);
  CHECK(listing->problems[0].code == Errc::integrity);

  SECTION("an untracked store cannot tell, and reads the old value intact") {
    auto untracked = t.unlock(false);
    auto old = untracked.get("api/key");
    REQUIRE(old);
    CHECK(old->value.view() == "v1");
  }
  SECTION("rm and set again starts a new history that is accepted") {
    REQUIRE(fresh.remove("api/key"));
    REQUIRE(fresh.put("api/key", secret("v3"), {}));
    auto again = t.unlock().get("api/key");
    REQUIRE(again);
    CHECK(again->value.view() == "v3");
  }
}

TEST_CASE("a reader raises the marks, so a rollback after a read is caught too", "[store][versions]") {
  TrackedStore t;
  {
    auto writer = t.unlock(false);  // written on another machine, say
    REQUIRE(writer.put("db/password", secret("one"), {}));
  }
  const std::string v1 = test::read_text(t.secret_file());
  {
    auto writer = t.unlock(false);
    REQUIRE(writer.put("db/password", secret("two"), {}));
  }
  REQUIRE(t.unlock().get("db/password"));  // this machine sees version 2
  test::write_text(t.secret_file(), v1);
  auto got = t.unlock().get("db/password");
  REQUIRE_FALSE(got);
  CHECK(got.error().code == Errc::integrity);
}

TEST_CASE("a corrupt ledger is an integrity error that names it; removing it resets", "[store][versions]") {
  TrackedStore t;
  auto vault = t.unlock();
  REQUIRE(vault.put("a", secret("x"), {}));
  auto ledgers = store::list_directory(t.state / "versions");
  REQUIRE(ledgers);
  REQUIRE(ledgers->size() == 1);
  const fs::path ledger = t.state / "versions" / ledgers->front();
  test::write_text(ledger, "vaultx-versions 1\nmark zz\n");
  auto got = t.unlock().get("a");
  REQUIRE_FALSE(got);
  CHECK(got.error().code == Errc::integrity);
  CHECK(got.error().message.find(ledger.string()) != std::string::npos);
  fs::remove(ledger);
  CHECK(t.unlock().get("a"));
}
