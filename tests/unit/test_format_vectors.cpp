// Known-answer vectors: files built from the fixed inputs in vectors.hpp must
// equal, byte for byte, the files checked in under tests/vectors/. Those files
// are never regenerated: a difference means the format changed, and old
// stores would no longer open.
//
// To write them once (a new format version, or a new vector):
//   VAULTX_WRITE_VECTORS=1 build/tests/vaultx_unit_tests '[vectors]'
#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>
#include <sstream>
#include <vector>

#include <vaultx/crypto/kdf.hpp>
#include <vaultx/format/encoding.hpp>

#include "vectors.hpp"

using namespace vaultx;
namespace vec = vaultx::test::vectors;
namespace fs = std::filesystem;

namespace {

bool write_mode() {
  const char* v = std::getenv("VAULTX_WRITE_VECTORS");
  return v != nullptr && std::string_view(v) == "1";
}

// Compares with the checked-in file, or (write mode) creates it.
void check_vector(const std::string& file, const std::string& built) {
  const fs::path path = fs::path(vec::dir()) / file;
  if (write_mode()) {
    fs::create_directories(path.parent_path());
    test::write_text(path, built);
    WARN("wrote " << path.string());
    return;
  }
  INFO(path.string());
  REQUIRE(fs::exists(path));
  CHECK(test::read_text(path) == built);
}

secure::SecretBytes passphrase_kek(const std::array<std::uint8_t, crypto::kSaltBytes>& salt,
                                   const crypto::KdfParams& kdf) {
  auto kek = crypto::argon2id(as_bytes(vec::kPassphrase), salt, kdf, crypto::kKeyBytes);
  REQUIRE(kek);
  return std::move(*kek);
}

// --- broken vectors: one edit each to a valid vector

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) (out += l) += '\n';
  return out;
}

// Replaces 1-based line n.
std::string with_line(const std::string& text, std::size_t n, const std::string& line) {
  auto l = lines_of(text);
  l.at(n - 1) = line;
  return joined(l);
}

std::string line_of(const std::string& text, std::size_t n) { return lines_of(text).at(n - 1); }

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

// Changes one base64 character of a field line near its middle, keeping the
// encoding canonical: the bytes change, the spelling stays valid.
std::string flip_base64_middle(const std::string& line) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out = line;
  const std::size_t b64 = out.rfind(' ') + 1;
  const std::size_t at = b64 + (out.size() - b64) / 2;
  const auto idx = alphabet.find(out[at]);
  out[at] = alphabet[(idx + 1) % 64];
  return out;
}

// Sets a padding bit in a base64 field that ends in '=': non-canonical.
std::string set_padding_bit(const std::string& line) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out = line;
  std::size_t at = out.find_last_not_of('=');
  out[at] = alphabet[alphabet.find(out[at]) ^ 1U];
  return out;
}

struct Broken {
  std::string file;
  std::string kind;     // secret | key | header
  std::string outcome;  // "parse-error N" | "auth-failure"
  std::string text;
};

