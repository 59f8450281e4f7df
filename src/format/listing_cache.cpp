#include <vaultx/format/listing_cache.hpp>

#include <algorithm>
#include <limits>

#include <vaultx/format/encoding.hpp>
#include <vaultx/format/names.hpp>
#include <vaultx/format/units.hpp>

namespace vaultx::format {

namespace {
constexpr std::string_view kListingMagic = "vaultx-listing 1";
// 100,000 names of the maximum length, with their stamps.
constexpr std::size_t kMaxPlaintextBytes = 64 * 1024 * 1024;

// Splits `value` on single spaces into exactly `n` words (the last may not
// contain a space either: names never do).
std::optional<std::vector<std::string_view>> split_words(std::string_view value, std::size_t n) {
  std::vector<std::string_view> words;
  words.reserve(n);
  std::size_t start = 0;
  while (words.size() + 1 < n) {
    const auto space = value.find(' ', start);
    if (space == std::string_view::npos) return std::nullopt;
    words.push_back(value.substr(start, space - start));
    start = space + 1;
  }
  const auto last = value.substr(start);
  if (last.find(' ') != std::string_view::npos) return std::nullopt;
  words.push_back(last);
  return words;
}

std::optional<std::int64_t> parse_signed(std::string_view s) {
  const bool negative = s.starts_with('-');
  if (negative) s.remove_prefix(1);
  const auto magnitude = parse_decimal(s);
  if (!magnitude || *magnitude > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return std::nullopt;
  }
  if (negative && *magnitude == 0) return std::nullopt;  // one spelling of zero
  const auto v = static_cast<std::int64_t>(*magnitude);
  return negative ? -v : v;
}

std::string stamp_words(const FileStamp& s) {
  return std::to_string(s.inode) + " " + std::to_string(s.mtime_ns) + " " + std::to_string(s.ctime_ns);
}

std::optional<FileStamp> parse_stamp(std::string_view inode, std::string_view mtime, std::string_view ctime) {
  const auto i = parse_decimal(inode);
  const auto m = parse_signed(mtime);
  const auto c = parse_signed(ctime);
  if (!i || !m || !c) return std::nullopt;
  return FileStamp{*i, 0, *m, *c};
}

Result<std::optional<FileStamp>> parse_directory(FieldReader& r) {
  VAULTX_ASSIGN(auto value, r.expect("dir"));
  if (value == "-") return std::optional<FileStamp>{};
  const auto words = split_words(value, 3);
  const auto stamp = words ? parse_stamp((*words)[0], (*words)[1], (*words)[2]) : std::nullopt;
  if (!stamp) return r.error("'dir' is not '-' or an inode, an mtime and a ctime");
  return std::optional<FileStamp>{*stamp};
}

std::optional<SecretMetadata> parse_metadata(std::string_view version, std::string_view created,
                                             std::string_view rotated, std::string_view expires) {
  const auto v = parse_decimal(version);
  const auto c = parse_signed(created);
  const auto r = parse_signed(rotated);
  if (!v || *v == 0 || !c || !r) return std::nullopt;
  SecretMetadata meta{*v, *c, *r, std::nullopt};
  if (expires != "-") {
    const auto e = parse_signed(expires);
    if (!e) return std::nullopt;
    meta.expires = *e;
  }
  return meta;
}

Result<ListedFile> parse_file(FieldReader& r) {
  VAULTX_ASSIGN(auto value, r.expect("file"));
  const auto w = split_words(value, 10);
  if (!w) return r.error("a 'file' line needs 10 words");
  ListedFile f;
  const auto id = hex_decode((*w)[0]);
  if (!id || id->size() != kIdBytes) return r.error("file id is not 32 hex digits");
  std::copy(id->begin(), id->end(), f.id.begin());
  const auto stamp = parse_stamp((*w)[1], (*w)[3], (*w)[4]);
  const auto size = parse_decimal((*w)[2]);
  if (!stamp || !size) return r.error("file stamp is not an inode, a size, an mtime and a ctime");
  f.stamp = *stamp;
  f.stamp.size = *size;
  const auto meta = parse_metadata((*w)[5], (*w)[6], (*w)[7], (*w)[8]);
  if (!meta) return r.error("file metadata is not a version, two times and an expiry or '-'");
  f.meta = *meta;
  if (!validate_secret_name((*w)[9])) return r.error("file name is not a valid secret name");
  f.name = std::string((*w)[9]);
  return f;
}

Bytes listing_associated_data(std::string_view covered_prefix) { return associated_data(covered_prefix, "sealed"); }

std::string listing_header(const StoreId& store_id) {
  FieldWriter w(kListingMagic);
  w.id("store", store_id);
  return w.take();
}
}  // namespace

const ListedFile* ListingCache::find(const FileId& id) const {
  const auto it = std::lower_bound(files.begin(), files.end(), id,
                                   [](const ListedFile& f, const FileId& key) { return f.id < key; });
  return it != files.end() && it->id == id ? &*it : nullptr;
}

std::string encode_listing_plaintext(const ListingCache& cache) {
  FieldWriter w(kListingMagic);
  w.field("dir", cache.directory ? stamp_words(*cache.directory) : "-");
  for (const auto& f : cache.files) {
    const auto& m = f.meta;
    w.field("file", hex_encode(f.id) + " " + std::to_string(f.stamp.inode) + " " + std::to_string(f.stamp.size) +
                        " " + std::to_string(f.stamp.mtime_ns) + " " + std::to_string(f.stamp.ctime_ns) + " " +
                        std::to_string(m.version) + " " + std::to_string(m.created) + " " +
                        std::to_string(m.rotated) + " " + (m.expires ? std::to_string(*m.expires) : "-") + " " +
                        f.name);
  }
  return w.take();
}

Result<ListingCache> decode_listing_plaintext(std::string_view text) {
  FieldReader r(text);
  VAULTX_TRY(r.expect_line(kListingMagic));
  ListingCache cache;
  VAULTX_ASSIGN(cache.directory, parse_directory(r));
  cache.files.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
  while (r.next_is("file")) {
    VAULTX_ASSIGN(auto file, parse_file(r));
    if (!cache.files.empty() && !(cache.files.back().id < file.id)) return r.error("files out of order or repeated");
    cache.files.push_back(std::move(file));
  }
  VAULTX_TRY(r.expect_end());
  return cache;
}

std::string seal_listing_cache(ByteView key, const StoreId& store_id, const ListingCache& cache,
                               const crypto::Nonce& nonce) {
  std::string out = listing_header(store_id);
  const std::string plaintext = encode_listing_plaintext(cache);
  const Bytes ciphertext = crypto::aead_seal(key, nonce, as_bytes(plaintext), listing_associated_data(out));
  out += "sealed " + std::to_string(nonce.size() + ciphertext.size()) + "\n";
  out.append(as_text(nonce));
  out.append(as_text(ciphertext));
  return out;
}

Result<ListingCache> open_listing_cache(ByteView key, const StoreId& store_id, std::string_view file) {
  FieldReader r(file);
  VAULTX_TRY(r.expect_line(kListingMagic));
  VAULTX_ASSIGN(auto id, r.expect_id("store"));
  if (id != store_id) return Error(Errc::integrity, "the listing cache belongs to another store");
  const auto ad = listing_associated_data(r.consumed());
  VAULTX_ASSIGN(auto length_text, r.expect("sealed"));
  const auto length = parse_decimal(length_text);
  const std::string_view payload = file.substr(r.consumed().size());
  constexpr std::size_t overhead = crypto::kNonceBytes + crypto::kTagBytes;
  if (!length || *length != payload.size() || *length < overhead || *length > kMaxPlaintextBytes + overhead) {
    return r.error("'sealed' does not give the length of the bytes after it");
  }
  const ByteView raw = as_bytes(payload);
  std::string plaintext(raw.size() - overhead, '\0');
  if (!crypto::aead_open_into(key, raw.first(crypto::kNonceBytes), raw.subspan(crypto::kNonceBytes), ad,
                              {reinterpret_cast<std::uint8_t*>(plaintext.data()), plaintext.size()})) {
    return Error(Errc::integrity, "the listing cache does not authenticate");
  }
  return decode_listing_plaintext(plaintext);
}

}  // namespace vaultx::format
