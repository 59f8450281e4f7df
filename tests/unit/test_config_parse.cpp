#include <catch2/catch.hpp>

#include <string>

#include <vaultx/config/config.hpp>

using vaultx::Errc;
using vaultx::config::parse_config;

namespace {

// The error of a config that must not parse; its message must start with
// `where` ("vaultx.toml:LINE:" or "vaultx.toml:LINE:COLUMN: ") and contain `what`.
void expect_error(const std::string& text, const std::string& where, const std::string& what) {
  INFO(text);
  const auto r = parse_config(text, "vaultx.toml");
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK(r.error().code == Errc::usage);
  CHECK(r.error().message.rfind(where, 0) == 0);
  CHECK(r.error().message.find(what) != std::string::npos);
  CHECK_FALSE(r.error().hint.empty());
}


}  // namespace

TEST_CASE("parse_config: an empty file is an empty config", "[config]") {
  const auto r = parse_config("", "x.toml");
  REQUIRE(r.ok());
  CHECK(r->scopes.empty());
  CHECK_FALSE(r->policy.max_age_seconds.has_value());
  CHECK(r->policy.rules.empty());
  CHECK(r->source == "x.toml");
  CHECK(r->file_exists);
  CHECK(parse_config("# only a comment\n\n", "x.toml").ok());
}

TEST_CASE("parse_config: scopes with every key", "[config]") {
  const std::string text = R"(# A full example.
[scopes.agent-a]
secrets = ["openai/api-key", "aws/s3-reader/*"]
env = { ZED = "z/key", OPENAI_API_KEY = "openai/api-key", ALPHA = "a" }

[scopes."ci.deploy"]
secrets = [
  "deploy/**",
  "github/token",
]
commands = ["./deploy.sh", "/usr/bin/env"]
allow_env = ["PATH", "EDITOR"]

[scopes.empty]
)";
  const auto r = parse_config(text, "vaultx.toml");
  REQUIRE(r.ok());
  REQUIRE(r->scopes.size() == 3);

  const auto& a = r->scopes.at("agent-a");
  CHECK(a.name == "agent-a");
  CHECK(a.line == 2);
  CHECK(a.secrets == std::vector<std::string>{"openai/api-key", "aws/s3-reader/*"});
  CHECK(a.secret_lines == std::vector<int>{3, 3});
  // In file order, not toml++'s sorted order.
  using Pair = std::pair<std::string, std::string>;
  CHECK(a.env == std::vector<Pair>{{"ZED", "z/key"}, {"OPENAI_API_KEY", "openai/api-key"}, {"ALPHA", "a"}});
  CHECK(a.env_lines == std::vector<int>{4, 4, 4});
  CHECK(a.allow_env.empty());
  CHECK(a.commands.empty());

  const auto& d = r->scopes.at("ci.deploy");
  CHECK(d.line == 6);
  CHECK(d.secrets == std::vector<std::string>{"deploy/**", "github/token"});
  CHECK(d.secret_lines == std::vector<int>{8, 9});
  CHECK(d.commands == std::vector<std::string>{"./deploy.sh", "/usr/bin/env"});
  CHECK(d.allow_env == std::vector<std::string>{"PATH", "EDITOR"});

  const auto& e = r->scopes.at("empty");
  CHECK(e.line == 14);
  CHECK(e.secrets.empty());
}

TEST_CASE("parse_config: env as a sub-table and dotted keys", "[config]") {
  const auto r = parse_config("[scopes.a.env]\nB = \"b\"\nA = \"a\"\n\n[scopes.b]\nenv.X = \"x\"\n", "f");
  REQUIRE(r.ok());
  using Pair = std::pair<std::string, std::string>;
  CHECK(r->scopes.at("a").env == std::vector<Pair>{{"B", "b"}, {"A", "a"}});
  CHECK(r->scopes.at("a").env_lines == std::vector<int>{2, 3});
  CHECK(r->scopes.at("b").env == std::vector<Pair>{{"X", "x"}});
}

