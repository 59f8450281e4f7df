#include <vaultx/format/timestamp.hpp>

#include <chrono>
#include <cstdio>

namespace vaultx::format {

namespace {
using namespace std::chrono;

constexpr UnixSeconds kSecondsPerDay = 86400;

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

struct Civil {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

std::optional<UnixSeconds> to_unix(const Civil& c) {
  if (c.year < 1970 || c.year > 9999 || c.hour > 23 || c.minute > 59 || c.second > 59) return std::nullopt;
  const year_month_day ymd{year{c.year}, month{static_cast<unsigned>(c.month)},
                           day{static_cast<unsigned>(c.day)}};
  if (!ymd.ok()) return std::nullopt;
  const UnixSeconds days = sys_days{ymd}.time_since_epoch().count();
  return days * kSecondsPerDay + c.hour * 3600 + c.minute * 60 + c.second;
}

// "YYYY-MM-DD" at the start of s.
bool parse_date(std::string_view s, Civil& c) {
  return s.size() >= 10 && digits(s, 0, 4, c.year) && s[4] == '-' && digits(s, 5, 2, c.month) &&
         s[7] == '-' && digits(s, 8, 2, c.day);
}

// "HH:MM:SS" at pos.
bool parse_clock(std::string_view s, std::size_t pos, Civil& c) {
  return digits(s, pos, 2, c.hour) && pos + 2 < s.size() && s[pos + 2] == ':' &&
         digits(s, pos + 3, 2, c.minute) && pos + 5 < s.size() && s[pos + 5] == ':' &&
         digits(s, pos + 6, 2, c.second);
}
}  // namespace

std::string format_rfc3339(UnixSeconds t) {
  const UnixSeconds days = t >= 0 ? t / kSecondsPerDay : (t - kSecondsPerDay + 1) / kSecondsPerDay;
  const UnixSeconds rem = t - days * kSecondsPerDay;
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return buf;
}

std::optional<UnixSeconds> parse_rfc3339_strict(std::string_view s) {
  Civil c;
  if (s.size() != 20 || !parse_date(s, c) || s[10] != 'T' || !parse_clock(s, 11, c) || s[19] != 'Z') {
    return std::nullopt;
  }
  return to_unix(c);
}

std::optional<UnixSeconds> parse_user_time(std::string_view s) {
  Civil c;
  if (!parse_date(s, c)) return std::nullopt;
  if (s.size() == 10) return to_unix(c);
  if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !parse_clock(s, 11, c)) return std::nullopt;
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {  // fraction: at least one digit, ignored
    std::size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  if (pos >= s.size()) return std::nullopt;  // RFC 3339 requires a zone
  int offset_seconds = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
        oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_seconds = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  auto local = to_unix(c);
  if (!local) return std::nullopt;
  const UnixSeconds utc = *local - offset_seconds;
  if (utc < 0) return std::nullopt;
  return utc;
}

UnixSeconds now_utc() {
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_age(std::int64_t s) {
  if (s < 0) s = 0;
  if (s >= kSecondsPerDay) return std::to_string(s / kSecondsPerDay) + "d";
  if (s >= 3600) return std::to_string(s / 3600) + "h";
  if (s >= 60) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

}  // namespace vaultx::format
