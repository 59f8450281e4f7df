#include <catch2/catch.hpp>

#include <string>

#include <vaultx/config/config.hpp>
#include <vaultx/config/routes.hpp>

using vaultx::Errc;
using namespace vaultx::config;

namespace {

const std::string kScope = "[scopes.agent-a]\nsecrets = [\"openai/*\"]\n";

std::string route(const std::string& extra = "", const std::string& upstream = "https://api.openai.com/v1",
                  const std::string& value = "Bearer {openai/api-key}") {
  return kScope + "[broker.routes.openai]\nscope = \"agent-a\"\nupstream = \"" + upstream +
         "\"\ninject = { header = \"Authorization\", value = \"" + value +
         "\" }\nbase_url_env = \"OPENAI_BASE_URL\"\nplaceholder_env = \"OPENAI_API_KEY\"\n" + extra;
}

}  // namespace

TEST_CASE("routes: a complete route", "[config][broker]") {
  const auto r = parse_config(route("rate = \"120/min\"\nca_file = \"/etc/ca.pem\"\n"), "vaultx.toml");
  REQUIRE(r.ok());
  REQUIRE(r->routes.size() == 1);
  const BrokerRoute& rt = r->routes[0];
  CHECK(rt.name == "openai");
  CHECK(rt.scope == "agent-a");
  CHECK(rt.upstream == Upstream{"api.openai.com", 443, "/v1"});
  CHECK(rt.header == "Authorization");
  REQUIRE(rt.value.size() == 2);
  CHECK(rt.value[0] == TemplatePart{false, "Bearer "});
  CHECK(rt.value[1] == TemplatePart{true, "openai/api-key"});
  CHECK(rt.secret_names() == std::vector<std::string>{"openai/api-key"});
  CHECK(rt.rate == RouteRate{120, 60});
  CHECK(rt.ca_file == "/etc/ca.pem");
  CHECK(rt.base_url_env == "OPENAI_BASE_URL");
  CHECK(rt.placeholder_env == "OPENAI_API_KEY");
  CHECK(rt.line == 3);
}

TEST_CASE("routes: every mistake is a usage error with its line", "[config][broker]") {
  struct Case {
    std::string text;
    std::string expect;
  };
  const Case cases[] = {
      {route("", "http://api.openai.com"), "not an https"},
      {route("", "https://user@host"), "user information"},
      {route("", "https://host:0"), "invalid port"},
      {route("", "https://host:99999"), "invalid port"},
      {route("", "https://ho_st"), "invalid host"},
      {route("", "https://host/v1?x=1"), "query"},
      {route("", "https://host/v1/../admin"), "'..'"},
      {route("", "https://host/a b"), "not allowed"},
      {route("", "https://api.openai.com", "Bearer {../x}"), "value"},
      {route("", "https://api.openai.com", "Bearer {openai/api-key"), "without its '}'"},
      {route("", "https://api.openai.com", "Bearer key}"), "without its '{'"},
      {route("", "https://api.openai.com", "Bearer plain"), "refers to no secret"},
      {route("", "https://api.openai.com", "Bearer {other/key}"), "not in its scope"},
      {route("rate = \"5/fortnight\"\n"), "not a rate"},
      {route("rate = \"0/min\"\n"), "not a rate"},
      {route("rate = \"-1/min\"\n"), "not a rate"},
      {route("ca_file = \"relative.pem\"\n"), "absolute path"},
      {route("colour = \"red\"\n"), "unknown key"},
      {kScope + "[broker.routes.\"a b\"]\nscope = \"agent-a\"\n", "invalid route name"},
      {kScope + "[broker.routes.x]\nscope = \"agent-a\"\n", "has no upstream"},
      {kScope + "[broker.other]\n", "unknown key"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const auto r = parse_config(c.text, "vaultx.toml");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::usage);
    CHECK(r.error().message.find(c.expect) != std::string::npos);
    CHECK(r.error().message.rfind("vaultx.toml:", 0) == 0);
  }
}

TEST_CASE("routes: header names, variables and scopes are checked", "[config][broker]") {
  auto bad_header = route();
  bad_header.replace(bad_header.find("Authorization"), 13, "Auth orization");
  CHECK_FALSE(parse_config(bad_header, "f").ok());
  auto bad_var = route();
  bad_var.replace(bad_var.find("OPENAI_BASE_URL"), 15, "LD_PRELOAD");
  CHECK_FALSE(parse_config(bad_var, "f").ok());
  auto same_var = route();
  same_var.replace(same_var.find("OPENAI_BASE_URL"), 15, "OPENAI_API_KEY");
  CHECK_FALSE(parse_config(same_var, "f").ok());
  auto no_scope = route();
  no_scope.replace(no_scope.find("scope = \"agent-a\""), 17, "scope = \"agent-b\"");
  const auto r = parse_config(no_scope, "f");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("not declared") != std::string::npos);
  // Two routes of one scope may not set the same variable.
  auto twice = route();
  twice += "[broker.routes.other]\nscope = \"agent-a\"\nupstream = \"https://x.example\"\n"
           "inject = { header = \"X-Key\", value = \"{openai/k2}\" }\nbase_url_env = \"OPENAI_BASE_URL\"\n"
           "placeholder_env = \"K2\"\n";
  CHECK_FALSE(parse_config(twice, "f").ok());
}

TEST_CASE("routes: upstream URLs", "[config][broker]") {
  CHECK(*parse_upstream("https://API.example.com") == Upstream{"api.example.com", 443, ""});
  CHECK(*parse_upstream("HTTPS://host:8443/") == Upstream{"host", 8443, ""});
  CHECK(*parse_upstream("https://127.0.0.1:9000/a/b/") == Upstream{"127.0.0.1", 9000, "/a/b"});
  CHECK(*parse_upstream("https://h/v1%2Fx") == Upstream{"h", 443, "/v1%2Fx"});
  for (const char* bad : {"https://", "https://h:", "https://h:01", "https://-h", "https://h-", "https://a..b",
                          "https://[::1]", "https://h/%zz", "https://h//x", "https://h/./x", "https://h#f", "ftp://h",
                          "https:/h"}) {
    INFO(bad);
    CHECK_FALSE(parse_upstream(bad).ok());
  }
}

TEST_CASE("routes: templates and rates", "[config][broker]") {
  const auto parts = parse_inject_template("{a}:{b/c}");
  REQUIRE(parts.ok());
  CHECK(parts->size() == 3);
  CHECK_FALSE(parse_inject_template("{a}\x01").ok());
  CHECK_FALSE(parse_inject_template("{}").ok());
  CHECK(*parse_route_rate("10/sec") == RouteRate{10, 1});
  CHECK(*parse_route_rate("10/s") == RouteRate{10, 1});
  CHECK(*parse_route_rate("3/hour") == RouteRate{3, 3600});
  for (const char* bad : {"", "/min", "10", "10/", "10/day", "010/min", "1.5/min", "99999999999/min", "x/min"}) {
    INFO(bad);
    CHECK_FALSE(parse_route_rate(bad).ok());
  }
  CHECK(is_valid_route_name("open-ai.v2_x"));
  CHECK_FALSE(is_valid_route_name(".."));
  CHECK_FALSE(is_valid_route_name("a/b"));
  CHECK(is_valid_header_name("X-Api-Key"));
  CHECK_FALSE(is_valid_header_name("X Api"));
  CHECK_FALSE(is_valid_header_name("X:Api"));
}
