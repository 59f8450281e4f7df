// Recipient key files and the store header: untrusted bytes from a shared
// store. Accepted input must re-encode byte for byte; KDF parameters outside
// the floor/ceiling must never be accepted (Argon2id would run on them).
#include <cstdlib>
#include <string_view>

#include <vaultx/format/key_file.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto key = vaultx::format::decode_key_file(text)) {
    if (vaultx::format::encode_key_file(*key) != text) std::abort();
    if (key->type == vaultx::format::RecipientType::passphrase &&
        vaultx::crypto::check_kdf_bounds(key->kdf) != vaultx::crypto::KdfBound::ok) {
      std::abort();
    }
    const std::uint8_t kek[32] = {};
    (void)vaultx::format::unwrap_master_key(*key, kek);
  }
  if (auto header = vaultx::format::decode_store_header(text)) {
    if (vaultx::format::encode_store_header(*header) != text) std::abort();
    const std::uint8_t mk[32] = {};
    (void)vaultx::format::open_index_key(*header, mk);
  }
  return 0;
}
