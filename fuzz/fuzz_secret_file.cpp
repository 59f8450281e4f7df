// Secret files come from anyone with write access to a shared store (a git
// collaborator). decode_secret_file must turn any bytes into a value or an
// error; whatever it accepts must re-encode to the same bytes (one spelling
// per file); opening it with a key must fail cleanly.
#include <cstdlib>
#include <string_view>

#include <vaultx/format/secret_file.hpp>

namespace {
const std::uint8_t kKey[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                               17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = vaultx::format::decode_secret_file(text);
  if (!file) return 0;
  if (vaultx::format::encode_secret_file(*file) != text) std::abort();
  for (const auto& wrap : file->keys) {
    auto data_key = vaultx::format::unwrap_data_key(*file, wrap.holder, kKey);
    if (!data_key) continue;
    (void)vaultx::format::open_secret_name(*file, data_key->span());
    (void)vaultx::format::open_secret_value(*file, data_key->span());
  }
  return 0;
}
