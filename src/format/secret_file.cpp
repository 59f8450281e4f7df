#include <vaultx/format/secret_file.hpp>

#include <algorithm>

#include <sodium.h>

#include <vaultx/format/encoding.hpp>
#include <vaultx/format/names.hpp>
#include <vaultx/format/units.hpp>

namespace vaultx::format {

namespace {
constexpr std::string_view kExpiresNever = "-";
constexpr std::string_view kScopeHolderPrefix = "scope:";

bool is_valid_holder(std::string_view holder) {
  if (holder == kMasterHolder) return true;
  if (holder.substr(0, kScopeHolderPrefix.size()) != kScopeHolderPrefix) return false;
  const auto id = hex_decode(holder.substr(kScopeHolderPrefix.size()));
  return id && id->size() == kIdBytes;
}

std::string key_field_label(std::string_view holder) { return "key " + std::string(holder); }

Result<UnixSeconds> read_time(FieldReader& r, std::string_view key) {
  VAULTX_ASSIGN(auto text, r.expect(key));
  const auto t = parse_rfc3339_strict(text);
  if (!t) return r.error("field '" + std::string(key) + "' is not a UTC time like 2027-01-31T12:00:00Z");
  return *t;
}

Result<SecretMetadata> read_metadata(FieldReader& r) {
  SecretMetadata meta;
  VAULTX_ASSIGN(auto version_text, r.expect("version"));
  const auto version = parse_decimal(version_text);
  if (!version || *version == 0) return r.error("field 'version' is not a positive integer");
  meta.version = *version;
  VAULTX_ASSIGN(meta.created, read_time(r, "created"));
  VAULTX_ASSIGN(meta.rotated, read_time(r, "rotated"));
  if (meta.rotated < meta.created) return r.error("'rotated' is earlier than 'created'");
  VAULTX_ASSIGN(auto expires, r.expect("expires"));
  if (expires != kExpiresNever) {
    const auto t = parse_rfc3339_strict(expires);
    if (!t) return r.error("field 'expires' is neither '-' nor a UTC time");
    meta.expires = *t;
  }
  return meta;
}

// key <holder> <base64>
Result<KeyWrap> read_key_wrap(FieldReader& r) {
  VAULTX_ASSIGN(auto value, r.expect("key"));
  const auto space = value.find(' ');
  if (space == std::string_view::npos) return r.error("field 'key' needs a holder and a wrapped key");
  KeyWrap wrap;
  wrap.holder = std::string(value.substr(0, space));
  if (!is_valid_holder(wrap.holder)) return r.error("field 'key' has an unknown holder");
  const auto raw = base64_decode(value.substr(space + 1));
  if (!raw || raw->size() != crypto::kNonceBytes + crypto::kKeyBytes + crypto::kTagBytes) {
    return r.error("field 'key' does not hold a wrapped 32-byte key");
  }
  std::copy_n(raw->begin(), crypto::kNonceBytes, wrap.sealed.nonce.begin());
  wrap.sealed.ciphertext.assign(raw->begin() + crypto::kNonceBytes, raw->end());
  return wrap;
}

Sealed seal_field(ByteView key, const crypto::Nonce& nonce, ByteView plaintext, std::string_view header,
                  std::string_view label) {
  return Sealed{nonce, crypto::aead_seal(key, nonce, plaintext, associated_data(header, label))};
}

Result<secure::SecretBytes> open_field(const Sealed& s, ByteView key, std::string_view header,
                                       std::string_view label) {
  auto plain = crypto::aead_open(key, s.nonce, s.ciphertext, associated_data(header, label));
  if (!plain) return Error(Errc::integrity, "authentication of '" + std::string(label) + "' failed");
  return std::move(*plain);
}
}  // namespace

std::string secret_header(const StoreId& store_id, const FileId& file_id, const SecretMetadata& meta) {
  FieldWriter w(kSecretMagic);
  w.id("store", store_id);
  w.id("id", file_id);
  w.field("version", std::to_string(meta.version));
  w.field("created", format_rfc3339(meta.created));
  w.field("rotated", format_rfc3339(meta.rotated));
  w.field("expires", meta.expires ? format_rfc3339(*meta.expires) : std::string(kExpiresNever));
  return w.take();
}

std::string encode_secret_file(const SecretFile& f) {
  FieldWriter w;
  w.append(secret_header(f.store_id, f.file_id, f.meta));
  for (const auto& k : f.keys) w.sealed(key_field_label(k.holder), k.sealed);
  w.sealed("name", f.name);
  w.sealed("value", f.value);
  return w.take();
}

Result<SecretFile> decode_secret_file(std::string_view bytes) {
  if (bytes.size() > kMaxSecretFileBytes) return Error(Errc::integrity, "file is larger than any secret file");
  FieldReader r(bytes);
  SecretFile f;
  VAULTX_TRY(r.expect_line(kSecretMagic));
  VAULTX_ASSIGN(f.store_id, r.expect_id("store"));
  VAULTX_ASSIGN(f.file_id, r.expect_id("id"));
  VAULTX_ASSIGN(f.meta, read_metadata(r));
  do {
    VAULTX_ASSIGN(auto wrap, read_key_wrap(r));
    if (f.keys.empty() ? wrap.holder != kMasterHolder : wrap.holder <= f.keys.back().holder) {
      return r.error("'key' lines must start with 'master' and be in ascending holder order");
    }
    f.keys.push_back(std::move(wrap));
  } while (r.next_is("key"));
  VAULTX_ASSIGN(f.name, r.expect_sealed("name", 1, kMaxNameBytes));
  VAULTX_ASSIGN(f.value, r.expect_sealed("value", 0, kMaxValueBytes));
  VAULTX_TRY(r.expect_end());
  return f;
}

SealRandomness SealRandomness::fresh() {
  SealRandomness r;
  r.data_key = crypto::random_key();
  r.key_nonce = crypto::random_nonce();
  r.name_nonce = crypto::random_nonce();
  r.value_nonce = crypto::random_nonce();
  return r;
}

SecretFile seal_secret(ByteView master_key, const StoreId& store_id, const FileId& file_id,
                       const SecretMetadata& meta, std::string_view name, ByteView value,
                       const SealRandomness& rnd) {
  SecretFile f;
  f.store_id = store_id;
  f.file_id = file_id;
  f.meta = meta;
  const std::string header = secret_header(store_id, file_id, meta);
  f.keys.push_back(KeyWrap{std::string(kMasterHolder),
                           seal_field(master_key, rnd.key_nonce, rnd.data_key.span(), header,
                                      key_field_label(kMasterHolder))});
  f.name = seal_field(rnd.data_key.span(), rnd.name_nonce, as_bytes(name), header, "name");
  f.value = seal_field(rnd.data_key.span(), rnd.value_nonce, value, header, "value");
  return f;
}

void set_key_wraps(SecretFile& f, ByteView data_key, std::vector<HolderKey> holders) {
  std::sort(holders.begin(), holders.end(), [](const HolderKey& a, const HolderKey& b) { return a.holder < b.holder; });
  const std::string header = secret_header(f.store_id, f.file_id, f.meta);
  f.keys.clear();
  for (const auto& h : holders) {
    f.keys.push_back(KeyWrap{h.holder, seal_field(h.key, crypto::random_nonce(), data_key, header,
                                                  key_field_label(h.holder))});
  }
}

Result<secure::SecretBytes> unwrap_data_key(const SecretFile& f, std::string_view holder, ByteView wrapping_key) {
  const std::string header = secret_header(f.store_id, f.file_id, f.meta);
  for (const auto& k : f.keys) {
    if (k.holder == holder) return open_field(k.sealed, wrapping_key, header, key_field_label(holder));
  }
  return Error(Errc::unlock, "the secret has no key for '" + std::string(holder) + "'");
}

Result<std::string> open_secret_name(const SecretFile& f, ByteView data_key) {
  const std::string header = secret_header(f.store_id, f.file_id, f.meta);
  VAULTX_ASSIGN(auto plain, open_field(f.name, data_key, header, "name"));
  std::string name(plain.view());
  if (!validate_secret_name(name).ok()) return Error(Errc::integrity, "the stored name is not a valid secret name");
  return name;
}

Result<secure::SecretBytes> open_secret_value(const SecretFile& f, ByteView data_key) {
  const std::string header = secret_header(f.store_id, f.file_id, f.meta);
  return open_field(f.value, data_key, header, "value");
}

SecretFileOpener::SecretFileOpener()
    : data_key_(crypto::kKeyBytes), scratch_(std::max(kMaxValueBytes, kMaxNameBytes)) {}

Result<std::string> SecretFileOpener::authenticate(const SecretFile& f, std::string_view holder,
                                                   ByteView wrapping_key) {
  const std::string header = secret_header(f.store_id, f.file_id, f.meta);
  const auto wrap = std::find_if(f.keys.begin(), f.keys.end(), [&](const KeyWrap& k) { return k.holder == holder; });
  if (wrap == f.keys.end()) return Error(Errc::unlock, "the secret has no key for '" + std::string(holder) + "'");
  const auto open = [&](const Sealed& s, ByteView key, std::string_view label, std::span<std::uint8_t> out) {
    return s.ciphertext.size() >= crypto::kTagBytes &&
           crypto::aead_open_into(key, s.nonce, s.ciphertext, associated_data(header, label),
                                  out.first(s.ciphertext.size() - crypto::kTagBytes));
  };
  if (!open(wrap->sealed, wrapping_key, key_field_label(holder), data_key_.span())) {
    return Error(Errc::integrity, "authentication of '" + key_field_label(holder) + "' failed");
  }
  if (!open(f.name, data_key_.span(), "name", scratch_.span())) {
    return Error(Errc::integrity, "authentication of 'name' failed");
  }
  std::string name(scratch_.view().substr(0, f.name.ciphertext.size() - crypto::kTagBytes));
  const bool value_ok = open(f.value, data_key_.span(), "value", scratch_.span());
  sodium_memzero(scratch_.data(), f.value.ciphertext.size());
  sodium_memzero(data_key_.data(), data_key_.size());
  if (!value_ok) return Error(Errc::integrity, "authentication of 'value' failed");
  if (!validate_secret_name(name).ok()) return Error(Errc::integrity, "the stored name is not a valid secret name");
  return name;
}

}  // namespace vaultx::format
