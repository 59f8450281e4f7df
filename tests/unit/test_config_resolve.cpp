#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <vaultx/config/config.hpp>

using vaultx::Errc;
using vaultx::config::Config;
using vaultx::config::Injection;
using vaultx::config::is_dangerous_variable;
using vaultx::config::parse_config;
using vaultx::config::resolve_scopes;

namespace {

using Names = std::vector<std::string>;
using Pairs = std::vector<std::pair<std::string, std::string>>;

Config config(const std::string& text) {
  auto r = parse_config(text, "vaultx.toml");
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return std::move(r).value();
}

Pairs resolve(const std::string& text, const Names& scopes, const Names& stored) {
  const auto r = resolve_scopes(config(text), scopes, stored);
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  Pairs out;
  for (const Injection& i : *r) out.emplace_back(i.variable, i.secret);
  return out;
}

vaultx::Error resolve_error(const std::string& text, const Names& scopes, const Names& stored) {
  const auto r = resolve_scopes(config(text), scopes, stored);
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK_FALSE(r.error().hint.empty());
  return r.error();
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const Names kStored = {"openai/api-key", "aws/s3-reader/key-id", "aws/s3-reader/secret", "aws/admin/key",
                       "github/token", "db.prod/password"};

}  // namespace

TEST_CASE("resolve_scopes: default variable names, sorted by variable", "[config][resolve]") {
  const auto got = resolve("[scopes.a]\nsecrets = [\"openai/api-key\", \"aws/s3-reader/*\", \"db.prod/password\"]\n",
                           {"a"}, kStored);
  CHECK(got == Pairs{{"AWS_S3_READER_KEY_ID", "aws/s3-reader/key-id"},
                     {"AWS_S3_READER_SECRET", "aws/s3-reader/secret"},
                     {"DB_PROD_PASSWORD", "db.prod/password"},
                     {"OPENAI_API_KEY", "openai/api-key"}});
}

TEST_CASE("resolve_scopes: '**' takes every level, '*' one", "[config][resolve]") {
  CHECK(resolve("[scopes.a]\nsecrets = [\"aws/**\"]\n", {"a"}, kStored).size() == 3);
  CHECK(resolve("[scopes.a]\nsecrets = [\"aws/*\"]\n", {"a"}, kStored).empty());
  CHECK(resolve("[scopes.a]\nsecrets = [\"**\"]\n", {"a"}, kStored).size() == kStored.size());
}

TEST_CASE("resolve_scopes: an explicit env name replaces the default", "[config][resolve]") {
  const auto got = resolve(
      "[scopes.a]\nsecrets = [\"openai/*\", \"github/token\"]\nenv = { OPENAI = \"openai/api-key\" }\n", {"a"},
      kStored);
  CHECK(got == Pairs{{"GITHUB_TOKEN", "github/token"}, {"OPENAI", "openai/api-key"}});
}

TEST_CASE("resolve_scopes: a secret only in env is injected; two names for one secret", "[config][resolve]") {
  const auto got = resolve("[scopes.a]\nenv = { GH = \"github/token\", GITHUB_PAT = \"github/token\" }\n", {"a"},
                           kStored);
  CHECK(got == Pairs{{"GH", "github/token"}, {"GITHUB_PAT", "github/token"}});
}

TEST_CASE("resolve_scopes: a glob that matches nothing is fine", "[config][resolve]") {
  CHECK(resolve("[scopes.a]\nsecrets = [\"gcp/**\", \"nothing-*\"]\n", {"a"}, kStored).empty());
  CHECK(resolve("[scopes.a]\nsecrets = [\"**\"]\n", {"a"}, {}).empty());
  CHECK(resolve("[scopes.empty]\n", {"empty"}, kStored).empty());
}

TEST_CASE("resolve_scopes: a named secret that is not stored is not_found with its line", "[config][resolve]") {
  auto e = resolve_error("[scopes.a]\nsecrets = [\n  \"openai/api-key\",\n  \"openai/org\",\n]\n", {"a"}, kStored);
  CHECK(e.code == Errc::not_found);
  CHECK(starts_with(e.message, "vaultx.toml:4: scope 'a' names secret 'openai/org', which is not in the store"));
  e = resolve_error("[scopes.a]\nsecrets = []\n\nenv = { X = \"missing/one\" }\n", {"a"}, kStored);
  CHECK(e.code == Errc::not_found);
  CHECK(starts_with(e.message, "vaultx.toml:4: scope 'a' names secret 'missing/one'"));
}

TEST_CASE("resolve_scopes: two secrets on one variable is an error, never an overwrite", "[config][resolve]") {
  const Names stored = {"a/b-c", "a/b.c", "x"};
  auto e = resolve_error("[scopes.s]\nsecrets = [\"a/*\"]\n", {"s"}, stored);
  CHECK(e.code == Errc::usage);
  CHECK(starts_with(e.message, "vaultx.toml:2: scope 's': secrets 'a/b-c' (line 2) and 'a/b.c' both map to variable A_B_C"));
  CHECK(contains(e.hint, "env"));

  e = resolve_error("[scopes.s]\nsecrets = [\"a/b-c\"]\nenv = { A_B_C = \"x\" }\n", {"s"}, stored);
  CHECK(e.code == Errc::usage);
  CHECK(contains(e.message, "both map to variable A_B_C"));

  // Resolved by naming one of them.
  CHECK(resolve("[scopes.s]\nsecrets = [\"a/*\"]\nenv = { A_B_DOT_C = \"a/b.c\" }\n", {"s"}, stored) ==
        Pairs{{"A_B_C", "a/b-c"}, {"A_B_DOT_C", "a/b.c"}});
}

TEST_CASE("resolve_scopes: a default name that is no variable name asks for a mapping", "[config][resolve]") {
  auto e = resolve_error("[scopes.s]\nsecrets = [\"1password/*\"]\n", {"s"}, {"1password/key"});
  CHECK(e.code == Errc::usage);
  CHECK(starts_with(e.message, "vaultx.toml:2: scope 's': secret '1password/key' would be variable '1PASSWORD_KEY'"));
  CHECK(contains(e.hint, "env = { MY_NAME = \"1password/key\" }"));
  CHECK(resolve("[scopes.s]\nenv = { OP_KEY = \"1password/key\" }\nsecrets = [\"1password/*\"]\n", {"s"},
                {"1password/key"}) == Pairs{{"OP_KEY", "1password/key"}});
}

TEST_CASE("resolve_scopes: dangerous variables are refused unless the scope allows them", "[config][resolve]") {
  const Names stored = {"path", "ld/preload", "tools/editor", "node/options", "openai/key", "git/ssh-command"};
  for (const char* secret : {"path", "ld/preload", "git/ssh-command"}) {
    INFO(secret);
    const std::string text = std::string("[scopes.s]\nsecrets = [\"") + secret + "\"]\n";
    const auto e = resolve_error(text, {"s"}, stored);
    CHECK(e.code == Errc::usage);
    CHECK(contains(e.message, "changes how the child runs"));
    CHECK(contains(e.hint, "allow_env"));
  }
  // Through a glob too, and through an explicit name.
  CHECK(contains(resolve_error("[scopes.s]\nsecrets = [\"*\"]\n", {"s"}, stored).message, "variable PATH"));
  CHECK(contains(resolve_error("[scopes.s]\nsecrets = [\"node/*\"]\n", {"s"}, stored).message, "NODE_OPTIONS"));

  CHECK(resolve("[scopes.s]\nsecrets = [\"path\"]\nallow_env = [\"PATH\"]\n", {"s"}, stored) ==
        Pairs{{"PATH", "path"}});
  CHECK(resolve("[scopes.s]\nenv = { EDITOR = \"tools/editor\" }\nallow_env = [\"EDITOR\"]\n", {"s"}, stored) ==
        Pairs{{"EDITOR", "tools/editor"}});
}

TEST_CASE("resolve_scopes: VAULTX_* never, even with allow_env", "[config][resolve]") {
  auto e = resolve_error("[scopes.s]\nsecrets = [\"vaultx/*\"]\n", {"s"}, {"vaultx/passphrase"});
  CHECK(e.code == Errc::usage);
  CHECK(contains(e.message, "VAULTX_PASSPHRASE"));
  CHECK(contains(e.message, "never reach a child"));

  // allow_env cannot hold it in a file (parse error); a Config built in code
  // that lists it is still refused.
  Config c = config("[scopes.s]\nsecrets = [\"vaultx/*\"]\n");
  c.scopes.at("s").allow_env.push_back("VAULTX_PASSPHRASE");
  const auto r = resolve_scopes(c, {"s"}, {"vaultx/passphrase"});
  REQUIRE_FALSE(r.ok());
  CHECK(contains(r.error().message, "never reach a child"));
  c.scopes.at("s").env.emplace_back("VAULTX_STORE", "x");
  c.scopes.at("s").allow_env.push_back("VAULTX_STORE");
  CHECK_FALSE(resolve_scopes(c, {"s"}, {"x"}).ok());
}

TEST_CASE("resolve_scopes: an unknown scope is not_found and lists the defined ones", "[config][resolve]") {
  auto e = resolve_error("[scopes.b]\n[scopes.a]\n", {"nope"}, kStored);
  CHECK(e.code == Errc::not_found);
  CHECK(e.message == "no scope 'nope': the scopes in vaultx.toml are a, b");
  CHECK(contains(e.hint, "[scopes.nope]"));

  e = resolve_error("", {"x"}, kStored);
  CHECK(e.code == Errc::not_found);
  CHECK(e.message == "no scope 'x': vaultx.toml defines no scopes");

  Config missing;
  missing.source = "/s/vaultx.toml";
  missing.file_exists = false;
  const auto r = resolve_scopes(missing, {"x"}, kStored);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::not_found);
  CHECK(r.error().message == "no scope 'x': /s/vaultx.toml does not exist, so no scope is defined");

