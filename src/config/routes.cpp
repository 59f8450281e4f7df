#include <vaultx/config/routes.hpp>

#include <algorithm>
#include <charconv>

#include <vaultx/format/names.hpp>

namespace vaultx::config {

namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// RFC 9110 tchar.
bool is_tchar(char c) {
  return is_alnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 3986 pchar without percent-encoding ('%' is allowed with two hex digits, checked apart).
bool is_path_char(char c) {
  return is_alnum(c) || std::string_view("-._~!$&'()*+,;=:@/").find(c) != std::string_view::npos;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

Error bad_url(std::string_view url, const std::string& why) {
  return Error(Errc::usage, "upstream " + format::quote_for_message(url) + " " + why,
               "write upstream = \"https://api.example.com\" or \"https://api.example.com/v1\"");
}

// A DNS name of letters, digits, '-' and '.', labels 1..63, total <= 253.
bool is_valid_host(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.') return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i < host.size(); ++i) {
    const char c = host[i];
    if (c == '.') {
      if (label == 0 || host[i - 1] == '-') return false;
      label = 0;
      continue;
    }
    if (!is_alnum(c) && c != '-') return false;
    if (c == '-' && label == 0) return false;
    if (++label > 63) return false;
  }
  return host.back() != '-';
}

}  // namespace

std::vector<std::string> BrokerRoute::secret_names() const {
  std::vector<std::string> out;
  for (const auto& p : value) {
    if (p.is_secret && std::find(out.begin(), out.end(), p.text) == out.end()) out.push_back(p.text);
  }
  return out;
}

bool is_valid_route_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

bool is_valid_header_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), is_tchar);
}

Result<Upstream> parse_upstream(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() > 2048) return bad_url(url.substr(0, 64), "is longer than 2048 bytes");
  if (url.size() < kScheme.size() || !std::equal(kScheme.begin(), kScheme.end(), url.begin(), [](char a, char b) {
        return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
      })) {
    return bad_url(url, "is not an https:// URL (the broker sends credentials over TLS only)");
  }
  std::string_view rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return bad_url(url, "carries user information");
  if (!authority.empty() && authority.front() == '[') return bad_url(url, "has an IPv6 literal (not supported)");
  Upstream out;
  const auto colon = authority.find(':');
  std::string_view host = authority.substr(0, colon);
  if (colon != std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || port.size() > 5 || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
        value > 65535 || port.front() == '0') {
      return bad_url(url, "has an invalid port");
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  if (!is_valid_host(host)) return bad_url(url, "has an invalid host name");
  out.host.reserve(host.size());
  for (char c : host) out.host += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '%') {
      if (i + 2 >= path.size() || !is_hex(path[i + 1]) || !is_hex(path[i + 2])) {
        return bad_url(url, "has a '%' not followed by two hex digits");
      }
      continue;
    }
    if (c == '?' || c == '#') return bad_url(url, "has a query or fragment (give a path prefix only)");
    if (!is_path_char(c)) return bad_url(url, "has a character not allowed in a URL path");
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  // "/v1/../admin" would escape the prefix on some servers.
  const std::string closed = std::string(path) + "/";
  for (std::string_view seg : {std::string_view("/./"), std::string_view("/../"), std::string_view("//")}) {
    if (closed.find(seg) != std::string::npos) return bad_url(url, "has an empty, '.' or '..' path segment");
  }
  out.prefix = std::string(path);
  return out;
}

Result<std::vector<TemplatePart>> parse_inject_template(std::string_view text) {
  const std::string hint = "write value = \"Bearer {openai/api-key}\": text, and secret names in braces";
  if (text.size() > 1024) return Error(Errc::usage, "the value template is longer than 1024 bytes", hint);
  std::vector<TemplatePart> parts;
  std::string literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '}') return Error(Errc::usage, "the value template has a '}' without its '{'", hint);
    if (c != '{') {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x7f) {
        return Error(Errc::usage, "the value template has a control character (not allowed in an HTTP field)", hint);
      }
      literal += c;
      continue;
    }
    const auto close = text.find('}', i + 1);
    if (close == std::string_view::npos) return Error(Errc::usage, "the value template has a '{' without its '}'", hint);
    const std::string_view name = text.substr(i + 1, close - i - 1);
    if (const Status valid = format::validate_secret_name(name); !valid) {
      return Error(Errc::usage, "the value template refers to " + format::quote_for_message(name) + ": " +
                                    valid.error().message, hint);
    }
    if (!literal.empty()) parts.push_back({false, std::move(literal)});
    literal.clear();
    parts.push_back({true, std::string(name)});
    i = close;
  }
  if (!literal.empty()) parts.push_back({false, std::move(literal)});
  if (std::none_of(parts.begin(), parts.end(), [](const TemplatePart& p) { return p.is_secret; })) {
    return Error(Errc::usage, "the value template refers to no secret", hint);
  }
  return parts;
}

Result<RouteRate> parse_route_rate(std::string_view text) {
  const std::string hint = "write rate = \"120/min\" (a whole number per sec, min or hour)";
  const auto bad = [&] { return Error(Errc::usage, "rate " + format::quote_for_message(text) + " is not a rate", hint); };
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash > 9) return bad();
  const std::string_view count = text.substr(0, slash);
  const std::string_view unit = text.substr(slash + 1);
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
  if (ec != std::errc() || end != count.data() + count.size() || n == 0 || count.front() == '0') return bad();
  RouteRate rate{n, 0};
  if (unit == "s" || unit == "sec" || unit == "second") {
    rate.period_seconds = 1;
  } else if (unit == "m" || unit == "min" || unit == "minute") {
    rate.period_seconds = 60;
  } else if (unit == "h" || unit == "hour") {
    rate.period_seconds = 3600;
  } else {
    return bad();
  }
  return rate;
}

}  // namespace vaultx::config
