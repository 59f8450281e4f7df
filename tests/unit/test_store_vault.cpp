// The store on disk: create/open/unlock, put/get/list/remove/rename,
// PutOptions semantics, passphrase changes, permissions and tampering.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <vector>

#include <vaultx/format/encoding.hpp>
#include <vaultx/store/fs.hpp>
#include <vaultx/store/store.hpp>

#include "store_helpers.hpp"
#include "vectors.hpp"

using namespace vaultx;
namespace fs = std::filesystem;
namespace vec = vaultx::test::vectors;
using test::secret;
using test::TempDir;
using test::kCheapKdf;
using test::stored_value;

namespace {

struct StoreFixture {
  TempDir tmp;
  fs::path root = tmp.path() / "store";
  secure::SecretBytes passphrase = secret("pass phrase");

  StoreFixture() { REQUIRE(store::Store::create(root, passphrase, kCheapKdf)); }

  [[nodiscard]] store::Vault unlock() const {
    auto s = store::Store::open(root);
    REQUIRE(s);
    auto v = s->unlock_with_passphrase(passphrase);
    REQUIRE(v);
    return std::move(*v);
  }
};

store::PutOutcome put(store::Vault& v, std::string_view name, std::string_view value,
                      const store::PutOptions& options = {}) {
  auto r = v.put(name, secret(value), options);
  REQUIRE(r);
  return *r;
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::vector<fs::path> secret_files(const fs::path& root) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(root / "secrets")) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Every file under `root` with its contents.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), root).string()] = test::read_text(e.path());
  }
  return out;
}

void require_no_temporaries(const fs::path& root) {
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    INFO(e.path().string());
    CHECK_FALSE(e.path().filename().string().starts_with(store::kTempPrefix));
  }
}

}  // namespace

TEST_CASE("create lays out a private store", "[store]") {
  const StoreFixture fx;
  CHECK(mode_of(fx.root) == 0700);
  CHECK(mode_of(fx.root / "keys") == 0700);
  CHECK(mode_of(fx.root / "secrets") == 0700);
  CHECK(mode_of(fx.root / "vaultx-store") == 0600);
  CHECK(mode_of(fx.root / "keys" / "passphrase.key") == 0600);
  CHECK(fs::is_empty(fx.root / "secrets"));
  require_no_temporaries(fx.root);

  auto s = store::Store::open(fx.root);
  REQUIRE(s);
  CHECK(s->paths().root == fx.root);
  CHECK(std::abs(s->header().created - format::now_utc()) < 60);
  const auto kdf = s->passphrase_kdf();
  REQUIRE(kdf);
  CHECK(*kdf == kCheapKdf);
}

TEST_CASE("create refuses an existing store, bad KDF parameters, and orphaned secrets", "[store]") {
  StoreFixture fx;
  const auto again = store::Store::create(fx.root, fx.passphrase, kCheapKdf);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == Errc::exists);

  const fs::path other = fx.tmp.path() / "other";
  for (const crypto::KdfParams& bad : {crypto::KdfParams{4096, 1, 1}, crypto::KdfParams{8192, 17, 1},
                                       crypto::KdfParams{8192, 1, 0}}) {
    const auto st = store::Store::create(other, fx.passphrase, bad);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == Errc::usage);
  }
  CHECK_FALSE(fs::exists(other / "vaultx-store"));

  // Secret files but no header: a lost header, not an empty directory.
  fs::create_directories(other / "secrets");
  test::write_text(other / "secrets" / "00.secret", "x");
  const auto orphan = store::Store::create(other, fx.passphrase, kCheapKdf);
  REQUIRE_FALSE(orphan);
  CHECK(orphan.error().code == Errc::exists);
}

