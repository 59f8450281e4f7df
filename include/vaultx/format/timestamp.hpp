// Times are whole seconds since the Unix epoch, written as RFC 3339 UTC
// ("2027-01-31T12:00:00Z") on disk and in machine-readable output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vaultx::format {

using UnixSeconds = std::int64_t;

// Years 1970..9999 only; nothing vaultx writes falls outside.
std::string format_rfc3339(UnixSeconds t);
// The on-disk form, exactly "YYYY-MM-DDTHH:MM:SSZ". Anything else is nullopt.
std::optional<UnixSeconds> parse_rfc3339_strict(std::string_view text);
// What users type (--expires, --since): a date "2027-01-31" (midnight UTC),
// or a date-time with 'T' or ' ', optional fraction (dropped), and 'Z' or an
// offset "+02:00".
std::optional<UnixSeconds> parse_user_time(std::string_view text);

UnixSeconds now_utc();

// "3d", "5h", "12m", "40s": the largest unit that keeps it short, for tables.
std::string format_age(std::int64_t seconds);

}  // namespace vaultx::format