std::vector<Broken> make_broken(const std::string& secret1, const std::string& secret2, const std::string& key,
                                const std::string& header) {
  std::string upper_id = line_of(secret1, 3);
  for (auto& c : upper_id) c = static_cast<char>(c >= 'a' && c <= 'f' ? c - 32 : c);
  auto dup_key = lines_of(secret1);
  dup_key.insert(dup_key.begin() + 8, dup_key[7]);
  auto no_wrap = lines_of(key);
  no_wrap.pop_back();
  const std::string key_b64 = line_of(secret1, 8).substr(line_of(secret1, 8).rfind(' ') + 1);
  auto swapped = lines_of(secret1);
  std::swap(swapped[4], swapped[5]);

  return {
      {"secret-crlf.txt", "secret", "parse-error 1", replace_all(secret1, "\n", "\r\n")},
      {"secret-no-final-newline.txt", "secret", "parse-error 10", secret1.substr(0, secret1.size() - 1)},
      {"secret-trailing-data.txt", "secret", "parse-error 11", secret1 + "\n"},
      {"secret-lines-reordered.txt", "secret", "parse-error 5", joined(swapped)},
      {"secret-duplicate-key.txt", "secret", "parse-error 9", joined(dup_key)},
      {"secret-uppercase-id.txt", "secret", "parse-error 3", with_line(secret1, 3, upper_id)},
      {"secret-version-leading-zero.txt", "secret", "parse-error 4", with_line(secret1, 4, "version 03")},
      {"secret-invalid-date.txt", "secret", "parse-error 5", with_line(secret1, 5, "created 2023-02-29T03:04:05Z")},
      {"secret-rotated-before-created.txt", "secret", "parse-error 6",
       with_line(secret1, 6, "rotated 2023-12-31T23:59:59Z")},
      {"secret-unknown-holder.txt", "secret", "parse-error 8", with_line(secret1, 8, "key owner " + key_b64)},
      {"secret-noncanonical-base64.txt", "secret", "parse-error 10",
       with_line(secret1, 10, set_padding_bit(line_of(secret1, 10)))},
      {"secret-version-changed.txt", "secret", "auth-failure", with_line(secret1, 4, "version 4")},
      {"secret-expiry-removed.txt", "secret", "auth-failure", with_line(secret1, 7, "expires -")},
      {"secret-moved-id.txt", "secret", "auth-failure", with_line(secret1, 3, line_of(secret2, 3))},
      {"secret-key-from-other.txt", "secret", "auth-failure", with_line(secret1, 8, line_of(secret2, 8))},
      {"secret-value-from-other.txt", "secret", "auth-failure", with_line(secret1, 10, line_of(secret2, 10))},
      {"secret-value-flipped.txt", "secret", "auth-failure",
       with_line(secret1, 10, flip_base64_middle(line_of(secret1, 10)))},
      {"key-crlf.txt", "key", "parse-error 1", replace_all(key, "\n", "\r\n")},
      {"key-kdf-below-floor.txt", "key", "parse-error 5", with_line(key, 5, "kdf argon2id v=19 m=4096 t=1 p=1")},
      {"key-kdf-above-ceiling.txt", "key", "parse-error 5", with_line(key, 5, "kdf argon2id v=19 m=8192 t=17 p=1")},
      {"key-unknown-type.txt", "key", "parse-error 4", with_line(key, 4, "type password")},
      {"key-missing-wrapped-key.txt", "key", "parse-error 7", joined(no_wrap)},
      {"key-kdf-changed.txt", "key", "auth-failure", with_line(key, 5, "kdf argon2id v=19 m=8192 t=2 p=1")},
      {"key-salt-changed.txt", "key", "auth-failure", with_line(key, 6, flip_base64_middle(line_of(key, 6)))},
      {"header-wrong-version.txt", "header", "parse-error 1", with_line(header, 1, "vaultx-store 2")},
      {"header-short-id.txt", "header", "parse-error 2", with_line(header, 2, line_of(header, 2).substr(0, 33))},
      {"header-tab.txt", "header", "parse-error 3", with_line(header, 3, "created\t2024-01-02T03:04:05Z")},
      {"header-created-changed.txt", "header", "auth-failure", with_line(header, 3, "created 2024-01-02T03:04:06Z")},
      {"header-id-changed.txt", "header", "auth-failure",
       with_line(header, 2, "id " + format::hex_encode(test::ramp(0x41, 16)))},
  };
}

struct Built {
  std::string header = vec::build_store_header();
  secure::SecretBytes kek = passphrase_kek(vec::salt(), vec::kKdf);
  std::string key = format::encode_key_file(vec::passphrase_key_file(kek.span()));
  std::string secret1 = vec::build_secret(vec::secret1());
  std::string secret2 = vec::build_secret(vec::secret2());
};

// The outcome of a file of `kind` opened with the vectors' keys: "ok",
// "parse-error N" or "auth-failure".
std::string outcome_of(const std::string& kind, const std::string& text) {
  auto parse_error = [](const Error& e) {
    REQUIRE(e.code == Errc::integrity);
    REQUIRE(e.message.starts_with("line "));
    return "parse-error " + e.message.substr(5, e.message.find(':') - 5);
  };
  if (kind == "secret") {
    const auto f = format::decode_secret_file(text);
    if (!f) return parse_error(f.error());
    const auto dk = format::unwrap_data_key(*f, format::kMasterHolder, vec::master_key());
    if (!dk) return "auth-failure";
    if (!format::open_secret_name(*f, dk->span()) || !format::open_secret_value(*f, dk->span())) {
      return "auth-failure";
    }
    return "ok";
  }
  if (kind == "key") {
    const auto f = format::decode_key_file(text);
    if (!f) return parse_error(f.error());
    const auto mk = format::unwrap_master_key(*f, passphrase_kek(f->salt, f->kdf).span());
    if (!mk) {
      CHECK(mk.error().code == Errc::unlock);
      return "auth-failure";
    }
    return "ok";
  }
  REQUIRE(kind == "header");
  const auto h = format::decode_store_header(text);
  if (!h) return parse_error(h.error());
  return format::open_index_key(*h, vec::master_key()) ? "ok" : "auth-failure";
}

}  // namespace

