// Secret files, key files and the store header: round trips, and decoders
// that reject every malformed or altered file.
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include <vaultx/crypto/aead.hpp>
#include <vaultx/crypto/kdf.hpp>
#include <vaultx/format/encoding.hpp>
#include <vaultx/format/key_file.hpp>
#include <vaultx/format/secret_file.hpp>

#include "helpers.hpp"
#include "store_helpers.hpp"

using namespace vaultx;
using vaultx::test::kCheapKdf;
using vaultx::test::ramp;

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) (out += l) += '\n';
  return out;
}

format::StoreId random_id() {
  format::StoreId id{};
  crypto::random_fill(id);
  return id;
}

// Checks a decode failure is a parse error that names a line.
template <class T>
void check_parse_error(const Result<T>& r) {
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::integrity);
  const std::string& m = r.error().message;
  CHECK((m.starts_with("line ") || m.starts_with("file is larger")));
}

// ------------------------------------------------------------ secret files

struct SecretFixture {
  secure::SecretBytes master_key = crypto::random_key();
  format::StoreId store_id = random_id();
  format::FileId file_id = random_id();
  format::SecretMetadata meta{7, 1700000000, 1700003600, 1800000000};
  std::string name = "team/db/password";
  Bytes value{'p', 0x00, 0xff, '\n', 'w'};

  format::SecretFile make() const {
    return format::seal_secret(master_key.span(), store_id, file_id, meta, name, value,
                               format::SealRandomness::fresh());
  }
};

// True if the file opens completely under `master_key` to the expected name and value.
bool opens_to(const format::SecretFile& f, const secure::SecretBytes& master_key, std::string_view name,
              ByteView value) {
  auto dk = format::unwrap_data_key(f, format::kMasterHolder, master_key.span());
  if (!dk) {
    CHECK(dk.error().code == Errc::integrity);
    return false;
  }
  auto n = format::open_secret_name(f, dk->span());
  if (!n) {
    CHECK(n.error().code == Errc::integrity);
    return false;
  }
  auto v = format::open_secret_value(f, dk->span());
  if (!v) {
    CHECK(v.error().code == Errc::integrity);
    return false;
  }
  return *n == name && Bytes(v->span().begin(), v->span().end()) == Bytes(value.begin(), value.end());
}

}  // namespace

TEST_CASE("secret file: seal, encode, decode, open", "[format][secret]") {
  const SecretFixture fx;
  const auto file = fx.make();
  const std::string text = format::encode_secret_file(file);
  const auto lines = split_lines(text);
  REQUIRE(lines.size() == 10);
  CHECK(lines[0] == "vaultx-secret 1");
  CHECK(lines[1] == "store " + format::hex_encode(fx.store_id));
  CHECK(lines[2] == "id " + format::hex_encode(fx.file_id));
  CHECK(lines[3] == "version 7");
  CHECK(lines[4] == "created 2023-11-14T22:13:20Z");
  CHECK(lines[5] == "rotated 2023-11-14T23:13:20Z");
  CHECK(lines[6] == "expires 2027-01-15T08:00:00Z");
  CHECK(lines[7].starts_with("key master "));
  CHECK(lines[8].starts_with("name "));
  CHECK(lines[9].starts_with("value "));
  CHECK(text.starts_with(format::secret_header(fx.store_id, fx.file_id, fx.meta)));

  const auto decoded = format::decode_secret_file(text);
  REQUIRE(decoded);
  CHECK(*decoded == file);
  CHECK(format::encode_secret_file(*decoded) == text);
  CHECK(opens_to(*decoded, fx.master_key, fx.name, fx.value));
  // Another master key opens nothing.
  CHECK_FALSE(opens_to(*decoded, crypto::random_key(), fx.name, fx.value));
  CHECK(format::unwrap_data_key(*decoded, "scope:" + std::string(32, '0'), fx.master_key.span()).error().code ==
        Errc::unlock);
}

