#include <vaultx/config/glob.hpp>

#include <string>
#include <vector>

#include <vaultx/format/names.hpp>

namespace vaultx::config {

namespace {

constexpr std::string_view kDoubleStar = "**";

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
  const std::vector<std::string_view> pat = split_segments(pattern);
  const std::vector<std::string_view> seg = split_segments(name);
  const std::size_t np = pat.size();
  const std::size_t ns = seg.size();
  // tail[i][j]: pat[i..] matches seg[j..]; filled from the end so that
  // consecutive '**' cost no more than one (no exponential backtracking).
  std::vector<std::vector<char>> tail(np + 1, std::vector<char>(ns + 1, 0));
  tail[np][ns] = 1;
  for (std::size_t i = np; i-- > 0;) {
    const bool double_star = pat[i] == kDoubleStar;
    const bool last = i + 1 == np;
    for (std::size_t j = ns + 1; j-- > 0;) {
      bool m = false;
      if (double_star && last) {
        // A trailing "**" takes one or more segments: "a/**" is what is
        // below a, not a itself (as in .gitignore).
        m = j < ns;
      } else if (double_star) {
        m = tail[i + 1][j] != 0 || (j < ns && tail[i][j + 1] != 0);
      } else {
        m = j < ns && tail[i + 1][j + 1] != 0 && segment_match(pat[i], seg[j]);
      }
      tail[i][j] = m ? 1 : 0;
    }
  }
  return tail[0][0] != 0;
}

}  // namespace vaultx::config