  // A hostile name is quoted, and not echoed raw into the hint.
  e = resolve_error("[scopes.a]\n", {"\x1b[2J"}, kStored);
  CHECK(contains(e.message, "'\\x1b[2J'"));
  CHECK_FALSE(contains(e.hint, "\x1b"));
}

TEST_CASE("resolve_scopes: several scopes are a union", "[config][resolve]") {
  const std::string text = R"([scopes.a]
secrets = ["openai/api-key", "github/token"]

[scopes.b]
secrets = ["github/token", "aws/admin/key"]

[scopes.c]
env = { OPENAI = "openai/api-key" }

[scopes.d]
env = { GITHUB_TOKEN = "aws/admin/key" }

[scopes.e]
secrets = ["path"]
allow_env = ["PATH"]

[scopes.f]
env = { PATH = "path" }
allow_env = ["PATH"]
)";
  Names stored = kStored;
  stored.push_back("path");
  // The same secret twice is fine.
  CHECK(resolve(text, {"a", "b"}, stored) == Pairs{{"AWS_ADMIN_KEY", "aws/admin/key"},
                                                   {"GITHUB_TOKEN", "github/token"},
                                                   {"OPENAI_API_KEY", "openai/api-key"}});
  // Each scope gets its own variable for a shared secret.
  CHECK(resolve(text, {"a", "c"}, stored) == Pairs{{"GITHUB_TOKEN", "github/token"},
                                                   {"OPENAI", "openai/api-key"},
                                                   {"OPENAI_API_KEY", "openai/api-key"}});
  // A repeated scope changes nothing.
  CHECK(resolve(text, {"a", "a"}, stored) == resolve(text, {"a"}, stored));
  // A conflict across scopes names both.
  const auto e = resolve_error(text, {"a", "d"}, stored);
  CHECK(e.code == Errc::usage);
  CHECK(starts_with(e.message, "vaultx.toml:11: scopes 'a' and 'd': secrets 'github/token' (line 2) and "
                               "'aws/admin/key' both map to variable GITHUB_TOKEN"));
  // Allowed in both: fine.
  CHECK(resolve(text, {"e", "f"}, stored) == Pairs{{"PATH", "path"}});
  // An unknown scope anywhere in the list fails the whole request.
  CHECK(resolve_error(text, {"a", "zz"}, stored).code == Errc::not_found);
  // No scope: nothing.
  CHECK(resolve(text, {}, stored).empty());
}