TEST_CASE("secret file: no expiry, empty value, 255-byte name, 1 MiB value", "[format][secret]") {
  SecretFixture fx;
  fx.meta = {1, 0, 0, std::nullopt};
  fx.value.clear();
  fx.name = std::string(255, 'n');
  auto text = format::encode_secret_file(fx.make());
  CHECK(text.find("\nexpires -\n") != std::string::npos);
  CHECK(text.find("\nversion 1\n") != std::string::npos);
  auto decoded = format::decode_secret_file(text);
  REQUIRE(decoded);
  CHECK_FALSE(decoded->meta.expires);
  CHECK(opens_to(*decoded, fx.master_key, fx.name, fx.value));

  fx.value.assign(format::kMaxValueBytes, 0xab);
  fx.meta.version = 18446744073709551615ULL;
  text = format::encode_secret_file(fx.make());
  CHECK(text.size() < format::kMaxSecretFileBytes);
  decoded = format::decode_secret_file(text);
  REQUIRE(decoded);
  CHECK(decoded->meta.version == 18446744073709551615ULL);
  CHECK(opens_to(*decoded, fx.master_key, fx.name, fx.value));
}

TEST_CASE("secret file: values and names past their limits are refused", "[format][secret]") {
  SecretFixture fx;
  fx.value.assign(format::kMaxValueBytes + 1, 0xab);
  check_parse_error(format::decode_secret_file(format::encode_secret_file(fx.make())));
  fx.value.clear();
  fx.name = std::string(256, 'n');
  check_parse_error(format::decode_secret_file(format::encode_secret_file(fx.make())));
  // An empty name is refused by the decoder; an invalid one when it is opened.
  fx.name = "";
  check_parse_error(format::decode_secret_file(format::encode_secret_file(fx.make())));
  fx.name = "../escape";
  const auto f = format::decode_secret_file(format::encode_secret_file(fx.make()));
  REQUIRE(f);
  auto dk = format::unwrap_data_key(*f, format::kMasterHolder, fx.master_key.span());
  REQUIRE(dk);
  CHECK(format::open_secret_name(*f, dk->span()).error().code == Errc::integrity);
  // Oversized input is refused before parsing.
  check_parse_error(format::decode_secret_file(std::string(format::kMaxSecretFileBytes + 1, 'x')));
}

TEST_CASE("secret file: extra holders are kept in ascending order", "[format][secret]") {
  const SecretFixture fx;
  auto file = fx.make();
  const Bytes wrapped = file.keys[0].sealed.ciphertext;
  file.keys.push_back({"scope:" + std::string(32, '1'), file.keys[0].sealed});
  file.keys.push_back({"scope:" + std::string(32, 'a'), file.keys[0].sealed});
  const std::string text = format::encode_secret_file(file);
  const auto decoded = format::decode_secret_file(text);
  REQUIRE(decoded);
  REQUIRE(decoded->keys.size() == 3);
  CHECK(decoded->keys[2].holder == "scope:" + std::string(32, 'a'));
  // The master holder still opens the file.
  CHECK(opens_to(*decoded, fx.master_key, fx.name, fx.value));

  auto lines = split_lines(text);
  SECTION("descending holders") {
    std::swap(lines[8], lines[9]);
    check_parse_error(format::decode_secret_file(join_lines(lines)));
  }
  SECTION("master not first") {
    std::swap(lines[7], lines[8]);
    check_parse_error(format::decode_secret_file(join_lines(lines)));
  }
  SECTION("bad scope holders") {
    for (const char* holder : {"scope:", "scope:0011", "scope:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Master", "owner",
                               "scope", "scope:00000000000000000000000000000000a"}) {
      auto l = lines;
      const auto b64 = l[8].substr(l[8].rfind(' ') + 1);
      l[8] = std::string("key ") + holder + " " + b64;
      INFO(holder);
      check_parse_error(format::decode_secret_file(join_lines(l)));
    }
  }
}