TEST_CASE("vectors: store header", "[vectors]") {
  const std::string built = vec::build_store_header();
  check_vector("store-header.txt", built);
  const auto h = format::decode_store_header(built);
  REQUIRE(h);
  CHECK(h->store_id == vec::store_id());
  CHECK(h->created == vec::store_created());
  const auto ik = format::open_index_key(*h, vec::master_key());
  REQUIRE(ik);
  CHECK(Bytes(ik->span().begin(), ik->span().end()) == vec::index_key());
}

TEST_CASE("vectors: passphrase key file", "[vectors]") {
  const Built b;
  // The KEK itself is a known answer too (Argon2id over the fixed inputs).
  CHECK(test::hex(b.kek.span()) == "858248b51540bac45b4d1c08bb617fffedea2687fd8f6835fe1e0cb920ff03a6");
  check_vector("key-passphrase.txt", b.key);
  const auto f = format::decode_key_file(b.key);
  REQUIRE(f);
  CHECK(f->kdf == vec::kKdf);
  const auto mk = format::unwrap_master_key(*f, passphrase_kek(f->salt, f->kdf).span());
  REQUIRE(mk);
  CHECK(Bytes(mk->span().begin(), mk->span().end()) == vec::master_key());
}

TEST_CASE("vectors: x25519 key file", "[vectors]") {
  const fs::path path = fs::path(vec::dir()) / "key-x25519.txt";
  const auto identity_sk = secure::SecretBytes::copy_of(vec::x25519_secret_key());
  crypto::X25519Identity id{*crypto::public_key_of(identity_sk), secure::SecretBytes::copy_of(vec::x25519_secret_key())};
  if (write_mode()) {
    check_vector("key-x25519.txt", format::encode_key_file(vec::x25519_key_file(
                                       crypto::seal_to(id.public_key, vec::x25519_kek()))));
    return;
  }
  const std::string text = test::read_text(path);
  const auto f = format::decode_key_file(text);
  REQUIRE(f);
  CHECK(f->public_key == id.public_key);
  // Rebuilt from the fixed inputs and the checked-in sealed KEK: byte-identical.
  CHECK(format::encode_key_file(vec::x25519_key_file(f->sealed_kek)) == text);
  const auto kek = crypto::open_sealed(id, f->sealed_kek);
  REQUIRE(kek);
  CHECK(Bytes(kek->span().begin(), kek->span().end()) == vec::x25519_kek());
  const auto mk = format::unwrap_master_key(*f, kek->span());
  REQUIRE(mk);
  CHECK(Bytes(mk->span().begin(), mk->span().end()) == vec::master_key());
}

TEST_CASE("vectors: secret files", "[vectors]") {
  for (const auto& in : {vec::secret1(), vec::secret2()}) {
    const std::string built = vec::build_secret(in);
    check_vector(in.name == "a" ? "secret-2.txt" : "secret-1.txt", built);
    const auto f = format::decode_secret_file(built);
    REQUIRE(f);
    CHECK(f->meta == in.meta);
    CHECK(f->file_id == vec::file_id(in));
    const auto dk = format::unwrap_data_key(*f, format::kMasterHolder, vec::master_key());
    REQUIRE(dk);
    CHECK(Bytes(dk->span().begin(), dk->span().end()) == in.data_key);
    CHECK(*format::open_secret_name(*f, dk->span()) == in.name);
    const auto v = format::open_secret_value(*f, dk->span());
    REQUIRE(v);
    CHECK(Bytes(v->span().begin(), v->span().end()) == in.value);
  }
  // The file names the store gives them (keyed BLAKE2b-128, cross-checked with Python's hashlib).
  CHECK(format::hex_encode(vec::file_id(vec::secret1())) == "ae2e680ae2d0a951c0d9233b99b9cfee");
  CHECK(format::hex_encode(vec::file_id(vec::secret2())) == "f3eea1016ac6626be624a6b33647f74c");
}

