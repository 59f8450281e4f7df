// The parts of the broker that need no network: placeholders, templates and
// request targets. Kept apart from server.cpp (Boost.Beast) so that they
// compile fast and are tested alone.
#include <vaultx/broker/broker.hpp>

#include <sodium.h>

#include <algorithm>
#include <array>

namespace vaultx::broker {

namespace {

constexpr std::string_view kPlaceholderPrefix = "vxph_";
constexpr std::size_t kPlaceholderRandomChars = 32;

bool is_dot_segment(std::string_view segment) {
  // '.' and '..', also written %2e or %2E.
  std::string plain;
  for (std::size_t i = 0; i < segment.size() && plain.size() <= 2; ++i) {
    if (segment[i] == '%' && i + 2 < segment.size() + 1 && segment.size() - i >= 3 && segment[i + 1] == '2' &&
        (segment[i + 2] == 'e' || segment[i + 2] == 'E')) {
      plain += '.';
      i += 2;
    } else {
      plain += segment[i];
    }
  }
  return plain == "." || plain == "..";
}

}  // namespace

secure::SecretBytes make_placeholder() {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  secure::SecretBytes out = secure::SecretBytes::copy_of(kPlaceholderPrefix);
  for (std::size_t i = 0; i < kPlaceholderRandomChars; ++i) {
    // randombytes_uniform: no modulo bias.
    const auto c = static_cast<std::uint8_t>(kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))]);
    out.append(std::span<const std::uint8_t>(&c, 1));
  }
  return out;
}

Result<secure::SecretBytes> render_value(const std::vector<config::TemplatePart>& parts,
                                         const std::function<const secure::SecretBytes*(std::string_view)>& lookup) {
  secure::SecretBytes out(0);
  for (const auto& part : parts) {
    if (!part.is_secret) {
      out.append(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(part.text.data()),  // NOLINT
                                               part.text.size()));
      continue;
    }
    const secure::SecretBytes* value = lookup(part.text);
    if (value == nullptr) return Error(Errc::not_found, "the secret " + part.text + " is not available to the route");
    out.append(value->span());
  }
  return out;
}

std::optional<Target> split_target(std::string_view target) {
  if (target.size() < 2 || target.front() != '/') return std::nullopt;
  const auto query = target.find('?');
  const std::string_view path = target.substr(0, query);
  const auto end = path.find('/', 1);
  Target out;
  out.route = std::string(path.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
  if (!config::is_valid_route_name(out.route)) return std::nullopt;
  out.rest = std::string(target.substr(1 + out.route.size()));
  // Every segment after the route: no dot segments, which an upstream could
  // resolve to a path outside the route's prefix.
  std::string_view rest_path = path.substr(1 + out.route.size());
  while (!rest_path.empty()) {
    rest_path.remove_prefix(1);  // the '/'
    const auto next = rest_path.find('/');
    if (is_dot_segment(rest_path.substr(0, next))) return std::nullopt;
    if (next == std::string_view::npos) break;
    rest_path.remove_prefix(next);
  }
  return out;
}

bool carries_placeholder(std::string_view header, const secure::SecretBytes& placeholder) {
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t')) header.remove_suffix(1);
  const auto space = header.find_last_of(" \t");
  const std::string_view word = space == std::string_view::npos ? header : header.substr(space + 1);
  if (word.size() != placeholder.size()) return false;
  return sodium_memcmp(word.data(), placeholder.data(), word.size()) == 0;
}

}  // namespace vaultx::broker