TEST_CASE("resolve_scopes: allow_env of one scope does not cover another", "[config][resolve]") {
  const std::string text = "[scopes.a]\nallow_env = [\"PATH\"]\n\n[scopes.b]\nsecrets = [\"path\"]\n";
  const auto e = resolve_error(text, {"a", "b"}, {"path"});
  CHECK(starts_with(e.message, "vaultx.toml:5: scope 'b': secret 'path' would be variable PATH"));
}

TEST_CASE("resolve_scopes: a ScopeSpec built in code, without lines", "[config][resolve]") {
  Config c;
  c.source = "mem";
  vaultx::config::ScopeSpec s;
  s.name = "s";
  s.secrets = {"missing"};
  c.scopes.emplace("s", s);
  const auto r = resolve_scopes(c, {"s"}, {});
  REQUIRE_FALSE(r.ok());
  CHECK(starts_with(r.error().message, "mem: scope 's' names secret 'missing'"));
}

TEST_CASE("is_dangerous_variable", "[config][resolve]") {
  for (const char* v :
       {"LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "LD_ANYTHING", "BASH_ENV", "ENV", "PATH", "IFS", "PYTHONPATH",
        "PYTHONHOME", "PYTHONSTARTUP", "PYTHONWARNINGS", "NODE_OPTIONS", "NODE_PATH", "PERL5LIB", "PERL5OPT",
        "RUBYLIB", "RUBYOPT", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "CLASSPATH", "GCONV_PATH", "HOSTALIASES",
        "LOCALDOMAIN", "RES_OPTIONS", "TMPDIR", "SHELLOPTS", "BASHOPTS", "PS4", "PROMPT_COMMAND", "GIT_SSH",
        "GIT_SSH_COMMAND", "GIT_EXEC_PATH", "GIT_ASKPASS", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_KEY_0", "SSH_ASKPASS",
        "EDITOR", "VISUAL", "PAGER", "HOME", "GLIBC_TUNABLES", "BASH_FUNC_x", "VAULTX_STORE", "VAULTX_"}) {
    INFO(v);
    CHECK(is_dangerous_variable(v));
  }
  for (const char* v : {"OPENAI_API_KEY", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "GIT_AUTHOR_NAME", "path", "LD",
                        "XLD_PRELOAD", "MY_PATH", "PATH_EXTRA", "VAULTX", "NODE_ENV", "DATABASE_URL"}) {
    INFO(v);
    CHECK_FALSE(is_dangerous_variable(v));
  }
}

