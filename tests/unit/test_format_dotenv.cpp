// The dotenv parser: the reference's readings (checked against npm dotenv
// 18.0.10 by hand and by tests/e2e/test_import_export.py) and the lines it
// refuses.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include <vaultx/format/dotenv.hpp>

using vaultx::format::parse_dotenv;

namespace {

// The object dotenv.parse() returns: the last definition of a key wins.
std::map<std::string, std::string> parsed(std::string_view text) {
  auto r = parse_dotenv(text, "t.env");
  INFO("input: " << std::string(text));
  REQUIRE(r.ok());
  std::map<std::string, std::string> out;
  for (const auto& e : *r) out[e.key] = std::string(e.value.view());
  return out;
}

std::string dotenv_value(std::string_view text, const std::string& key = "A") {
  const auto all = parsed(text);
  const auto it = all.find(key);
  REQUIRE(it != all.end());
  return it->second;
}

std::string dotenv_error(std::string_view text) {
  auto r = parse_dotenv(text, "t.env");
  INFO("input: " << std::string(text));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == vaultx::Errc::usage);
  return r.error().message;
}

}  // namespace

TEST_CASE("dotenv: unquoted values", "[format][dotenv]") {
  CHECK(dotenv_value("A=1") == "1");
  CHECK(dotenv_value("A=  x y  # c") == "x y");
  CHECK(dotenv_value("A = x") == "x");
  CHECK(dotenv_value("A=abc#def") == "abc");
  CHECK(dotenv_value("A=#x") == "");
  CHECK(dotenv_value("A=") == "");
  CHECK(dotenv_value("A=\nB=2") == "");
  CHECK(dotenv_value("A=a=b==c") == "a=b==c");
  CHECK(dotenv_value("A=it's") == "it's");
  CHECK(dotenv_value("A=a\"b`c") == "a\"b`c");
  CHECK(dotenv_value("A=\xc2\xa0x\xc2\xa0") == "x");                 // NBSP is white space
  CHECK(dotenv_value("A=\xe3\x80\x80x\xe2\x80\x8a") == "x");         // U+3000, U+200A
  CHECK(dotenv_value("A=caf\xc3\xa9 \xe2\x9c\x93") == "caf\xc3\xa9 \xe2\x9c\x93");
  CHECK(dotenv_value("A=back\\slash\\n") == "back\\slash\\n");       // no escapes outside double quotes
  CHECK(dotenv_value(std::string_view("A=x\0y", 5)) == std::string("x\0y", 3));
}

TEST_CASE("dotenv: keys, export and the colon form", "[format][dotenv]") {
  CHECK(parsed("export FOO=1") == std::map<std::string, std::string>{{"FOO", "1"}});
  CHECK(parsed("export\tFOO=1") == std::map<std::string, std::string>{{"FOO", "1"}});
  CHECK(parsed("export export=1") == std::map<std::string, std::string>{{"export", "1"}});
  CHECK(parsed("export =1") == std::map<std::string, std::string>{{"export", "1"}});
  CHECK(parsed("exportFOO=1") == std::map<std::string, std::string>{{"exportFOO", "1"}});
  CHECK(parsed("a.b-c_D9=1") == std::map<std::string, std::string>{{"a.b-c_D9", "1"}});
  CHECK(parsed("K: v") == std::map<std::string, std::string>{{"K", "v"}});
  CHECK(parsed("K:\t 'q' # c") == std::map<std::string, std::string>{{"K", "q"}});
  CHECK(parsed("\xef\xbb\xbf" "A=1") == std::map<std::string, std::string>{{"A", "1"}});
  CHECK(parsed("  # comment\n\n\t\nA=1 # c\n# B=2\n") == std::map<std::string, std::string>{{"A", "1"}});
}

TEST_CASE("dotenv: quoted values", "[format][dotenv]") {
  CHECK(dotenv_value("A='x'") == "x");
  CHECK(dotenv_value("A=  'x'  # c") == "x");
  CHECK(dotenv_value("A=`run $(id)`") == "run $(id)");
  CHECK(dotenv_value("A='# not a comment'") == "# not a comment");
  CHECK(dotenv_value("A='  spaces  '") == "  spaces  ");
  CHECK(dotenv_value("A=''") == "");
  CHECK(dotenv_value("A=\"\"") == "");
  CHECK(dotenv_value("A='multi\nline' # c\nB=2") == "multi\nline");
  CHECK(dotenv_value("A='multi\nline' # c\nB=2", "B") == "2");
  CHECK(dotenv_value("A=\"a\\nb\\\\n\\r\"") == "a\nb\\\n\r");  // only \n and \r, and only in double quotes
  CHECK(dotenv_value("A='a\\nb'") == "a\\nb");
  CHECK(dotenv_value("A=\"say \\\"hi\\\"\"") == "say \\\"hi\\\"");  // \" keeps its backslash
  CHECK(dotenv_value("A='it\\'s'") == "it\\'s");
  CHECK(dotenv_value("A=\"x\u2028y\"") == "x\u2028y");  // separators are fine inside quotes
  CHECK(dotenv_value("A=\"crlf\r\nline\"") == "crlf\nline");
  CHECK(dotenv_value("A='cr\rline'") == "cr\nline");
}