TEST_CASE("vectors: broken files fail as the manifest says", "[vectors]") {
  const Built b;
  const fs::path broken_dir = fs::path(vec::dir()) / "broken";
  if (write_mode()) {
    fs::create_directories(broken_dir);
    std::string manifest =
        "# Broken vectors: each is a valid vector (../secret-1.txt, ../key-passphrase.txt,\n"
        "# ../store-header.txt) with one edit. Columns: file, kind, expected outcome.\n"
        "#   kind:    secret | key | header\n"
        "#   outcome: parse-error <line>  (the decoder refuses it, naming that 1-based line)\n"
        "#            auth-failure        (it decodes, but the right key does not open it)\n";
    for (const auto& x : make_broken(b.secret1, b.secret2, b.key, b.header)) {
      test::write_text(broken_dir / x.file, x.text);
      manifest += x.file + " " + x.kind + " " + x.outcome + "\n";
      // Written only if it really fails as described.
      CHECK(outcome_of(x.kind, x.text) == x.outcome);
    }
    test::write_text(broken_dir / "MANIFEST", manifest);
    WARN("wrote " << broken_dir.string());
    return;
  }
  std::istringstream manifest(test::read_text(broken_dir / "MANIFEST"));
  std::set<std::string> listed;
  for (std::string line; std::getline(manifest, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string file, kind, outcome, n;
    fields >> file >> kind >> outcome;
    if (outcome == "parse-error") {
      fields >> n;
      outcome += " " + n;
    }
    INFO(file);
    listed.insert(file);
    CHECK(outcome_of(kind, test::read_text(broken_dir / file)) == outcome);
  }
  CHECK(listed.size() >= 20);
  for (const auto& e : fs::directory_iterator(broken_dir)) {
    if (e.path().extension() == ".txt") CHECK(listed.count(e.path().filename().string()) == 1);
  }
}

// docs/format.md describes the associated data as raw prefixes of the file.
// Open every vector the way a second implementation following the document
// would: from the file's bytes, base64 and the primitives only.
namespace {
Bytes field_bytes(const std::string& text, const std::string& key) {
  const auto at = text.find("\n" + key + " ");
  REQUIRE(at != std::string::npos);
  const auto start = at + key.size() + 2;
  const auto raw = format::base64_decode(text.substr(start, text.find('\n', start) - start));
  REQUIRE(raw);
  return *raw;
}

std::optional<secure::SecretBytes> open_raw(ByteView key, const Bytes& sealed, const std::string& prefix,
                                            const std::string& label) {
  const std::string ad = prefix + label;
  return crypto::aead_open(key, ByteView(sealed).first(24), ByteView(sealed).subspan(24), as_bytes(ad));
}

std::string prefix_lines(const std::string& text, int lines) {
  std::size_t end = 0;
  for (int i = 0; i < lines; ++i) end = text.find('\n', end) + 1;
  return text.substr(0, end);
}
}  // namespace

TEST_CASE("vectors: open as docs/format.md describes", "[vectors]") {
  if (write_mode()) return;
  const auto read = [](const char* f) { return test::read_text(fs::path(vec::dir()) / f); };
  const std::string header = read("store-header.txt");
  const auto ik = open_raw(vec::master_key(), field_bytes(header, "index-key"), prefix_lines(header, 3), "index-key");
  REQUIRE(ik);
  CHECK(Bytes(ik->span().begin(), ik->span().end()) == vec::index_key());

  const std::string key = read("key-passphrase.txt");
  const auto kek = passphrase_kek(vec::salt(), vec::kKdf);
  const auto mk = open_raw(kek.span(), field_bytes(key, "wrapped-key"), prefix_lines(key, 6), "wrapped-key");
  REQUIRE(mk);
  CHECK(Bytes(mk->span().begin(), mk->span().end()) == vec::master_key());

  const std::string s1 = read("secret-1.txt");
  const std::string h1 = prefix_lines(s1, 7);
  CHECK(h1.size() == 188);
  const auto dk = open_raw(vec::master_key(), field_bytes(s1, "key master"), h1, "key master");
  REQUIRE(dk);
  const auto name = open_raw(dk->span(), field_bytes(s1, "name"), h1, "name");
  REQUIRE(name);
  CHECK(name->view() == "vectors/api-key");
  const auto value = open_raw(dk->span(), field_bytes(s1, "value"), h1, "value");
  REQUIRE(value);
  CHECK(Bytes(value->span().begin(), value->span().end()) == vec::secret1().value);
  // The file id is BLAKE2b-128 of the name keyed by IK, as the id line says.
  CHECK(s1.find("\nid " + test::hex(crypto::keyed_hash(vec::index_key(), as_bytes("vectors/api-key"), 16)) +
                "\n") != std::string::npos);
}