TEST_CASE("open and unlock", "[store]") {
  StoreFixture fx;
  SECTION("no store") {
    const auto s = store::Store::open(fx.tmp.path() / "nowhere");
    REQUIRE_FALSE(s);
    CHECK(s.error().code == Errc::not_found);
  }
  SECTION("wrong passphrase") {
    auto s = store::Store::open(fx.root);
    REQUIRE(s);
    for (const char* wrong : {"pass phrasE", "", "pass phrase ", "pass phras"}) {
      const auto v = s->unlock_with_passphrase(secret(wrong));
      REQUIRE_FALSE(v);
      CHECK(v.error().code == Errc::unlock);
    }
  }
  SECTION("missing key file") {
    fs::remove(fx.root / "keys" / "passphrase.key");
    const auto v = store::Store::open(fx.root)->unlock_with_passphrase(fx.passphrase);
    REQUIRE_FALSE(v);
    CHECK(v.error().code == Errc::unlock);
  }
  SECTION("corrupt header") {
    test::write_text(fx.root / "vaultx-store", "vaultx-store 1\n");
    const auto s = store::Store::open(fx.root);
    REQUIRE_FALSE(s);
    CHECK(s.error().code == Errc::integrity);
  }
  SECTION("key file from another store") {
    StoreFixture other;
    fs::copy_file(other.root / "keys" / "passphrase.key", fx.root / "keys" / "passphrase.key",
                  fs::copy_options::overwrite_existing);
    const auto v = store::Store::open(fx.root)->unlock_with_passphrase(other.passphrase);
    REQUIRE_FALSE(v);
    CHECK(v.error().code == Errc::integrity);
  }
  SECTION("header from another store, key file rewritten to match its id") {
    // Without the master key, nobody can make a header the key opens.
    StoreFixture other;
    fs::copy_file(other.root / "vaultx-store", fx.root / "vaultx-store", fs::copy_options::overwrite_existing);
    auto s = store::Store::open(fx.root);
    REQUIRE(s);
    auto key = format::decode_key_file(test::read_text(fx.root / "keys" / "passphrase.key"));
    REQUIRE(key);
    key->store_id = s->header().store_id;  // the wrapped key no longer authenticates
    test::write_text(fx.root / "keys" / "passphrase.key", format::encode_key_file(*key));
    const auto v = s->unlock_with_passphrase(fx.passphrase);
    REQUIRE_FALSE(v);
    CHECK(v.error().code == Errc::unlock);
  }
  SECTION("KDF parameters lowered below the floor") {
    std::string text = test::read_text(fx.root / "keys" / "passphrase.key");
    text.replace(text.find("m=8192"), 6, "m=1024");
    test::write_text(fx.root / "keys" / "passphrase.key", text);
    const auto v = store::Store::open(fx.root)->unlock_with_passphrase(fx.passphrase);
    REQUIRE_FALSE(v);
    CHECK(v.error().code == Errc::integrity);
  }
}

