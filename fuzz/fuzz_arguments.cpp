// Command-line arguments with a grammar: durations (--max-age 90d), sizes
// (--kdf-memory 64M), dates (--expires, --since) and secret names. None may
// crash, overflow or accept something that does not round-trip.
#include <cstdlib>
#include <string_view>

#include <vaultx/format/names.hpp>
#include <vaultx/format/timestamp.hpp>
#include <vaultx/format/units.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)vaultx::format::parse_size_kib(text);
  if (auto d = vaultx::format::parse_duration(text); d && *d < 0) std::abort();
  if (auto n = vaultx::format::parse_decimal(text); n && std::to_string(*n) != text) std::abort();
  if (auto t = vaultx::format::parse_rfc3339_strict(text); t && vaultx::format::format_rfc3339(*t) != text) {
    std::abort();
  }
  if (auto t = vaultx::format::parse_user_time(text); t && *t < 0) std::abort();
  if (vaultx::format::validate_secret_name(text).ok()) {
    if (text.empty() || text.size() > vaultx::format::kMaxNameBytes || text.find("//") != std::string_view::npos) {
      std::abort();
    }
  }
  (void)vaultx::format::quote_for_message(text);
  return 0;
}
