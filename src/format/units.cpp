#include <vaultx/format/units.hpp>

#include <limits>

namespace vaultx::format {

std::optional<std::uint64_t> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return v;
}

std::optional<std::uint32_t> parse_size_kib(std::string_view s) {
  std::uint64_t multiplier = 1;
  if (!s.empty()) {
    switch (s.back()) {
      case 'K': case 'k': multiplier = 1; s.remove_suffix(1); break;
      case 'M': case 'm': multiplier = 1024; s.remove_suffix(1); break;
      case 'G': case 'g': multiplier = 1024 * 1024; s.remove_suffix(1); break;
      default: break;
    }
  }
  const auto n = parse_decimal(s);
  if (!n || *n > std::numeric_limits<std::uint32_t>::max() / multiplier) return std::nullopt;
  return static_cast<std::uint32_t>(*n * multiplier);
}

std::optional<std::int64_t> parse_duration(std::string_view s) {
  if (s.size() < 2) return std::nullopt;
  std::int64_t unit = 0;
  switch (s.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return std::nullopt;
  }
  s.remove_suffix(1);
  const auto n = parse_decimal(s);
  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!n || *n > max / static_cast<std::uint64_t>(unit)) return std::nullopt;
  return static_cast<std::int64_t>(*n) * unit;
}

}  // namespace vaultx::format