TEST_CASE("parse_config: policy with max_age and rules", "[config]") {
  const auto r = parse_config(R"([policy]
max_age = "90d"

[[policy.rule]]
match = "aws/**"
max_age = "30d"

[[policy.rule]]
max_age = "12h"
match = "github/token"
)",
                              "f");
  REQUIRE(r.ok());
  CHECK(r->policy.max_age_seconds == 90 * 86400);
  REQUIRE(r->policy.rules.size() == 2);
  CHECK(r->policy.rules[0].match == "aws/**");
  CHECK(r->policy.rules[0].max_age_seconds == 30 * 86400);
  CHECK(r->policy.rules[0].line == 4);
  CHECK(r->policy.rules[1].match == "github/token");
  CHECK(r->policy.rules[1].max_age_seconds == 12 * 3600);
  CHECK(r->policy.rules[1].line == 8);
}

TEST_CASE("parse_config: every duration unit", "[config]") {
  for (const auto& [text, seconds] : std::vector<std::pair<std::string, std::int64_t>>{
           {"45s", 45}, {"30m", 1800}, {"12h", 43200}, {"90d", 7776000}}) {
    const auto r = parse_config("[policy]\nmax_age = \"" + text + "\"\n", "f");
    REQUIRE(r.ok());
    CHECK(r->policy.max_age_seconds == seconds);
  }
}

TEST_CASE("parse_config: TOML syntax errors name line and column", "[config]") {
  expect_error("[scopes.a]\nsecrets = [\"a\"\n", "vaultx.toml:2:16: ", "end-of-file");
  expect_error("[scopes.a]\nsecrets = [\"a\"]\nsecrets = [\"b\"]\n", "vaultx.toml:3:", "secrets");
  expect_error("\n\n[scopes.a\n", "vaultx.toml:3:", "");
  expect_error("[policy]\nmax_age = 90d\n", "vaultx.toml:2:", "");
  expect_error("a = \"unterminated\n", "vaultx.toml:1:", "");
  expect_error("[scopes.a]\r\nsecrets = [\"a\"]\r\n[scopes.a]\r\n", "vaultx.toml:3:", "");
  expect_error("x = \"\\u00\"\n", "vaultx.toml:1:", "");
  expect_error("\r", "vaultx.toml:1:", "");
}

TEST_CASE("parse_config: unknown tables and keys", "[config]") {
  expect_error("[scopes.a]\nsecrets = []\n\n[broker]\nsocket = \"x\"\n", "vaultx.toml:5:1: ", "unknown key 'socket' in [broker]");
  expect_error("[scopes.a]\nsecrets = []\n\n[brokers]\n", "vaultx.toml:4:2: ", "unknown table or key 'brokers'");
  expect_error("version = 1\n", "vaultx.toml:1:1: ", "unknown table or key 'version'");
  expect_error("[scope.a]\n", "vaultx.toml:1:2: ", "'scope'");
  expect_error("[scopes.a]\nsecret = [\"x\"]\n", "vaultx.toml:2:1: ", "unknown key 'secret' in [scopes.a]");
  expect_error("[scopes.a]\nsecrets = [\"x\"]\n[scopes.a.extra]\n", "vaultx.toml:3:", "unknown key 'extra' in [scopes.a]");
  expect_error("[policy]\nmax-age = \"1d\"\n", "vaultx.toml:2:1: ", "unknown key 'max-age' in [policy]");
  expect_error("[[policy.rule]]\nmatch = \"a\"\nmax_age = \"1d\"\nexpires = \"1d\"\n", "vaultx.toml:4:1: ",
               "unknown key 'expires' in [[policy.rule]]");
}

