// libFuzzer target: the broker's routes ([broker.routes.NAME] of vaultx.toml,
// config/routes.hpp) and the broker's request targets (broker.hpp). The first
// byte picks the parser; the rest is its input. Beyond "no crash": what is
// accepted re-encodes to the input (templates, targets) or to an equal value
// (upstream URLs), and every accepted value obeys its documented bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <vaultx/broker/broker.hpp>
#include <vaultx/config/config.hpp>
#include <vaultx/config/routes.hpp>
#include <vaultx/format/names.hpp>

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void upstream(std::string_view text) {
  const auto r = vaultx::config::parse_upstream(text);
  if (!r) {
    require(r.error().code == vaultx::Errc::usage);
    return;
  }
  require(!r->host.empty() && r->port != 0);
  require(r->prefix.empty() || (r->prefix.front() == '/' && r->prefix.back() != '/'));
  const auto again = vaultx::config::parse_upstream("https://" + r->host + ":" + std::to_string(r->port) + r->prefix);
  require(again.ok() && *again == *r);
}

void inject_template(std::string_view text) {
  const auto r = vaultx::config::parse_inject_template(text);
  if (!r) return;
  std::string rebuilt;
  bool any_secret = false;
  for (const auto& part : *r) {
    if (part.is_secret) {
      require(vaultx::format::validate_secret_name(part.text).ok());
      any_secret = true;
      rebuilt += "{" + part.text + "}";
    } else {
      rebuilt += part.text;
    }
  }
  require(any_secret && rebuilt == text);
}

void rate(std::string_view text) {
  const auto r = vaultx::config::parse_route_rate(text);
  if (!r) return;
  require(r->count >= 1 && (r->period_seconds == 1 || r->period_seconds == 60 || r->period_seconds == 3600));
}

void target(std::string_view text) {
  const auto t = vaultx::broker::split_target(text);
  if (!t) return;
  require(vaultx::config::is_valid_route_name(t->route));
  require("/" + t->route + t->rest == text);
}

// A whole file: a scope and a route header, then the fuzzed route body.
void config(std::string_view text) {
  const std::string file = "[scopes.a]\nsecrets = [\"k/*\"]\n[broker.routes.r]\n" + std::string(text);
  const auto r = vaultx::config::parse_config(file, "vaultx.toml");
  if (!r) {
    require(r.error().code == vaultx::Errc::usage);
    return;
  }
  for (const auto& route : r->routes) {
    require(r->scopes.count(route.scope) == 1);
    require(!route.secret_names().empty() && route.base_url_env != route.placeholder_env);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);  // NOLINT
  switch (data[0] % 5) {
    case 0: upstream(text); break;
    case 1: inject_template(text); break;
    case 2: rate(text); break;
    case 3: target(text); break;
    default: config(text); break;
  }
  return 0;
}
