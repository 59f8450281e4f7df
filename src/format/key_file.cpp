#include <vaultx/format/key_file.hpp>

#include <algorithm>
#include <cstdio>

#include <sodium.h>

#include <vaultx/format/encoding.hpp>
#include <vaultx/format/units.hpp>

namespace vaultx::format {

namespace {
constexpr std::string_view kWrappedKeyField = "wrapped-key";
constexpr std::string_view kIndexKeyField = "index-key";
constexpr std::string_view kEndorsementField = "endorsement";
constexpr std::string_view kScopeIdContext{"vaultx scope id v1\0", 19};
constexpr std::size_t kScopeEntryBytes = kIdBytes + crypto::kKeyBytes;

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

}  // namespace

std::string kdf_text(const crypto::KdfParams& p) {
  return "argon2id v=19 m=" + std::to_string(p.memory_kib) + " t=" + std::to_string(p.time) +
         " p=" + std::to_string(p.parallelism);
}

Result<crypto::KdfParams> read_kdf_field(FieldReader& r) {
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

namespace {

Result<secure::SecretBytes> open_sealed_field(const Sealed& s, ByteView key, std::string_view prefix,
                                              std::string_view label) {
  auto plain = crypto::aead_open(key, s.nonce, s.ciphertext, associated_data(prefix, label));
  if (!plain) return Error(Errc::unlock, "'" + std::string(label) + "' could not be opened");
  return std::move(*plain);
}

// "a,b,c": sorted, unique, valid scope names, 1 to kMaxScopesPerRecipient.
std::optional<std::vector<std::string>> parse_scope_list(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    const auto comma = text.find(',');
    const std::string_view name = text.substr(0, comma);
    if (!is_valid_scope_name(name) || (!out.empty() && name <= out.back())) return std::nullopt;
    out.emplace_back(name);
    if (out.size() > kMaxScopesPerRecipient) return std::nullopt;
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::string scope_list_text(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::size_t bundle_bytes(std::size_t scopes) { return crypto::kKeyBytes + scopes * kScopeEntryBytes; }
}  // namespace

bool is_valid_scope_name(std::string_view name) {
  return !name.empty() && name.size() <= 255 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

std::string_view recipient_type_name(RecipientType type) {
  switch (type) {
    case RecipientType::passphrase: return "passphrase";
    case RecipientType::x25519: return "x25519";
    case RecipientType::x25519_scoped: return "x25519-scoped";
  }
  return "passphrase";
}

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
  w.field("type", recipient_type_name(f.type));
  if (f.type == RecipientType::passphrase) {
    w.field("kdf", kdf_text(f.kdf));
    w.field("salt", base64_encode(f.salt));
  } else {
    w.field("public-key", base64_encode(f.public_key));
    if (f.type == RecipientType::x25519_scoped) w.field("scopes", scope_list_text(f.scopes));
    w.field("sealed-key", base64_encode(f.sealed_kek));
  }
  return w.take();
}

std::string key_file_body(const KeyFile& f) {
  FieldWriter w;
  w.append(key_file_header(f));
  w.sealed(kWrappedKeyField, f.wrapped_key);
  return w.take();
}

std::string encode_key_file(const KeyFile& f) {
  FieldWriter w;
  w.append(key_file_body(f));
  if (f.endorsement) w.field(kEndorsementField, base64_encode(*f.endorsement));
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
    VAULTX_ASSIGN(f.kdf, read_kdf_field(r));
    VAULTX_ASSIGN(auto salt, r.expect_base64("salt", crypto::kSaltBytes, crypto::kSaltBytes));
    std::copy(salt.begin(), salt.end(), f.salt.begin());
  } else if (type == "x25519" || type == "x25519-scoped") {
    f.type = type == "x25519" ? RecipientType::x25519 : RecipientType::x25519_scoped;
    VAULTX_ASSIGN(auto pk, r.expect_base64("public-key", crypto::kPublicKeyBytes, crypto::kPublicKeyBytes));
    std::copy(pk.begin(), pk.end(), f.public_key.begin());
    if (f.type == RecipientType::x25519_scoped) {
      VAULTX_ASSIGN(auto list, r.expect("scopes"));
      auto scopes = parse_scope_list(list);
      if (!scopes) {
        return r.error("field 'scopes' is not 1 to 16 valid scope names, sorted, unique and separated by ','");
      }
      f.scopes = std::move(*scopes);
    }
    constexpr std::size_t sealed_len = crypto::kKeyBytes + crypto::kSealOverheadBytes;
    VAULTX_ASSIGN(f.sealed_kek, r.expect_base64("sealed-key", sealed_len, sealed_len));
  } else {
    return r.error("field 'type' must be 'passphrase', 'x25519' or 'x25519-scoped'");
  }
  const std::size_t wrapped = f.type == RecipientType::x25519_scoped ? bundle_bytes(f.scopes.size()) : crypto::kKeyBytes;
  VAULTX_ASSIGN(f.wrapped_key, r.expect_sealed(kWrappedKeyField, wrapped, wrapped));
  if (!r.at_end()) {
    VAULTX_ASSIGN(auto e, r.expect_base64(kEndorsementField, kEndorsementBytes, kEndorsementBytes));
    f.endorsement.emplace();
    std::copy(e.begin(), e.end(), f.endorsement->begin());
  }
  VAULTX_TRY(r.expect_end());
  return f;
}

void wrap_master_key(KeyFile& f, ByteView kek, ByteView master_key, const crypto::Nonce& nonce) {
  const std::string prefix = key_file_header(f);
  f.wrapped_key = Sealed{nonce, crypto::aead_seal(kek, nonce, master_key, associated_data(prefix, kWrappedKeyField))};
}

Result<secure::SecretBytes> unwrap_master_key(const KeyFile& f, ByteView kek) {
  if (f.type == RecipientType::x25519_scoped) {
    return Error(Errc::unlock, "a scoped recipient's key file holds no master key");
  }
  return open_sealed_field(f.wrapped_key, kek, key_file_header(f), kWrappedKeyField);
}

void wrap_scope_bundle(KeyFile& f, ByteView kek, const ScopeBundle& bundle, const crypto::Nonce& nonce) {
  secure::SecretBytes plain(bundle_bytes(bundle.scopes.size()));
  auto out = plain.span();
  std::copy(bundle.index_key.span().begin(), bundle.index_key.span().end(), out.begin());
  std::size_t at = crypto::kKeyBytes;
  for (const auto& s : bundle.scopes) {
    std::copy(s.id.begin(), s.id.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
    std::copy(s.key.span().begin(), s.key.span().end(), out.begin() + static_cast<std::ptrdiff_t>(at + kIdBytes));
    at += kScopeEntryBytes;
  }
  f.wrapped_key = Sealed{nonce, crypto::aead_seal(kek, nonce, plain.span(),
                                                  associated_data(key_file_header(f), kWrappedKeyField))};
}

Result<ScopeBundle> unwrap_scope_bundle(const KeyFile& f, ByteView kek) {
  if (f.type != RecipientType::x25519_scoped) return Error(Errc::unlock, "not a scoped recipient's key file");
  VAULTX_ASSIGN(auto plain, open_sealed_field(f.wrapped_key, kek, key_file_header(f), kWrappedKeyField));
  if (plain.size() != bundle_bytes(f.scopes.size())) {
    return Error(Errc::integrity, "the scope bundle does not have one key per scope of the file");
  }
  const auto in = plain.span();
  ScopeBundle bundle;
  bundle.index_key = secure::SecretBytes::copy_of(in.first(crypto::kKeyBytes));
  for (std::size_t i = 0; i < f.scopes.size(); ++i) {
    const auto entry = in.subspan(crypto::kKeyBytes + i * kScopeEntryBytes, kScopeEntryBytes);
    ScopeKey key;
    std::copy(entry.begin(), entry.begin() + kIdBytes, key.id.begin());
    key.key = secure::SecretBytes::copy_of(entry.subspan(kIdBytes));
    bundle.scopes.push_back(std::move(key));
  }
  return bundle;
}

Endorsement compute_endorsement(ByteView recipients_key, const KeyFile& f) {
  Endorsement e{};
  crypto::keyed_hash_into(recipients_key, as_bytes(key_file_body(f)), e);
  return e;
}

void endorse(KeyFile& f, ByteView recipients_key) { f.endorsement = compute_endorsement(recipients_key, f); }

bool endorsement_valid(const KeyFile& f, ByteView recipients_key) {
  if (!f.endorsement) return false;
  const Endorsement expected = compute_endorsement(recipients_key, f);
  return sodium_memcmp(expected.data(), f.endorsement->data(), expected.size()) == 0;
}

ScopeId scope_id_for(ByteView index_key, std::string_view scope_name) {
  std::string message(kScopeIdContext);
  message += scope_name;
  const Bytes h = crypto::keyed_hash(index_key, as_bytes(message), kIdBytes);
  ScopeId id{};
  std::copy(h.begin(), h.end(), id.begin());
  return id;
}

std::string scope_holder(const ScopeId& id) { return "scope:" + hex_encode(id); }

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