TEST_CASE("secret file: the decoder rejects malformed files", "[format][secret]") {
  const SecretFixture fx;
  const std::string text = format::encode_secret_file(fx.make());
  const auto lines = split_lines(text);

  SECTION("every truncation") {
    for (std::size_t n = 0; n < text.size(); ++n) {
      INFO("length " << n);
      check_parse_error(format::decode_secret_file(text.substr(0, n)));
    }
  }
  SECTION("every pair of lines swapped") {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      for (std::size_t j = i + 1; j < lines.size(); ++j) {
        auto l = lines;
        std::swap(l[i], l[j]);
        INFO("lines " << i + 1 << " and " << j + 1);
        check_parse_error(format::decode_secret_file(join_lines(l)));
      }
    }
  }
  SECTION("every line duplicated, every line dropped") {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      auto dup = lines;
      dup.insert(dup.begin() + static_cast<std::ptrdiff_t>(i), lines[i]);
      INFO("line " << i + 1);
      check_parse_error(format::decode_secret_file(join_lines(dup)));
      auto drop = lines;
      drop.erase(drop.begin() + static_cast<std::ptrdiff_t>(i));
      check_parse_error(format::decode_secret_file(join_lines(drop)));
    }
  }
  SECTION("CRLF line ends, anywhere") {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      auto l = lines;
      l[i] += '\r';
      INFO("line " << i + 1);
      check_parse_error(format::decode_secret_file(join_lines(l)));
    }
  }
  SECTION("trailing data") {
    for (const char* extra : {"\n", " ", "x", "x\n", "value AAAA\n"}) {
      check_parse_error(format::decode_secret_file(text + extra));
    }
    check_parse_error(format::decode_secret_file(text + std::string(1, '\0')));
  }
  SECTION("stray spaces, tabs and empty lines") {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      INFO("line " << i + 1);
      for (auto edit : {0, 1, 2, 3}) {
        auto l = lines;
        if (edit == 0) l[i] += ' ';
        if (edit == 1) l[i] = ' ' + l[i];
        if (edit == 2) l[i].replace(l[i].find(' ') == std::string::npos ? 0 : l[i].find(' '), 1, "\t");
        if (edit == 3) l.insert(l.begin() + static_cast<std::ptrdiff_t>(i), "");
        check_parse_error(format::decode_secret_file(join_lines(l)));
      }
    }
  }
  SECTION("bad field values") {
    const std::pair<std::size_t, std::string> edits[] = {
        {0, "vaultx-secret 2"},
        {0, "vaultx-secret 1 "},
        {1, "store " + std::string(31, '0')},
        {1, "store " + std::string(34, '0')},
        {1, "store " + std::string(32, 'A')},
        {2, "id " + std::string(32, 'g')},
        {3, "version 0"},
        {3, "version 07"},
        {3, "version -1"},
        {3, "version 18446744073709551616"},
        {3, "version "},
        {3, "version"},
        {4, "created 2023-02-29T00:00:00Z"},
        {4, "created 2023-11-14T22:13:20+00:00"},
        {5, "rotated 2023-11-14T22:13:19Z"},  // earlier than created
        {6, "expires never"},
        {6, "expires"},
        {6, "expires 2027-01-15"},
        {7, "key master"},
        {7, "key master AAAA"},
    };
    for (const auto& [line, replacement] : edits) {
      auto l = lines;
      l[line] = replacement;
      INFO(replacement);
      check_parse_error(format::decode_secret_file(join_lines(l)));
    }
  }
  SECTION("errors name the line") {
    auto l = lines;
    l[5] = "rotated 2023-11-14T22:13:19Z";
    auto r = format::decode_secret_file(join_lines(l));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.starts_with("line 6: "));
    CHECK(format::decode_secret_file(text.substr(0, text.size() - 1)).error().message.starts_with("line 10: "));
    CHECK(format::decode_secret_file(text + "x").error().message.starts_with("line 11: "));
    CHECK(format::decode_secret_file("").error().message.starts_with("line 1: "));
  }
}

TEST_CASE("secret file: every flipped byte fails to parse or to authenticate", "[format][secret]") {
  const SecretFixture fx;
  const std::string text = format::encode_secret_file(fx.make());
  REQUIRE(opens_to(*format::decode_secret_file(text), fx.master_key, fx.name, fx.value));
  int parsed = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (const std::uint8_t mask : std::initializer_list<std::uint8_t>{0x01, 0x04, 0x20, 0x80}) {
      std::string t = text;
      t[i] = static_cast<char>(static_cast<std::uint8_t>(t[i]) ^ mask);
      const auto f = format::decode_secret_file(t);
      if (!f) continue;
      ++parsed;
      INFO("byte " << i << " mask " << int(mask));
      CHECK_FALSE(opens_to(*f, fx.master_key, fx.name, fx.value));
    }
  }
  CHECK(parsed > 0);  // some flips (in base64, dates, ids) do parse
}

