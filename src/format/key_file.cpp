#include <vaultx/format/key_file.hpp>

#include <algorithm>
#include <cstdio>

#include <vaultx/format/encoding.hpp>
#include <vaultx/format/units.hpp>

namespace vaultx::format {

namespace {
constexpr std::string_view kWrappedKeyField = "wrapped-key";
constexpr std::string_view kIndexKeyField = "index-key";

std::string kdf_text(const crypto::KdfParams& p) {
  return "argon2id v=19 m=" + std::to_string(p.memory_kib) + " t=" + std::to_string(p.time) +
         " p=" + std::to_string(p.parallelism);
}

// "argon2id v=19 m=65536 t=3 p=4", nothing else.
std::optional<crypto::KdfParams> parse_kdf_text(std::string_view s) {
  constexpr std::string_view prefix = "argon2id v=19 m=";
  if (s.substr(0, prefix.size()) != prefix) return std::nullopt;
  s.remove_prefix(prefix.size());
  const auto t_at = s.find(" t=");
  const auto p_at = s.find(" p=");
  if (t_at == std::string_view::npos || p_at == std::string_view::npos || p_at < t_at) return std::nullopt;
  const auto m = parse_decimal(s.substr(0, t_at));
  const auto t = parse_decimal(s.substr(t_at + 3, p_at - t_at - 3));
  const auto p = parse_decimal(s.substr(p_at + 3));
  constexpr std::uint64_t u32_max = 0xffffffffU;
  if (!m || !t || !p || *m > u32_max || *t > u32_max || *p > u32_max) return std::nullopt;
  return crypto::KdfParams{static_cast<std::uint32_t>(*m), static_cast<std::uint32_t>(*t),
                           static_cast<std::uint32_t>(*p)};
}

Result<crypto::KdfParams> read_kdf(FieldReader& r) {
  VAULTX_ASSIGN(auto text, r.expect("kdf"));
  const auto params = parse_kdf_text(text);
  if (!params) return r.error("field 'kdf' is not 'argon2id v=19 m=<KiB> t=<passes> p=<lanes>'");
  switch (crypto::check_kdf_bounds(*params)) {
    case crypto::KdfBound::below_floor:
      return r.error("KDF parameters are below the floor (m=8192 KiB, t=1): the key file was tampered with");
    case crypto::KdfBound::above_ceiling:
      return r.error("KDF parameters are above the ceiling (m=4 GiB, t=16, p=16): refused");
    case crypto::KdfBound::ok:
      break;
  }
  return *params;
}

Result<secure::SecretBytes> open_sealed_field(const Sealed& s, ByteView key, std::string_view prefix,
                                              std::string_view label) {
  auto plain = crypto::aead_open(key, s.nonce, s.ciphertext, associated_data(prefix, label));
  if (!plain) return Error(Errc::unlock, "'" + std::string(label) + "' could not be opened");
  return std::move(*plain);
}
}  // namespace

bool is_valid_recipient_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxRecipientBytes && name != "." && name != ".." &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
         });
}

std::string key_file_header(const KeyFile& f) {
  FieldWriter w(kKeyMagic);
  w.id("store", f.store_id);
  w.field("recipient", f.recipient);
  if (f.type == RecipientType::passphrase) {
    w.field("type", "passphrase");
    w.field("kdf", kdf_text(f.kdf));
    w.field("salt", base64_encode(f.salt));
  } else {
    w.field("type", "x25519");
    w.field("public-key", base64_encode(f.public_key));
    w.field("sealed-key", base64_encode(f.sealed_kek));
  }
  return w.take();
}

std::string encode_key_file(const KeyFile& f) {
  FieldWriter w;
  w.append(key_file_header(f));
  w.sealed(kWrappedKeyField, f.wrapped_key);
  return w.take();
}

