// [broker.routes.NAME] of vaultx.toml: where `vaultx exec --broker` may send a
// scope's credential, and how it is put into the request. Pure checks over
// untrusted text, used by the config parser (parse.cpp) and the unit tests;
// docs/broker.md describes the keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vaultx/error.hpp>

namespace vaultx::config {

// An https upstream: "https://HOST[:PORT][/PREFIX]". The prefix has no
// trailing '/', no query and no fragment; "" for the root.
struct Upstream {
  std::string host;  // a DNS name or a dotted IPv4 address, lower-cased
  std::uint16_t port = 443;
  std::string prefix;

  friend bool operator==(const Upstream&, const Upstream&) = default;
};

// One piece of an inject template: literal text, or a reference to a secret.
struct TemplatePart {
  bool is_secret = false;
  std::string text;  // the literal, or the secret's name

  friend bool operator==(const TemplatePart&, const TemplatePart&) = default;
};

// "N/sec", "N/min", "N/hour" (also s, second, m, minute, h): N requests per period.
struct RouteRate {
  std::uint64_t count = 0;
  std::int64_t period_seconds = 0;

  friend bool operator==(const RouteRate&, const RouteRate&) = default;
};

struct BrokerRoute {
  std::string name;
  std::string scope;
  std::string upstream_text;  // as written, for messages
  Upstream upstream;
  std::string header;                  // e.g. Authorization
  std::vector<TemplatePart> value;     // e.g. "Bearer " {openai/api-key}
  std::string base_url_env;            // gets http://127.0.0.1:PORT/NAME
  std::string placeholder_env;         // gets this run's placeholder
  std::optional<RouteRate> rate;
  std::string ca_file;                 // empty: the system's CA store
  int line = 0;

  // The secret names the template refers to, each once, in order.
  [[nodiscard]] std::vector<std::string> secret_names() const;
};

// Route names appear in the broker's URL path: 1 to 64 of [A-Za-z0-9._-], not "." or "..".
bool is_valid_route_name(std::string_view name);
// An HTTP field name (RFC 9110 token), 1 to 64 bytes.
bool is_valid_header_name(std::string_view name);
// Errc::usage saying what is wrong (no position: the caller adds it).
Result<Upstream> parse_upstream(std::string_view url);
// "Bearer {openai/api-key}": literals of printable ASCII, references to valid
// secret names; at least one reference; '{' and '}' only around references.
Result<std::vector<TemplatePart>> parse_inject_template(std::string_view text);
Result<RouteRate> parse_route_rate(std::string_view text);

}  // namespace vaultx::config
