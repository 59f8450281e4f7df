#include <vaultx/config/glob.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <vaultx/format/names.hpp>

#include "glob_segments.hpp"

namespace vaultx::config {

namespace {
constexpr std::string_view kDoubleStar = "**";
}  // namespace

std::vector<std::string_view> split_segments(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = text.find('/', start);
    if (slash == std::string_view::npos) {
      out.push_back(text.substr(start));
      return out;
    }
    out.push_back(text.substr(start, slash - start));
    start = slash + 1;
  }
}

std::vector<std::string_view> split_pattern(std::string_view pattern) {
  std::vector<std::string_view> out = split_segments(pattern);
  // "**/**" means what "**" means (zero or more segments, or one or more at
  // the end), so runs collapse; this bounds the work for hostile patterns.
  const auto runs = [](std::string_view a, std::string_view b) { return a == kDoubleStar && b == kDoubleStar; };
  out.erase(std::unique(out.begin(), out.end(), runs), out.end());
  return out;
}

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

Error bad_pattern(std::string_view pattern, const std::string& why) {
  return Error(Errc::usage, "invalid pattern " + format::quote_for_message(pattern) + ": " + why,
               "a pattern is a secret name whose segments may use '*' (within a segment) or be '**' "
               "(any number of segments), e.g. 'aws/*' or 'team/**'");
}

// One segment against a segment pattern where '*' matches any run of
// characters. Greedy with a single backtrack point: when a later '*' is met,
// earlier ones never need to give back more, so this is O(|p| * |s|).
bool segment_match(std::string_view p, std::string_view s) {
  std::size_t pi = 0;
  std::size_t si = 0;
  std::size_t star = std::string_view::npos;  // position after the last '*' seen
  std::size_t star_s = 0;                     // where that '*' started matching in s
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = ++pi;
      star_s = si;
    } else if (pi < p.size() && p[pi] == s[si]) {
      ++pi;
      ++si;
    } else if (star != std::string_view::npos) {
      pi = star;
      si = ++star_s;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace

bool is_glob(std::string_view pattern) { return pattern.find('*') != std::string_view::npos; }

Status validate_pattern(std::string_view pattern) {
  if (!is_glob(pattern)) return format::validate_secret_name(pattern);
  if (pattern.size() > format::kMaxNameBytes) {
    return bad_pattern(pattern.substr(0, 40),
                       "it is " + std::to_string(pattern.size()) + " bytes long, the limit is 255");
  }
  for (std::string_view seg : split_segments(pattern)) {
    if (seg.empty()) return bad_pattern(pattern, "it has an empty segment (a leading, trailing or double '/')");
    if (seg == "." || seg == "..") return bad_pattern(pattern, "it has a '.' or '..' segment");
    if (seg == kDoubleStar) continue;
    if (seg.find(kDoubleStar) != std::string_view::npos) {
      return bad_pattern(pattern, "'**' must be a whole segment (write 'a/**', not 'a**'; '*' stays within a segment)");
    }
    for (char c : seg) {
      if (c != '*' && !is_name_char(c)) {
        return bad_pattern(pattern, "it contains a character outside A-Z a-z 0-9 . _ - * /");
      }
    }
  }
  return {};
}

bool glob_match(std::string_view pattern, std::string_view name) {
  GlobScratch scratch;
  return glob_match_segments(split_pattern(pattern), split_segments(name), scratch);
}

bool glob_match_segments(const std::vector<std::string_view>& pat, const std::vector<std::string_view>& seg,
                         GlobScratch& scratch) {
  const std::size_t np = pat.size();
  const std::size_t ns = seg.size();
  // Cheap exits first. Each segment other than '**' takes exactly one name
  // segment and a trailing '**' at least one, so the name needs at least
  // that many (exactly that many without '**'). With runs of '**'
  // collapsed, this also bounds the table below to O(ns * ns) cells.
  const auto double_stars = static_cast<std::size_t>(std::count(pat.begin(), pat.end(), kDoubleStar));
  const bool trailing = pat.back() == kDoubleStar;
  const std::size_t least = np - double_stars + (trailing ? 1 : 0);
  if (double_stars == 0 ? ns != np : ns < least) return false;
  if (!trailing && !segment_match(pat.back(), seg.back())) return false;
  // row i holds "pat[i..] matches seg[j..]" for every j; computed from the
  // last pattern segment back, so each (i, j) is decided once and
  // consecutive '**' cost no more than one (no exponential backtracking).
  std::vector<char>& next = scratch.next;
  std::vector<char>& row = scratch.row;
  next.assign(ns + 1, 0);
  next[ns] = 1;
  for (std::size_t i = np; i-- > 0;) {
    row.assign(ns + 1, 0);
    const bool double_star = pat[i] == kDoubleStar;
    const bool last = i + 1 == np;
    for (std::size_t j = ns + 1; j-- > 0;) {
      bool m = false;
      if (double_star && last) {
        // A trailing "**" takes one or more segments: "a/**" is what is
        // below a, not a itself (as in .gitignore).
        m = j < ns;
      } else if (double_star) {
        m = next[j] != 0 || (j < ns && row[j + 1] != 0);
      } else {
        m = j < ns && next[j + 1] != 0 && segment_match(pat[i], seg[j]);
      }
      row[j] = m ? 1 : 0;
    }
    std::swap(row, next);
  }
  return next[0] != 0;
}

}  // namespace vaultx::config