TEST_CASE("dotenv: the closing quote the reference settles on", "[format][dotenv]") {
  // The first unescaped quote fails (text follows); an escaped one before it works.
  CHECK(dotenv_value("A='a\\' # c ' x") == "a\\");
  // No unescaped quote: the last escaped one closes.
  CHECK(dotenv_value("A='x\\'") == "x\\");
  CHECK(dotenv_value("A='a\\'b\\'\nB=1") == "a\\'b\\");
  CHECK(dotenv_value("A='a\\'b\\'\nB=1", "B") == "1");
}

TEST_CASE("dotenv: CR and CRLF end lines", "[format][dotenv]") {
  CHECK(parsed("A=1\r\nB=2\rC=3") == std::map<std::string, std::string>{{"A", "1"}, {"B", "2"}, {"C", "3"}});
}

TEST_CASE("dotenv: every entry is kept in order; the last one wins", "[format][dotenv]") {
  auto r = parse_dotenv("A=1\n\nB=2\nA=3\n", "t.env");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  CHECK((*r)[0].key == "A");
  CHECK((*r)[0].line == 1);
  CHECK((*r)[1].line == 3);
  CHECK((*r)[2].line == 4);
  CHECK(dotenv_value("A=1\nA=3") == "3");
  auto multi = parse_dotenv("A='x\ny\nz'\nB=1", "t.env");
  REQUIRE(multi.ok());
  CHECK((*multi)[1].line == 4);
}

TEST_CASE("dotenv: lines the reference would skip or misread are errors", "[format][dotenv]") {
  CHECK(dotenv_error("FOO") == "t.env:1: expected '=' after the key 'FOO'");
  CHECK(dotenv_error("A=1\nFOO\n=bar") == "t.env:2: expected '=' after the key 'FOO'");
  CHECK(dotenv_error("A=1\n!x=1") ==
        "t.env:2: expected KEY=VALUE, export KEY=VALUE, a comment or a blank line");
  CHECK(dotenv_error("K :v").starts_with("t.env:1: expected '='"));
  CHECK(dotenv_error("K:v").starts_with("t.env:1: 'K:' must be followed"));
  CHECK(dotenv_error("K:\nv").starts_with("t.env:1: 'K:' must be followed"));
  CHECK(dotenv_error("A='x' y") == "t.env:1: the closing quote of 'A' is followed by text other than a comment");
  CHECK(dotenv_error("A=\"unterminated\nB=2") == "t.env:1: the quoted value of 'A' is never closed");
  CHECK(dotenv_error("A=\n'x'").starts_with("t.env:2: expected KEY=VALUE"));
  CHECK(dotenv_error("A=1\nB='x'junk\n").starts_with("t.env:2: the closing quote of 'B'"));
  CHECK(dotenv_error("__proto__=1") == "t.env:1: the key '__proto__' is not allowed");
  CHECK(dotenv_error("A=x\u2028B=1").starts_with("t.env:1: a Unicode line or paragraph separator"));
  CHECK(dotenv_error("# x\u2029B=1").starts_with("t.env:1: a Unicode line"));
  CHECK(dotenv_error("A=1\nB=caf\xe9") == "t.env:2: the text is not valid UTF-8");
  CHECK(dotenv_error("export FOO BAR=1").starts_with("t.env:1: expected '=' after the key 'FOO'"));
  CHECK(dotenv_error("A=1 'x' \nB='y' z").starts_with("t.env:2:"));
}

TEST_CASE("dotenv: errors never show a value", "[format][dotenv]") {
  for (const char* input : {"A='sekrit-value' tail", "A=\"sekrit-value", "A=sekrit-value\u2028", "A=sekrit-value\nB"}) {
    auto r = parse_dotenv(input, "t.env");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("sekrit") == std::string::npos);
    CHECK(r.error().hint.find("sekrit") == std::string::npos);
  }
}