TEST_CASE("put, get, contains, list, remove", "[store]") {
  StoreFixture fx;
  auto v = fx.unlock();
  CHECK_FALSE(v.contains("app/token"));
  const auto created = put(v, "app/token", "t0ken");
  CHECK(created.result == store::PutResult::created);
  CHECK(created.meta.version == 1);
  CHECK(created.meta.created == created.meta.rotated);
  CHECK(std::abs(created.meta.created - format::now_utc()) < 60);
  CHECK_FALSE(created.meta.expires);
  CHECK(v.contains("app/token"));
  CHECK(stored_value(v, "app/token") == "t0ken");

  put(v, "bin", std::string("\0\xff\n", 3));
  CHECK(stored_value(v, "bin") == std::string("\0\xff\n", 3));
  put(v, "empty", "");
  CHECK(stored_value(v, "empty").empty());
  put(v, "app/token2", "x");
  put(v, "apple", "x");
  put(v, "app/sub/deep", "x");

  // Another handle on the same store sees the writes.
  CHECK(stored_value(fx.unlock(), "app/token") == "t0ken");

  SECTION("file names hide the secret names") {
    for (const auto& p : secret_files(fx.root)) {
      const std::string f = p.filename().string();
      CHECK(f.size() == 32 + 7);
      CHECK(f.ends_with(".secret"));
      CHECK(format::hex_decode(f.substr(0, 32)));
      CHECK(mode_of(p) == 0600);
      CHECK(test::read_text(p).find("app") == std::string::npos);
    }
    CHECK(secret_files(fx.root).size() == 6);
  }
  SECTION("list is sorted and filters by whole segments") {
    auto all = v.list("");
    REQUIRE(all);
    CHECK(all->problems.empty());
    std::vector<std::string> names;
    for (const auto& e : all->entries) names.push_back(e.name);
    CHECK(names == std::vector<std::string>{"app/sub/deep", "app/token", "app/token2", "apple", "bin", "empty"});
    auto app = v.list("app");
    REQUIRE(app);
    names.clear();
    for (const auto& e : app->entries) names.push_back(e.name);
    CHECK(names == std::vector<std::string>{"app/sub/deep", "app/token", "app/token2"});
    CHECK(v.list("app/")->entries.size() == 3);
    CHECK(v.list("app/sub")->entries.size() == 1);
    CHECK(v.list("app/token")->entries.size() == 1);
    CHECK(v.list("ap")->entries.empty());
    CHECK(v.list("nothing")->entries.empty());
    CHECK(v.list("app")->entries[1].meta.version == 1);
  }
  SECTION("remove") {
    REQUIRE(v.remove("app/token"));
    CHECK_FALSE(v.contains("app/token"));
    const auto gone = v.get("app/token");
    REQUIRE_FALSE(gone);
    CHECK(gone.error().code == Errc::not_found);
    const auto again = v.remove("app/token");
    REQUIRE_FALSE(again);
    CHECK(again.error().code == Errc::not_found);
    CHECK(secret_files(fx.root).size() == 5);
  }
  SECTION("invalid names are usage errors everywhere") {
    for (const char* bad : {"../x", "a//b", "", "a b", "a/"}) {
      INFO(bad);
      CHECK(v.get(bad).error().code == Errc::usage);
      CHECK(v.put(bad, secret("x"), {}).error().code == Errc::usage);
      CHECK(v.remove(bad).error().code == Errc::usage);
      CHECK(v.rename("app/token", bad, false).error().code == Errc::usage);
      CHECK(v.rename(bad, "x", false).error().code == Errc::usage);
    }
  }
  SECTION("missing secrets") {
    CHECK(v.get("nope").error().code == Errc::not_found);
  }
  SECTION("the value size limit") {
    secure::SecretBytes big(format::kMaxValueBytes);
    REQUIRE(v.put("big", big, {}));
    CHECK(v.get("big")->value.size() == format::kMaxValueBytes);
    secure::SecretBytes too_big(format::kMaxValueBytes + 1);
    CHECK(v.put("big", too_big, {}).error().code == Errc::usage);
  }
  require_no_temporaries(fx.root);
}

