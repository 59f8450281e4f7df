#include <catch2/catch.hpp>

#include <string>

#include <vaultx/config/glob.hpp>

using vaultx::config::glob_match;
using vaultx::config::is_glob;
using vaultx::config::validate_pattern;

TEST_CASE("glob_match: a plain name matches only itself", "[config][glob]") {
  CHECK(glob_match("openai/api-key", "openai/api-key"));
  CHECK_FALSE(glob_match("openai/api-key", "openai/api-key2"));
  CHECK_FALSE(glob_match("openai/api-key", "openai"));
  CHECK_FALSE(glob_match("openai", "openai/api-key"));
}

TEST_CASE("glob_match: '*' stays within one segment", "[config][glob]") {
  CHECK(glob_match("aws/*", "aws/key"));
  CHECK_FALSE(glob_match("aws/*", "aws/prod/key"));
  CHECK_FALSE(glob_match("aws/*", "aws"));
  CHECK(glob_match("*", "top"));
  CHECK_FALSE(glob_match("*", "a/b"));
  CHECK(glob_match("aws/*/key", "aws/prod/key"));
  CHECK_FALSE(glob_match("aws/*/key", "aws/prod/eu/key"));
}

TEST_CASE("glob_match: '*' inside a segment matches any run, including none", "[config][glob]") {
  CHECK(glob_match("key-*", "key-1"));
  CHECK(glob_match("key-*", "key-"));
  CHECK_FALSE(glob_match("key-*", "key"));
  CHECK(glob_match("*-id", "key-id"));
  CHECK(glob_match("a*b*c", "abc"));
  CHECK(glob_match("a*b*c", "axxbyyc"));
  CHECK_FALSE(glob_match("a*b*c", "axxbyy"));
  CHECK(glob_match("*a*a*a*a*a*b", std::string(100, 'a') + "b"));
  CHECK_FALSE(glob_match("*a*a*a*a*a*b", std::string(200, 'a')));
}

TEST_CASE("glob_match: '.' is a literal dot", "[config][glob]") {
  CHECK(glob_match("db.prod/*", "db.prod/password"));
  CHECK_FALSE(glob_match("db.prod/*", "dbxprod/password"));
  CHECK_FALSE(glob_match("*.pem", "tls/y.pem"));
  CHECK(glob_match("tls/*.pem", "tls/server.pem"));
  CHECK_FALSE(glob_match("tls/*.pem", "tls/server-pem"));
  CHECK(glob_match("tls/*", "tls/.hidden"));  // no special case for leading dots
}

TEST_CASE("glob_match: trailing '**' is everything below, not the prefix itself", "[config][glob]") {
  CHECK(glob_match("a/**", "a/b"));
  CHECK(glob_match("a/**", "a/b/c"));
  CHECK(glob_match("a/**", "a/b/c/d/e"));
  CHECK_FALSE(glob_match("a/**", "a"));
  CHECK_FALSE(glob_match("a/**", "ab/c"));
  CHECK_FALSE(glob_match("a/**", "b/a/c"));
}

TEST_CASE("glob_match: '**' alone matches every name", "[config][glob]") {
  CHECK(glob_match("**", "a"));
  CHECK(glob_match("**", "a/b/c"));
}

TEST_CASE("glob_match: leading '**/' matches at any depth, including none", "[config][glob]") {
  CHECK(glob_match("**/key", "key"));
  CHECK(glob_match("**/key", "a/key"));
  CHECK(glob_match("**/key", "a/b/key"));
  CHECK_FALSE(glob_match("**/key", "a/key2"));
  CHECK_FALSE(glob_match("**/key", "a/key/b"));
}

TEST_CASE("glob_match: '**' in the middle matches zero or more segments", "[config][glob]") {
  CHECK(glob_match("a/**/z", "a/z"));
  CHECK(glob_match("a/**/z", "a/b/z"));
  CHECK(glob_match("a/**/z", "a/b/c/z"));
  CHECK_FALSE(glob_match("a/**/z", "a/b/c"));
  CHECK_FALSE(glob_match("a/**/z", "z"));
  CHECK(glob_match("a/**/k*/z", "a/x/key/z"));
  CHECK(glob_match("a/**/b/**/c", "a/b/c"));
  CHECK(glob_match("a/**/b/**/c", "a/x/b/y/b/z/c"));
  CHECK_FALSE(glob_match("a/**/b/**/c", "a/x/c"));
  CHECK(glob_match("a/**/**/z", "a/z"));
  CHECK(glob_match("a/**/**", "a/b"));
  CHECK_FALSE(glob_match("a/**/**", "a"));  // runs of '**' mean one '**'
  CHECK(glob_match("**/**/b", "b"));
}

TEST_CASE("glob_match: many '**' do not backtrack exponentially", "[config][glob]") {
  std::string pattern;
  for (int i = 0; i < 60; ++i) pattern += "**/";
  pattern += "x";
  std::string name;
  for (int i = 0; i < 120; ++i) name += "a/";
  name += "y";
  CHECK_FALSE(glob_match(pattern, name));
  name.back() = 'x';
  CHECK(glob_match(pattern, name));
}

TEST_CASE("is_glob", "[config][glob]") {
  CHECK(is_glob("a/*"));
  CHECK(is_glob("**"));
  CHECK_FALSE(is_glob("a/b.c"));
}

TEST_CASE("validate_pattern: names and well-formed globs pass", "[config][glob]") {
  for (const char* p : {"a", "aws/s3-reader/key-id", "aws/*", "*", "**", "a/**", "**/b", "a/**/b", "k*y", "*.pem",
                        "a/*/*/b", "x_1.2-3/*"}) {
    INFO(p);
    CHECK(validate_pattern(p).ok());
  }
}

TEST_CASE("validate_pattern: malformed patterns are usage errors naming the rule", "[config][glob]") {
  struct Case {
    const char* pattern;
    const char* why;
  };
  for (const Case c : {Case{"", "empty"}, Case{"a//b", "empty segment"}, Case{"/a", "empty segment"},
                       Case{"a/", "empty segment"}, Case{"a/*/", "empty segment"}, Case{"../*", "'..'"},
                       Case{"./*", "'.'"}, Case{"a**", "whole segment"}, Case{"**b/c", "whole segment"},
                       Case{"a/***", "whole segment"}, Case{"a/?", "character outside"},
                       Case{"a/[ab]*", "character outside"}, Case{"a b/*", "character outside"},
                       Case{"a\\*", "character outside"}}) {
    INFO(c.pattern);
    const auto s = validate_pattern(c.pattern);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == vaultx::Errc::usage);
    CHECK(s.error().message.find(c.why) != std::string::npos);
    CHECK_FALSE(s.error().hint.empty());
  }
  CHECK_FALSE(validate_pattern(std::string(250, 'a') + "/*/*/*").ok());  // 256 bytes
  CHECK(validate_pattern(std::string(253, 'a') + "/*").ok());  // 255 bytes
}