TEST_CASE("secret file: parts of two files cannot be mixed", "[format][secret]") {
  const SecretFixture fx;
  const auto a = fx.make();
  auto b = fx.make();  // same inputs, fresh data key and nonces
  SECTION("another file's wrapped data key") {
    auto mixed = a;
    mixed.keys = b.keys;
    CHECK_FALSE(opens_to(mixed, fx.master_key, fx.name, fx.value));
  }
  SECTION("name and value swapped") {
    auto mixed = a;
    std::swap(mixed.name, mixed.value);
    CHECK_FALSE(opens_to(mixed, fx.master_key, fx.name, fx.value));
  }
  SECTION("same data key, metadata changed") {
    auto mixed = a;
    mixed.meta.expires = std::nullopt;
    CHECK_FALSE(opens_to(mixed, fx.master_key, fx.name, fx.value));
    mixed = a;
    mixed.meta.version += 1;
    CHECK_FALSE(opens_to(mixed, fx.master_key, fx.name, fx.value));
  }
  SECTION("moved to another id or store") {
    auto mixed = a;
    mixed.file_id[0] ^= 1;
    CHECK_FALSE(opens_to(mixed, fx.master_key, fx.name, fx.value));
    mixed = a;
    mixed.store_id[15] ^= 1;
    CHECK_FALSE(opens_to(mixed, fx.master_key, fx.name, fx.value));
  }
}

// ------------------------------------------------------------ key files

namespace {
struct KeyFixture {
  secure::SecretBytes passphrase = test::secret("correct horse");
  secure::SecretBytes master_key = crypto::random_key();

  format::KeyFile make() const {
    format::KeyFile f;
    f.store_id = random_id();
    f.recipient = "passphrase";
    f.type = format::RecipientType::passphrase;
    f.kdf = kCheapKdf;
    crypto::random_fill(f.salt);
    auto kek = crypto::argon2id(passphrase.span(), f.salt, f.kdf, 32);
    format::wrap_master_key(f, kek->span(), master_key.span(), crypto::random_nonce());
    return f;
  }
};

// Derives KEKs, remembering them: tampering tests meet the same salt often.
class KekCache {
 public:
  const secure::SecretBytes& get(const secure::SecretBytes& passphrase, const format::KeyFile& f) {
    const std::string k = format::hex_encode(f.salt) + " " + std::to_string(f.kdf.memory_kib) + " " +
                          std::to_string(f.kdf.time) + " " + std::to_string(f.kdf.parallelism);
    auto it = cache_.find(k);
    if (it == cache_.end()) {
      auto kek = crypto::argon2id(passphrase.span(), f.salt, f.kdf, 32);
      REQUIRE(kek);
      it = cache_.emplace(k, std::move(*kek)).first;
    }
    return it->second;
  }

 private:
  std::map<std::string, secure::SecretBytes> cache_;
};
}  // namespace

TEST_CASE("passphrase key file: encode, decode, unwrap", "[format][key]") {
  const KeyFixture fx;
  const auto file = fx.make();
  const std::string text = format::encode_key_file(file);
  const auto lines = split_lines(text);
  REQUIRE(lines.size() == 7);
  CHECK(lines[0] == "vaultx-key 1");
  CHECK(lines[1] == "store " + format::hex_encode(file.store_id));
  CHECK(lines[2] == "recipient passphrase");
  CHECK(lines[3] == "type passphrase");
  CHECK(lines[4] == "kdf argon2id v=19 m=8192 t=1 p=1");
  CHECK(lines[5] == "salt " + format::base64_encode(file.salt));
  CHECK(lines[6].starts_with("wrapped-key "));
  CHECK(text.starts_with(format::key_file_header(file)));

  const auto decoded = format::decode_key_file(text);
  REQUIRE(decoded);
  CHECK(*decoded == file);
  CHECK(format::encode_key_file(*decoded) == text);
  KekCache keks;
  const auto mk = format::unwrap_master_key(*decoded, keks.get(fx.passphrase, *decoded).span());
  REQUIRE(mk);
  CHECK(mk->equals(fx.master_key));
  auto wrong_kek = crypto::argon2id(as_bytes("Correct horse"), decoded->salt, decoded->kdf, 32);
  const auto bad = format::unwrap_master_key(*decoded, wrong_kek->span());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == Errc::unlock);
}