TEST_CASE("PutOptions: version, created, rotated and expires", "[store]") {
  // A store built from the vectors holds 'vectors/api-key' created in 2024,
  // rotated 2025-06-07, version 3, expiring 2026-12-31: old enough that a
  // rotation now shows in every field.
  TempDir tmp;
  const fs::path root = tmp.path() / "store";
  fs::create_directories(root / "keys");
  fs::create_directories(root / "secrets");
  const fs::path vdir = vec::dir();
  fs::copy_file(vdir / "store-header.txt", root / "vaultx-store");
  fs::copy_file(vdir / "key-passphrase.txt", root / "keys" / "passphrase.key");
  const auto s1 = vec::secret1();
  const fs::path file1 = root / "secrets" / (format::hex_encode(vec::file_id(s1)) + ".secret");
  fs::copy_file(vdir / "secret-1.txt", file1);
  auto store = store::Store::open(root);
  REQUIRE(store);
  auto vr = store->unlock_with_passphrase(secret(vec::kPassphrase));
  REQUIRE(vr);
  auto& v = *vr;
  const std::string old_value(as_text(s1.value));
  const auto expires_2030 = *format::parse_rfc3339_strict("2030-01-01T00:00:00Z");

  SECTION("the same value, no options: unchanged, nothing written") {
    const std::string before = test::read_text(file1);
    const auto out = put(v, s1.name, old_value);
    CHECK(out.result == store::PutResult::unchanged);
    CHECK(out.meta == s1.meta);
    CHECK(test::read_text(file1) == before);
  }
  SECTION("the same value, the same expiry: unchanged") {
    store::PutOptions o;
    o.expires = s1.meta.expires;
    CHECK(put(v, s1.name, old_value, o).result == store::PutResult::unchanged);
  }
  SECTION("the same value, a new expiry: metadata updated, version + 1, rotated kept") {
    store::PutOptions o;
    o.expires = expires_2030;
    const auto out = put(v, s1.name, old_value, o);
    CHECK(out.result == store::PutResult::metadata_updated);
    CHECK(out.meta.version == 4);
    CHECK(out.meta.created == s1.meta.created);
    CHECK(out.meta.rotated == s1.meta.rotated);
    CHECK(out.meta.expires == expires_2030);
    CHECK(v.get(s1.name)->meta == out.meta);
  }
  SECTION("the same value, expiry cleared") {
    store::PutOptions o;
    o.expires = std::optional<format::UnixSeconds>{};
    const auto out = put(v, s1.name, old_value, o);
    CHECK(out.result == store::PutResult::metadata_updated);
    CHECK(out.meta.version == 4);
    CHECK_FALSE(out.meta.expires);
    CHECK_FALSE(v.get(s1.name)->meta.expires);
  }
  SECTION("a new value: rotated now, version + 1, created kept, expiry dropped") {
    const auto out = put(v, s1.name, "new value");
    CHECK(out.result == store::PutResult::rotated);
    CHECK(out.meta.version == 4);
    CHECK(out.meta.created == s1.meta.created);
    CHECK(out.meta.rotated > s1.meta.rotated);
    CHECK(std::abs(out.meta.rotated - format::now_utc()) < 60);
    CHECK_FALSE(out.meta.expires);  // the expiry belonged to the old credential
    const auto got = v.get(s1.name);
    REQUIRE(got);
    CHECK(got->value.view() == "new value");
    CHECK(got->meta == out.meta);
  }
  SECTION("a new value with an expiry") {
    store::PutOptions o;
    o.expires = expires_2030;
    const auto out = put(v, s1.name, "new value", o);
    CHECK(out.result == store::PutResult::rotated);
    CHECK(out.meta.expires == expires_2030);
  }
  SECTION("a new secret with an expiry, then rotation drops it") {
    store::PutOptions o;
    o.expires = expires_2030;
    const auto first = put(v, "fresh", "1", o);
    CHECK(first.result == store::PutResult::created);
    CHECK(first.meta.version == 1);
    CHECK(first.meta.expires == expires_2030);
    const auto second = put(v, "fresh", "2");
    CHECK(second.result == store::PutResult::rotated);
    CHECK(second.meta.version == 2);
    CHECK_FALSE(second.meta.expires);
  }
  SECTION("must_exist and must_not_exist") {
    store::PutOptions must_exist;
    must_exist.must_exist = true;
    CHECK(v.put("absent", secret("x"), must_exist).error().code == Errc::not_found);
    CHECK_FALSE(v.contains("absent"));
    CHECK(put(v, s1.name, "rotated", must_exist).result == store::PutResult::rotated);
    store::PutOptions must_not_exist;
    must_not_exist.must_not_exist = true;
    CHECK(v.put(s1.name, secret("x"), must_not_exist).error().code == Errc::exists);
    CHECK(stored_value(v, s1.name) == "rotated");
    CHECK(put(v, "absent", "x", must_not_exist).result == store::PutResult::created);
  }
  require_no_temporaries(root);
}

TEST_CASE("rename", "[store]") {
  StoreFixture fx;
  auto v = fx.unlock();
  store::PutOptions o;
  o.expires = *format::parse_rfc3339_strict("2030-01-01T00:00:00Z");
  const auto a = put(v, "a", "value a", o);
  put(v, "b", "value b");

  SECTION("to a new name keeps value and metadata") {
    REQUIRE(v.rename("a", "c/d", false));
    CHECK_FALSE(v.contains("a"));
    const auto c = v.get("c/d");
    REQUIRE(c);
    CHECK(c->value.view() == "value a");
    CHECK(c->meta == a.meta);
    CHECK(secret_files(fx.root).size() == 2);
  }
  SECTION("onto an existing name needs overwrite") {
    const auto st = v.rename("a", "b", false);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == Errc::exists);
    CHECK(stored_value(v, "b") == "value b");
    REQUIRE(v.rename("a", "b", true));
    CHECK(stored_value(v, "b") == "value a");
    CHECK_FALSE(v.contains("a"));
  }
  SECTION("a missing source") {
    CHECK(v.rename("zzz", "y", false).error().code == Errc::not_found);
  }
  SECTION("to itself is a no-op") {
    const auto before = snapshot(fx.root);
    REQUIRE(v.rename("a", "a", false));
    CHECK(snapshot(fx.root) == before);
  }
  require_no_temporaries(fx.root);
}

