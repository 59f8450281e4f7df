// JSON import: strings and nested objects, strict RFC 8259, errors with
// line and column that never show a value.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include <vaultx/format/json_import.hpp>

using namespace vaultx::format;

namespace {

std::vector<std::pair<std::string, std::string>> entries(std::string_view text) {
  auto r = parse_json_import(text, "t.json");
  INFO("input: " << std::string(text));
  if (!r.ok()) INFO("error: " << r.error().message);
  REQUIRE(r.ok());
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : *r) out.emplace_back(e.key, std::string(e.value.view()));
  return out;
}

std::string json_error(std::string_view text) {
  auto r = parse_json_import(text, "t.json");
  INFO("input: " << std::string(text));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == vaultx::Errc::usage);
  return r.error().message;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

}  // namespace

TEST_CASE("json import: flat and nested objects", "[format][json_import]") {
  CHECK(entries("{}").empty());
  CHECK(entries(" {\"A\": \"1\", \"b\" : \"two\"} \n") == Pairs{{"A", "1"}, {"b", "two"}});
  CHECK(entries("{\"openai\": {\"api-key\": \"sk\"}, \"aws\": {\"s3\": {\"id\": \"x\", \"k\": \"y\"}}}") ==
        Pairs{{"openai/api-key", "sk"}, {"aws/s3/id", "x"}, {"aws/s3/k", "y"}});
  CHECK(entries("{\"empty\": {}}").empty());
  CHECK(entries("\xef\xbb\xbf{\"A\": \"1\"}") == Pairs{{"A", "1"}});
}

TEST_CASE("json import: string escapes", "[format][json_import]") {
  CHECK(entries(R"({"A": "q\"b\\s\/n\n\r\t\b\f"})") == Pairs{{"A", "q\"b\\s/n\n\r\t\b\f"}});
  CHECK(entries(R"({"A": "\u00e9\u2713\ud83d\ude00\u0000"})") ==
        Pairs{{"A", std::string("\xc3\xa9\xe2\x9c\x93\xf0\x9f\x98\x80\0", 10)}});
  CHECK(entries("{\"A\": \"caf\xc3\xa9\"}") == Pairs{{"A", "caf\xc3\xa9"}});
  CHECK(entries(R"({"k\u0041y": "v"})") == Pairs{{"kAy", "v"}});
}

TEST_CASE("json import: line numbers", "[format][json_import]") {
  auto r = parse_json_import("{\n  \"A\": \"1\",\n  \"B\":\n    \"2\"\n}", "t.json");
  REQUIRE(r.ok());
  CHECK((*r)[0].line == 2);
  CHECK((*r)[1].line == 4);
}

TEST_CASE("json import: what it refuses", "[format][json_import]") {
  CHECK(json_error("") == "t.json:1:1: expected a JSON object ('{') at the top level");
  CHECK(json_error("[\"a\"]") == "t.json:1:1: expected a JSON object ('{') at the top level");
  CHECK(json_error("{\n \"PORT\": 8080}") == "t.json:2:10: 'PORT' is a number; only strings and objects can be imported");
  CHECK(json_error("{\"a\": {\"b\": true}}").find("'a/b' is a boolean") != std::string::npos);
  CHECK(json_error("{\"a\": null}").find("'a' is null") != std::string::npos);
  CHECK(json_error("{\"a\": [\"x\"]}").find("'a' is an array") != std::string::npos);
  CHECK(json_error("{\"a\": \"1\", \"a\": \"2\"}").find("duplicate key 'a'") != std::string::npos);
  CHECK(json_error("{\"a\": \"1\",}").find("expected a key") != std::string::npos);
  CHECK(json_error("{'a': '1'}").find("expected a key") != std::string::npos);
  CHECK(json_error("{\"a\": \"1\"} x").find("unexpected text after") != std::string::npos);
  CHECK(json_error("{\"a\": \"1\"").find("expected ',' or '}'") != std::string::npos);
  CHECK(json_error("{\"a\": \"1").find("never closed") != std::string::npos);
  CHECK(json_error("{\"a\": \"x\ny\"}").find("control character") != std::string::npos);
  CHECK(json_error("{\"a\": \"\\x\"}").find("unknown escape") != std::string::npos);
  CHECK(json_error("{\"a\": \"\\ud800\"}").find("lone surrogate") != std::string::npos);
  CHECK(json_error("{\"a\": \"\\udc00\"}").find("lone surrogate") != std::string::npos);
  CHECK(json_error("{\"a\": \"\\u12\"}").find("malformed \\u") != std::string::npos);
  CHECK(json_error("{\"a\": \"caf\xe9\"}").find("not valid UTF-8") != std::string::npos);
  CHECK(json_error("{\"a\": \"x\"\n// c\n}").find("t.json:2:1:") == 0);
  std::string deep;
  for (int i = 0; i < 70; ++i) deep += "{\"a\":";
  CHECK(json_error(deep).find("nested deeper than 64") != std::string::npos);
}

TEST_CASE("json import: errors never show a value", "[format][json_import]") {
  for (const char* input : {"{\"a\": \"sekrit\\q\"}", "{\"a\": \"sekrit", "{\"a\": \"sekrit\" \"b\"}",
                            "{\"a\": \"sekrit\x01\"}"}) {
    auto r = parse_json_import(input, "t.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("sekrit") == std::string::npos);
  }
}

TEST_CASE("walk_json: arrays and scalars when asked for", "[format][json_import]") {
  std::vector<std::string> seen;
  const JsonVisitor visit = [&](const JsonLeaf& leaf) -> vaultx::Status {
    std::string path;
    for (const auto& p : leaf.path) path += "/" + p;
    seen.push_back(path + "=" + std::string(leaf.text));
    return {};
  };
  const JsonWalkOptions options{.allow_arrays = true, .allow_scalars = true};
  REQUIRE(walk_json(R"({"a": [1, -2.5e+3, {"b": null}], "c": true, "d": "s", "e": []})", "t.json", options, visit).ok());
  CHECK(seen == std::vector<std::string>{"/a/0=1", "/a/1=-2.5e+3", "/a/2/b=null", "/c=true", "/d=s"});
  CHECK_FALSE(walk_json(R"({"a": 01})", "t.json", options, visit).ok());
  CHECK_FALSE(walk_json(R"({"a": 1.})", "t.json", options, visit).ok());
  CHECK_FALSE(walk_json(R"({"a": -})", "t.json", options, visit).ok());
  CHECK_FALSE(walk_json(R"({"a": tru})", "t.json", options, visit).ok());
  CHECK_FALSE(walk_json(R"({"a": [1,]})", "t.json", options, visit).ok());
}