TEST_CASE("x25519 key file: encode, decode, unwrap", "[format][key]") {
  const auto id = crypto::generate_identity();
  const auto master_key = crypto::random_key();
  const auto kek = crypto::random_key();
  format::KeyFile f;
  f.store_id = random_id();
  f.recipient = "alice.laptop-2";
  f.type = format::RecipientType::x25519;
  f.public_key = id.public_key;
  f.sealed_kek = crypto::seal_to(id.public_key, kek.span());
  format::wrap_master_key(f, kek.span(), master_key.span(), crypto::random_nonce());
  const std::string text = format::encode_key_file(f);
  const auto lines = split_lines(text);
  REQUIRE(lines.size() == 7);
  CHECK(lines[3] == "type x25519");
  CHECK(lines[4] == "public-key " + format::base64_encode(id.public_key));
  CHECK(lines[5].starts_with("sealed-key "));
  const auto decoded = format::decode_key_file(text);
  REQUIRE(decoded);
  CHECK(*decoded == f);
  CHECK(format::encode_key_file(*decoded) == text);
  const auto opened_kek = crypto::open_sealed(id, decoded->sealed_kek);
  REQUIRE(opened_kek);
  const auto mk = format::unwrap_master_key(*decoded, opened_kek->span());
  REQUIRE(mk);
  CHECK(mk->equals(master_key));

  SECTION("every flipped byte fails to parse or to open") {
    for (std::size_t i = 0; i < text.size(); ++i) {
      for (const std::uint8_t mask : std::initializer_list<std::uint8_t>{0x01, 0x20}) {
        std::string t = text;
        t[i] = static_cast<char>(static_cast<std::uint8_t>(t[i]) ^ mask);
        const auto g = format::decode_key_file(t);
        if (!g) continue;
        INFO("byte " << i << " mask " << int(mask));
        const auto k = crypto::open_sealed(id, g->sealed_kek);
        if (!k) continue;
        CHECK_FALSE(format::unwrap_master_key(*g, k->span()));
      }
    }
  }
}

TEST_CASE("key file: recipient names", "[format][key]") {
  for (const char* ok : {"passphrase", "a", "alice.laptop-2", "x_y", "0", "..."}) {
    INFO(ok);
    CHECK(format::is_valid_recipient_name(ok));
  }
  CHECK(format::is_valid_recipient_name(std::string(64, 'r')));
  for (const char* bad : {"", ".", "..", "Alice", "a b", "a/b", "a:b", "\xc3\xa9"}) {
    INFO(bad);
    CHECK_FALSE(format::is_valid_recipient_name(bad));
  }
  CHECK_FALSE(format::is_valid_recipient_name(std::string(65, 'r')));
}