TEST_CASE("change_passphrase rewraps the master key only", "[store]") {
  StoreFixture fx;
  auto v = fx.unlock();
  put(v, "one", "1");
  put(v, "two", std::string("\0\xff", 2));
  auto before = snapshot(fx.root);
  const crypto::KdfParams new_kdf{8192 * 2, 2, 2};
  REQUIRE(v.change_passphrase(secret("new pass"), new_kdf));
  auto after = snapshot(fx.root);
  // Every file but the key file is byte-identical.
  const std::string key_path = "keys/passphrase.key";
  CHECK(before.at(key_path) != after.at(key_path));
  before.erase(key_path);
  after.erase(key_path);
  CHECK(before == after);
  CHECK(before.size() == 3);  // header and two secrets
  CHECK(mode_of(fx.root / key_path) == 0600);
  require_no_temporaries(fx.root);

  auto s = store::Store::open(fx.root);
  REQUIRE(s);
  CHECK(*s->passphrase_kdf() == new_kdf);
  CHECK(s->unlock_with_passphrase(fx.passphrase).error().code == Errc::unlock);
  auto nv = s->unlock_with_passphrase(secret("new pass"));
  REQUIRE(nv);
  CHECK(stored_value(*nv, "two") == std::string("\0\xff", 2));
  // Out-of-range parameters are refused without touching the key file.
  const auto key_text = test::read_text(fx.root / key_path);
  CHECK(nv->change_passphrase(secret("x"), {1024, 1, 1}).error().code == Errc::usage);
  CHECK(test::read_text(fx.root / key_path) == key_text);
}