TEST_CASE("variable name rules", "[config][resolve]") {
  using vaultx::config::is_reserved_variable;
  using vaultx::config::is_valid_variable_name;
  CHECK(is_valid_variable_name("A"));
  CHECK(is_valid_variable_name("_"));
  CHECK(is_valid_variable_name("a_1"));
  CHECK_FALSE(is_valid_variable_name(""));
  CHECK_FALSE(is_valid_variable_name("1A"));
  CHECK_FALSE(is_valid_variable_name("A-B"));
  CHECK_FALSE(is_valid_variable_name("A=B"));
  CHECK(is_reserved_variable("VAULTX_PASSPHRASE"));
  CHECK_FALSE(is_reserved_variable("VAULTX"));
  CHECK_FALSE(is_reserved_variable("vaultx_x"));
}

TEST_CASE("resolve_scopes: a secret listed or matched many times is injected once", "[config][resolve]") {
  const std::string text = R"([scopes.s]
secrets = ["aws/**", "aws/admin/key", "aws/*/key", "**", "aws/**", "aws/**/**"]
)";
  const auto got = resolve(text, {"s"}, kStored);
  CHECK(got.size() == kStored.size());
  // Duplicate stored names count once too.
  Names twice = kStored;
  twice.insert(twice.end(), kStored.begin(), kStored.end());
  CHECK(resolve(text, {"s"}, twice) == got);
}