TEST_CASE("key file: the decoder rejects malformed files", "[format][key]") {
  const KeyFixture fx;
  const std::string text = format::encode_key_file(fx.make());
  const auto lines = split_lines(text);

  SECTION("every truncation") {
    for (std::size_t n = 0; n < text.size(); ++n) check_parse_error(format::decode_key_file(text.substr(0, n)));
  }
  SECTION("every pair of lines swapped, every line duplicated") {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      for (std::size_t j = i + 1; j < lines.size(); ++j) {
        auto l = lines;
        std::swap(l[i], l[j]);
        check_parse_error(format::decode_key_file(join_lines(l)));
      }
      auto dup = lines;
      dup.insert(dup.begin() + static_cast<std::ptrdiff_t>(i), lines[i]);
      check_parse_error(format::decode_key_file(join_lines(dup)));
    }
  }
  SECTION("CRLF and trailing data") {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      auto l = lines;
      l[i] += '\r';
      check_parse_error(format::decode_key_file(join_lines(l)));
    }
    for (const char* extra : {"\n", "x", "wrapped-key AAAA\n"}) check_parse_error(format::decode_key_file(text + extra));
    check_parse_error(format::decode_key_file(std::string(format::kMaxKeyFileBytes + 1, 'x')));
  }
  SECTION("KDF parameters below the floor or above the ceiling") {
    const char* const bad[] = {
        "m=8191 t=1 p=1",  "m=8192 t=0 p=1",  "m=8192 t=1 p=0",  "m=0 t=0 p=0",
        "m=4194305 t=1 p=1", "m=8192 t=17 p=1", "m=8192 t=1 p=17", "m=4294967295 t=4294967295 p=4294967295",
    };
    for (const char* params : bad) {
      auto l = lines;
      l[4] = std::string("kdf argon2id v=19 ") + params;
      INFO(l[4]);
      const auto r = format::decode_key_file(join_lines(l));
      check_parse_error(r);
      CHECK(r.error().message.starts_with("line 5: "));
    }
    // The bounds themselves are accepted.
    for (const char* params : {"m=4194304 t=16 p=16", "m=8192 t=1 p=1", "m=65536 t=3 p=4"}) {
      auto l = lines;
      l[4] = std::string("kdf argon2id v=19 ") + params;
      INFO(l[4]);
      CHECK(format::decode_key_file(join_lines(l)).ok());
    }
  }
  SECTION("other spellings of the KDF line") {
    const char* const bad[] = {
        "kdf argon2id v=19 m=8192 t=1 p=1 ",  "kdf argon2id v=16 m=8192 t=1 p=1",
        "kdf argon2i v=19 m=8192 t=1 p=1",    "kdf argon2id v=19 m=08192 t=1 p=1",
        "kdf argon2id v=19 m=8192 p=1 t=1",   "kdf argon2id v=19 t=1 m=8192 p=1",
        "kdf argon2id v=19 m=8192  t=1 p=1",  "kdf argon2id v=19 m=8192 t=1 p=1 x=1",
        "kdf argon2id v=19 m=8M t=1 p=1",     "kdf argon2id v=19 m=8192 t=1 t=1 p=1",
        "kdf argon2id v=19 m=8192 t=1",       "kdf argon2id v=19 m=8192 t=+1 p=1",
        "kdf argon2id v=19 m=4294967296 t=1 p=1", "kdf argon2id",
    };
    for (const char* b : bad) {
      auto l = lines;
      l[4] = b;
      INFO(b);
      check_parse_error(format::decode_key_file(join_lines(l)));
    }
  }
  SECTION("bad fields") {
    const std::pair<std::size_t, std::string> edits[] = {
        {0, "vaultx-key 2"},
        {1, "store " + std::string(30, '0')},
        {2, "recipient Passphrase"},
        {2, "recipient ."},
        {2, "recipient " + std::string(65, 'a')},
        {3, "type password"},
        {3, "type x25519"},  // then the passphrase fields are unexpected
        {5, "salt AAAAAAAAAAAAAAAAAAAAAAAA"},  // 18 bytes
        {5, "salt AAAAAAAAAAAAAAAAAAAA"},      // 15 bytes
        {6, "wrapped-key AAAA"},
    };
    for (const auto& [line, replacement] : edits) {
      auto l = lines;
      l[line] = replacement;
      INFO(replacement);
      check_parse_error(format::decode_key_file(join_lines(l)));
    }
  }
}

TEST_CASE("passphrase key file: every flipped byte fails to parse or to unlock", "[format][key]") {
  const KeyFixture fx;
  const auto file = fx.make();
  const std::string text = format::encode_key_file(file);
  KekCache keks;
  int parsed = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (const std::uint8_t mask : std::initializer_list<std::uint8_t>{0x01, 0x04, 0x20}) {
      std::string t = text;
      t[i] = static_cast<char>(static_cast<std::uint8_t>(t[i]) ^ mask);
      const auto f = format::decode_key_file(t);
      if (!f) continue;
      ++parsed;
      INFO("byte " << i << " mask " << int(mask));
      const auto mk = format::unwrap_master_key(*f, keks.get(fx.passphrase, *f).span());
      REQUIRE_FALSE(mk);
      CHECK(mk.error().code == Errc::unlock);
    }
  }
  CHECK(parsed > 0);
}

