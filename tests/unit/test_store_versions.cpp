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

TEST_CASE("find_version_mark finds every mark by bisection, and no other", "[format][versions]") {
  format::VersionMarks marks;
  for (int i = 0; i < 250; i += 3) {
    format::FileId id{};
    id[0] = static_cast<std::uint8_t>(i);
    id[15] = static_cast<std::uint8_t>(i * 7);
    marks[id] = {1700000000 + i, static_cast<std::uint64_t>(i + 1)};
  }
  const auto text = format::encode_version_marks(marks);
  for (const auto& [id, mark] : marks) {
    auto found = format::find_version_mark(text, id);
    REQUIRE(found);
    REQUIRE(*found);
    CHECK(**found == mark);
  }
  for (int i = 1; i < 250; i += 3) {
    format::FileId absent{};
    absent[0] = static_cast<std::uint8_t>(i);
    auto found = format::find_version_mark(text, absent);
    REQUIRE(found);
    CHECK_FALSE(*found);
  }
  const auto empty = format::encode_version_marks({});
  auto none = format::find_version_mark(empty, id_of(0x01));
  REQUIRE(none);
  CHECK_FALSE(*none);

  // Malformed files: an error, never a wrong mark.
  CHECK_FALSE(format::find_version_mark("vaultx-versions 2\n", id_of(0x01)));
  CHECK_FALSE(format::find_version_mark("", id_of(0x01)));
  CHECK_FALSE(format::find_version_mark(text.substr(0, text.size() - 1), id_of(0x01)));
  std::string garbled = text;
  garbled[garbled.size() / 2] = '#';
  bool refused_somewhere = false;
  for (const auto& [id, mark] : marks) {
    auto found = format::find_version_mark(garbled, id);
    if (!found) {
      refused_somewhere = true;
      CHECK(found.error().code == Errc::integrity);
    } else if (*found) {
      CHECK(**found == mark);
    }
  }
  CHECK(refused_somewhere);
}

TEST_CASE("a tracked store still catches a rollback when it looks a single mark up", "[store][versions]") {
  TrackedStore s;
  {
    auto v = s.unlock();
    for (int i = 0; i < 40; ++i) REQUIRE(v.put("filler/" + std::to_string(i), secret("x"), {}));
    REQUIRE(v.put("k", secret("one"), {}));
  }
  const auto before = test::read_text(s.root / "secrets" / [&] {
    auto v = s.unlock();
    for (const auto& e : fs::directory_iterator(s.root / "secrets")) {
      auto opened = v.open_secret_text(test::read_text(e.path()), false);
      if (opened && opened->name == "k") return e.path().filename().string();
    }
    return std::string();
  }());
  {
    auto v = s.unlock();
    REQUIRE(v.put("k", secret("two"), {}));
  }
  // A fresh process reads one secret: one lookup in the mapped ledger.
  auto v = s.unlock();
  REQUIRE(v.get("k"));
  for (const auto& e : fs::directory_iterator(s.root / "secrets")) {
    auto opened = v.open_secret_text(test::read_text(e.path()), false);
    if (opened && opened->name == "k") test::write_text(e.path(), before);
  }
  auto fresh = s.unlock();
  auto rolled_back = fresh.get("k");
  REQUIRE_FALSE(rolled_back);
  CHECK(rolled_back.error().code == Errc::integrity);
  CHECK(rolled_back.error().message.find("rolled back") != std::string::npos);
}