TEST_CASE("tampered, swapped and foreign secret files", "[store]") {
  StoreFixture fx;
  auto v = fx.unlock();
  put(v, "a", "value a");
  put(v, "b", "value b");
  put(v, "c", "value c");
  auto files = secret_files(fx.root);
  REQUIRE(files.size() == 3);

  SECTION("an edited version: list reports the file and lists the others") {
    std::string text = test::read_text(files[0]);
    text.replace(text.find("\nversion 1\n"), 11, "\nversion 9\n");
    test::write_text(files[0], text);
    const auto listing = v.list("");
    REQUIRE(listing);
    CHECK(listing->entries.size() == 2);
    REQUIRE(listing->problems.size() == 1);
    CHECK(listing->problems[0].code == Errc::integrity);
    CHECK_THAT(listing->problems[0].message, Catch::Contains(files[0].filename().string()));
    CHECK_FALSE(listing->problems[0].hint.empty());
  }
  SECTION("a flipped value byte: list authenticates values too, and get refuses it") {
    std::string text = test::read_text(files[0]);
    const auto at = text.rfind('\n', text.size() - 2) + 20;  // inside the value's ciphertext
    text[at] = text[at] == 'A' ? 'B' : 'A';
    test::write_text(files[0], text);
    const auto listing = v.list("");
    REQUIRE(listing);
    CHECK(listing->entries.size() == 2);
    REQUIRE(listing->problems.size() == 1);
    CHECK(listing->problems[0].code == Errc::integrity);
    int integrity = 0;
    for (const char* name : {"a", "b", "c"}) {
      const auto g = v.get(name);
      if (!g) {
        CHECK(g.error().code == Errc::integrity);
        ++integrity;
      }
    }
    CHECK(integrity == 1);
  }
  SECTION("an unparseable file and a file that is not named by an id") {
    test::write_text(files[1], "garbage\n");
    test::write_text(fx.root / "secrets" / "not-an-id.secret", "garbage\n");
    test::write_text(fx.root / "secrets" / "README", "ignored: not a .secret file\n");
    test::write_text(fx.root / "secrets" / ".hidden.secret", "ignored: hidden\n");
    const auto listing = v.list("");
    REQUIRE(listing);
    CHECK(listing->entries.size() == 2);
    CHECK(listing->problems.size() == 2);
    for (const auto& p : listing->problems) CHECK(p.code == Errc::integrity);
  }
  SECTION("a file swapped for another: get reports integrity") {
    // files[0] now holds another secret's file under its own name.
    fs::copy_file(files[1], files[0], fs::copy_options::overwrite_existing);
    int integrity = 0, ok = 0;
    for (const char* name : {"a", "b", "c"}) {
      const auto g = v.get(name);
      if (g) {
        ++ok;
        CHECK(g->value.view() == "value " + std::string(name));
      } else {
        ++integrity;
        CHECK(g.error().code == Errc::integrity);
        CHECK_THAT(g.error().message, Catch::Contains(files[0].filename().string()));
      }
    }
    CHECK(integrity == 1);
    CHECK(ok == 2);
    const auto listing = v.list("");
    REQUIRE(listing);
    CHECK(listing->entries.size() == 2);
    CHECK(listing->problems.size() == 1);
    // put refuses to overwrite what it cannot read.
    for (const char* name : {"a", "b", "c"}) {
      if (!v.get(name)) CHECK(v.put(name, secret("new"), {}).error().code == Errc::integrity);
    }
  }
  SECTION("a file renamed to another id") {
    const fs::path moved = fx.root / "secrets" / (std::string(32, '0') + ".secret");
    fs::rename(files[2], moved);
    const auto listing = v.list("");
    REQUIRE(listing);
    CHECK(listing->entries.size() == 2);
    REQUIRE(listing->problems.size() == 1);
    CHECK_THAT(listing->problems[0].message, Catch::Contains("moved or swapped"));
  }
  SECTION("a file from another store with the same passphrase") {
    StoreFixture other;
    auto ov = other.unlock();
    put(ov, "a", "foreign");
    const auto foreign = secret_files(other.root);
    REQUIRE(foreign.size() == 1);
    // Same name, different index key: a different file name. Force it onto each of ours.
    for (const auto& target : files) fs::copy_file(foreign[0], target, fs::copy_options::overwrite_existing);
    for (const char* name : {"a", "b", "c"}) CHECK(v.get(name).error().code == Errc::integrity);
    CHECK(v.list("")->problems.size() == 3);
  }
  SECTION("a symbolic link is refused") {
    fs::remove(files[0]);
    fs::create_symlink(files[1], files[0]);
    const auto listing = v.list("");
    REQUIRE(listing);
    CHECK(listing->problems.size() == 1);
    CHECK(listing->entries.size() == 2);
  }
}

TEST_CASE("writers clean up stale temporaries and leave none", "[store]") {
  StoreFixture fx;
  auto v = fx.unlock();
  const fs::path stale = fx.root / "secrets" / (std::string(store::kTempPrefix) + "deadbeef");
  test::write_text(stale, "left by a crash");
  put(v, "x", "1");
  CHECK_FALSE(fs::exists(stale));
  for (int i = 0; i < 5; ++i) put(v, "x", std::to_string(i + 2));
  REQUIRE(v.rename("x", "y", false));
  REQUIRE(v.change_passphrase(secret("p2"), kCheapKdf));
  REQUIRE(v.remove("y"));
  require_no_temporaries(fx.root);
}

TEST_CASE("name_has_prefix", "[store]") {
  CHECK(store::name_has_prefix("a/b", ""));
  CHECK(store::name_has_prefix("a/b", "a"));
  CHECK(store::name_has_prefix("a/b", "a/"));
  CHECK(store::name_has_prefix("a/b", "a//"));
  CHECK(store::name_has_prefix("a/b", "a/b"));
  CHECK(store::name_has_prefix("a", "a"));
  CHECK_FALSE(store::name_has_prefix("ab", "a"));
  CHECK_FALSE(store::name_has_prefix("a", "a/b"));
  CHECK_FALSE(store::name_has_prefix("a/bc", "a/b"));
  CHECK(store::name_has_prefix("x", "/"));  // only slashes: everything
}