// ------------------------------------------------------------ store header

TEST_CASE("store header: encode, decode, open", "[format][header]") {
  const auto master_key = crypto::random_key();
  const auto index_key = crypto::random_key();
  format::StoreHeader h;
  h.store_id = random_id();
  h.created = 1704164645;
  format::seal_index_key(h, master_key.span(), index_key.span(), crypto::random_nonce());
  const std::string text = format::encode_store_header(h);
  const auto lines = split_lines(text);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "vaultx-store 1");
  CHECK(lines[1] == "id " + format::hex_encode(h.store_id));
  CHECK(lines[2] == "created 2024-01-02T03:04:05Z");
  CHECK(lines[3].starts_with("index-key "));
  CHECK(text.starts_with(format::store_header_prefix(h)));
  const auto decoded = format::decode_store_header(text);
  REQUIRE(decoded);
  CHECK(*decoded == h);
  CHECK(format::encode_store_header(*decoded) == text);
  const auto ik = format::open_index_key(*decoded, master_key.span());
  REQUIRE(ik);
  CHECK(ik->equals(index_key));
  const auto wrong = format::open_index_key(*decoded, crypto::random_key().span());
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == Errc::integrity);

  SECTION("every truncation, swap, duplicate, CRLF, trailing data") {
    for (std::size_t n = 0; n < text.size(); ++n) check_parse_error(format::decode_store_header(text.substr(0, n)));
    for (std::size_t i = 0; i < lines.size(); ++i) {
      for (std::size_t j = i + 1; j < lines.size(); ++j) {
        auto l = lines;
        std::swap(l[i], l[j]);
        check_parse_error(format::decode_store_header(join_lines(l)));
      }
      auto dup = lines;
      dup.insert(dup.begin() + static_cast<std::ptrdiff_t>(i), lines[i]);
      check_parse_error(format::decode_store_header(join_lines(dup)));
      auto crlf = lines;
      crlf[i] += '\r';
      check_parse_error(format::decode_store_header(join_lines(crlf)));
    }
    check_parse_error(format::decode_store_header(text + "\n"));
    check_parse_error(format::decode_store_header(text + "x"));
    check_parse_error(format::decode_store_header(std::string(format::kMaxKeyFileBytes + 1, 'x')));
  }
  SECTION("every flipped byte fails to parse or to open") {
    int parsed = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      for (const std::uint8_t mask : std::initializer_list<std::uint8_t>{0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80}) {
        std::string t = text;
        t[i] = static_cast<char>(static_cast<std::uint8_t>(t[i]) ^ mask);
        const auto g = format::decode_store_header(t);
        if (!g) continue;
        ++parsed;
        INFO("byte " << i << " mask " << int(mask));
        CHECK_FALSE(format::open_index_key(*g, master_key.span()));
      }
    }
    CHECK(parsed > 0);
  }
}

TEST_CASE("file_id_for is keyed BLAKE2b-128 of the name", "[format][header]") {
  const Bytes index_key = ramp(0x20, 32);
  const auto a = format::file_id_for(index_key, "openai/api-key");
  const Bytes expected = crypto::keyed_hash(index_key, as_bytes("openai/api-key"), 16);
  CHECK(Bytes(a.begin(), a.end()) == expected);
  CHECK(format::file_id_for(index_key, "openai/api-key") == a);
  CHECK(format::file_id_for(index_key, "openai/api-kez") != a);
  CHECK(format::file_id_for(ramp(0x21, 32), "openai/api-key") != a);
}

TEST_CASE("associated data is the covered prefix then the field key", "[format][fields]") {
  const Bytes ad = format::associated_data("vaultx-key 1\n", "wrapped-key");
  CHECK(as_text(ad) == "vaultx-key 1\nwrapped-key");
}