Result<KeyFile> decode_key_file(std::string_view bytes) {
  if (bytes.size() > kMaxKeyFileBytes) return Error(Errc::integrity, "file is larger than any key file");
  FieldReader r(bytes);
  KeyFile f;
  VAULTX_TRY(r.expect_line(kKeyMagic));
  VAULTX_ASSIGN(f.store_id, r.expect_id("store"));
  VAULTX_ASSIGN(auto recipient, r.expect("recipient"));
  if (!is_valid_recipient_name(recipient)) return r.error("field 'recipient' is not a valid recipient name");
  f.recipient = std::string(recipient);
  VAULTX_ASSIGN(auto type, r.expect("type"));
  if (type == "passphrase") {
    f.type = RecipientType::passphrase;
    VAULTX_ASSIGN(f.kdf, read_kdf(r));
    VAULTX_ASSIGN(auto salt, r.expect_base64("salt", crypto::kSaltBytes, crypto::kSaltBytes));
    std::copy(salt.begin(), salt.end(), f.salt.begin());
  } else if (type == "x25519") {
    f.type = RecipientType::x25519;
    VAULTX_ASSIGN(auto pk, r.expect_base64("public-key", crypto::kPublicKeyBytes, crypto::kPublicKeyBytes));
    std::copy(pk.begin(), pk.end(), f.public_key.begin());
    constexpr std::size_t sealed_len = crypto::kKeyBytes + crypto::kSealOverheadBytes;
    VAULTX_ASSIGN(f.sealed_kek, r.expect_base64("sealed-key", sealed_len, sealed_len));
  } else {
    return r.error("field 'type' must be 'passphrase' or 'x25519'");
  }
  VAULTX_ASSIGN(f.wrapped_key, r.expect_sealed(kWrappedKeyField, crypto::kKeyBytes, crypto::kKeyBytes));
  VAULTX_TRY(r.expect_end());
  return f;
}

void wrap_master_key(KeyFile& f, ByteView kek, ByteView master_key, const crypto::Nonce& nonce) {
  const std::string prefix = key_file_header(f);
  f.wrapped_key = Sealed{nonce, crypto::aead_seal(kek, nonce, master_key, associated_data(prefix, kWrappedKeyField))};
}

Result<secure::SecretBytes> unwrap_master_key(const KeyFile& f, ByteView kek) {
  return open_sealed_field(f.wrapped_key, kek, key_file_header(f), kWrappedKeyField);
}

std::string store_header_prefix(const StoreHeader& h) {
  FieldWriter w(kStoreMagic);
  w.id("id", h.store_id);
  w.field("created", format_rfc3339(h.created));
  return w.take();
}

std::string encode_store_header(const StoreHeader& h) {
  FieldWriter w;
  w.append(store_header_prefix(h));
  w.sealed(kIndexKeyField, h.index_key);
  return w.take();
}

Result<StoreHeader> decode_store_header(std::string_view bytes) {
  if (bytes.size() > kMaxKeyFileBytes) return Error(Errc::integrity, "file is larger than any store header");
  FieldReader r(bytes);
  StoreHeader h;
  VAULTX_TRY(r.expect_line(kStoreMagic));
  VAULTX_ASSIGN(h.store_id, r.expect_id("id"));
  VAULTX_ASSIGN(auto created, r.expect("created"));
  const auto t = parse_rfc3339_strict(created);
  if (!t) return r.error("field 'created' is not a UTC time like 2027-01-31T12:00:00Z");
  h.created = *t;
  VAULTX_ASSIGN(h.index_key, r.expect_sealed(kIndexKeyField, crypto::kKeyBytes, crypto::kKeyBytes));
  VAULTX_TRY(r.expect_end());
  return h;
}

void seal_index_key(StoreHeader& h, ByteView master_key, ByteView index_key, const crypto::Nonce& nonce) {
  h.index_key = Sealed{nonce, crypto::aead_seal(master_key, nonce, index_key,
                                                associated_data(store_header_prefix(h), kIndexKeyField))};
}

Result<secure::SecretBytes> open_index_key(const StoreHeader& h, ByteView master_key) {
  auto key = open_sealed_field(h.index_key, master_key, store_header_prefix(h), kIndexKeyField);
  if (!key) return Error(Errc::integrity, "the master key does not open this store's header");
  return key;
}

FileId file_id_for(ByteView index_key, std::string_view secret_name) {
  const Bytes h = crypto::keyed_hash(index_key, as_bytes(secret_name), kIdBytes);
  FileId id{};
  std::copy(h.begin(), h.end(), id.begin());
  return id;
}

}  // namespace vaultx::format