TEST_CASE("parse_config: wrong types name the key and what was found", "[config]") {
  expect_error("scopes = 1\n", "vaultx.toml:1:", "scopes: expected a table, found an integer");
  expect_error("[scopes]\na = \"x\"\n", "vaultx.toml:2:", "scopes.a: expected a table, found a string");
  expect_error("[scopes.a]\nsecrets = \"x\"\n", "vaultx.toml:2:",
               "scopes.a.secrets: expected an array of strings, found a string");
  expect_error("[scopes.a]\nsecrets = [\"x\",\n  1]\n", "vaultx.toml:3:3: ",
               "scopes.a.secrets: expected strings in the array, found an integer");
  expect_error("[scopes.a]\nsecrets = [[\"x\"]]\n", "vaultx.toml:2:", "found an array");
  expect_error("[scopes.a]\nsecrets = [{a = 1}]\n", "vaultx.toml:2:", "found a table");
  expect_error("[scopes.a]\nenv = [\"X\"]\n", "vaultx.toml:2:", "scopes.a.env: expected a table");
  expect_error("[scopes.a]\nenv = { X = 1 }\n", "vaultx.toml:2:", "scopes.a.env.X: expected a secret name (a string), found an integer");
  expect_error("[scopes.a]\nenv = { X = true }\n", "vaultx.toml:2:", "found a boolean");
  expect_error("[scopes.a]\nallow_env = \"PATH\"\n", "vaultx.toml:2:", "scopes.a.allow_env: expected an array of strings");
  expect_error("[scopes.a]\nallow_env = [1.5]\n", "vaultx.toml:2:", "found a float");
  expect_error("[scopes.a]\ncommands = \"./agent\"\n", "vaultx.toml:2:", "scopes.a.commands: expected an array");
  expect_error("[scopes.a]\ncommands = [1979-05-27]\n", "vaultx.toml:2:", "found a date");
  expect_error("policy = \"x\"\n", "vaultx.toml:1:", "policy: expected a table, found a string");
  expect_error("[policy]\nmax_age = 90\n", "vaultx.toml:2:", "policy.max_age: expected a duration string, found an integer");
  expect_error("[policy]\nmax_age = 07:32:00\n", "vaultx.toml:2:", "found a time");
  expect_error("[policy]\nmax_age = 1979-05-27T07:32:00Z\n", "vaultx.toml:2:", "found a date-time");
  expect_error("[policy]\nrule = 1\n", "vaultx.toml:2:", "policy.rule: expected an array of tables");
  expect_error("[policy]\nrule = [1]\n", "vaultx.toml:2:", "policy.rule: expected tables in the array");
  expect_error("[[policy.rule]]\nmatch = 1\nmax_age = \"1d\"\n", "vaultx.toml:2:", "policy.rule.match: expected a pattern");
  expect_error("[[policy.rule]]\nmatch = \"a\"\nmax_age = 1\n", "vaultx.toml:3:", "policy.rule.max_age: expected a duration");
}

TEST_CASE("parse_config: bad durations", "[config]") {
  for (const char* d : {"90", "90x", "d", "-1d", "1.5d", "90 d", "1w", "99999999999999999999d", "0d", ""}) {
    INFO(d);
    expect_error(std::string("[policy]\n\nmax_age = \"") + d + "\"\n", "vaultx.toml:3:", "policy.max_age:");
  }
  expect_error("[[policy.rule]]\nmatch = \"a\"\nmax_age = \"soon\"\n", "vaultx.toml:3:",
               "policy.rule.max_age: 'soon' is not a duration");
}

TEST_CASE("parse_config: a rule needs match and max_age", "[config]") {
  expect_error("\n[[policy.rule]]\nmatch = \"a\"\n", "vaultx.toml:2:", "[[policy.rule]] without max_age");
  expect_error("\n[[policy.rule]]\nmax_age = \"1d\"\n", "vaultx.toml:2:", "[[policy.rule]] without match");
}

TEST_CASE("parse_config: bad names and globs", "[config]") {
  expect_error("[scopes.a]\nsecrets = [\"ok\", \"a//b\"]\n", "vaultx.toml:2:18: ", "scopes.a.secrets: invalid secret name 'a//b'");
  expect_error("[scopes.a]\nsecrets = [\"a**\"]\n", "vaultx.toml:2:", "invalid pattern 'a**': '**' must be a whole segment");
  expect_error("[scopes.a]\nsecrets = [\"../*\"]\n", "vaultx.toml:2:", "invalid pattern");
  expect_error("[scopes.a]\nsecrets = [\"a?\"]\n", "vaultx.toml:2:", "invalid secret name 'a?'");
  expect_error("[scopes.a]\nsecrets = [\"\"]\n", "vaultx.toml:2:", "it is empty");
  // An escape is ASCII in the file but not in the value.
  expect_error("[scopes.a]\nsecrets = [\"caf\\u00e9\"]\n", "vaultx.toml:2:", "invalid secret name 'caf\\xc3\\xa9'");
  expect_error("[scopes.a]\nsecrets = [\"a\\u0000b\"]\n", "vaultx.toml:2:", "'a\\x00b'");
  expect_error("[[policy.rule]]\nmatch = \"aws/**x\"\nmax_age = \"1d\"\n", "vaultx.toml:2:",
               "policy.rule.match: invalid pattern");
  expect_error("[scopes.a]\nenv = { X = \"aws/*\" }\n", "vaultx.toml:2:", "a variable takes one secret, not the pattern 'aws/*'");
  expect_error("[scopes.a]\nenv = { X = \"a/../b\" }\n", "vaultx.toml:2:", "scopes.a.env.X: invalid secret name");
}

TEST_CASE("parse_config: bad scope names", "[config]") {
  expect_error("[scopes.\"a b\"]\n", "vaultx.toml:1:", "invalid scope name 'a b'");
  expect_error("[scopes.\"a/b\"]\n", "vaultx.toml:1:", "invalid scope name 'a/b'");
  expect_error("[scopes.\"\"]\n", "vaultx.toml:1:", "invalid scope name ''");
  expect_error("[scopes.\"\\u00e9\"]\n", "vaultx.toml:1:", "invalid scope name '\\xc3\\xa9'");
  CHECK(parse_config("[scopes.\"v1.2_x-Y\"]\n", "f").ok());
}

TEST_CASE("parse_config: bad variable names", "[config]") {
  expect_error("[scopes.a]\nenv = { 1ABC = \"x\" }\n", "vaultx.toml:2:9: ", "'1ABC' is not a valid environment variable name");
  expect_error("[scopes.a]\nenv = { A-B = \"x\" }\n", "vaultx.toml:2:", "'A-B' is not a valid");
  expect_error("[scopes.a]\nenv = { \"A B\" = \"x\" }\n", "vaultx.toml:2:", "'A B' is not a valid");
  expect_error("[scopes.a]\nenv = { \"\" = \"x\" }\n", "vaultx.toml:2:", "'' is not a valid");
  expect_error("[scopes.a]\nenv = { \"A\\u00e9\" = \"x\" }\n", "vaultx.toml:2:", "'A\\xc3\\xa9' is not a valid");
  expect_error("[scopes.a]\nenv = { \"A=B\" = \"x\" }\n", "vaultx.toml:2:", "'A=B' is not a valid");
  expect_error("[scopes.a]\nenv = { VAULTX_PASSPHRASE = \"x\" }\n", "vaultx.toml:2:",
               "VAULTX_PASSPHRASE is reserved for vaultx itself");
  expect_error("[scopes.a]\nallow_env = [\"VAULTX_STORE\"]\n", "vaultx.toml:2:", "VAULTX_STORE can never be allowed");
  expect_error("[scopes.a]\nallow_env = [\"LD PRELOAD\"]\n", "vaultx.toml:2:", "'LD PRELOAD' is not a valid");
  expect_error("[scopes.a]\ncommands = [\"\"]\n", "vaultx.toml:2:", "'' is not a program name");
  expect_error("[scopes.a]\ncommands = [\"a\\u001bb\"]\n", "vaultx.toml:2:", "'a\\x1bb' is not a program name");
}

TEST_CASE("parse_config: an explicit dangerous variable needs allow_env", "[config]") {
  expect_error("[scopes.a]\nsecrets = []\nenv = { LD_PRELOAD = \"x\" }\n", "vaultx.toml:3:9: ",
               "scopes.a.env: LD_PRELOAD changes how the child runs");
  expect_error("[scopes.a]\nenv = { PATH = \"x\" }\nallow_env = [\"HOME\"]\n", "vaultx.toml:2:", "PATH");
  const auto r = parse_config("[scopes.a]\nenv = { PATH = \"x\" }\nallow_env = [\"PATH\"]\n", "f");
  CHECK(r.ok());
}

TEST_CASE("parse_config: the file name given is the one in messages", "[config]") {
  const auto r = parse_config("[bogus]\n", "/store/vaultx.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.rfind("/store/vaultx.toml:1:", 0) == 0);
}

TEST_CASE("is_valid_scope_name", "[config]") {
  CHECK(vaultx::config::is_valid_scope_name("agent-a"));
  CHECK(vaultx::config::is_valid_scope_name("v1.2_x"));
  CHECK_FALSE(vaultx::config::is_valid_scope_name(""));
  CHECK_FALSE(vaultx::config::is_valid_scope_name("a/b"));
  CHECK_FALSE(vaultx::config::is_valid_scope_name(std::string(256, 'a')));
}
