#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <vaultx/exec/redactor.hpp>

using vaultx::as_bytes;
using vaultx::Bytes;
using vaultx::exec::MaskedValue;
using vaultx::exec::redaction_forms;
using vaultx::exec::Redactor;

namespace {

// A string literal with its embedded NUL bytes.
template <std::size_t N>
std::string s(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

using Values = std::vector<std::pair<std::string, std::string>>;  // (name, value)

Redactor make_redactor(const Values& values) {
  std::vector<MaskedValue> masked;
  for (const auto& [name, value] : values) masked.push_back({name, as_bytes(value)});
  return Redactor(masked);
}

std::vector<std::string> forms_of(std::string_view value) {
  std::vector<std::string> out;
  const auto forms = redaction_forms(as_bytes(value));
  for (std::size_t i = 0; i < forms.size(); ++i) out.emplace_back(vaultx::as_text(forms[i]));
  return out;
}

using Patterns = std::vector<std::pair<std::string, std::string>>;  // (form, name)

Patterns patterns_of(const Values& values) {
  Patterns patterns;
  for (const auto& [name, value] : values) {
    if (value.size() < Redactor::kMinValueSize) continue;
    for (auto& form : forms_of(value)) patterns.emplace_back(std::move(form), name);
  }
  return patterns;
}

// The specification of the output: repeatedly take the leftmost match in
// what is left of the whole input, the longest among those starting there
// (the first listed among equal ones), and replace it.
std::string reference_redact(std::string_view input, const Patterns& patterns) {
  // next[p]: where pattern p next occurs at or after i (found again only once i passes it).
  std::vector<std::size_t> next;
  for (const auto& pattern : patterns) next.push_back(input.find(pattern.first));
  std::string out;
  std::size_t i = 0;
  for (;;) {
    std::size_t best_at = std::string_view::npos;
    std::size_t best = 0;
    for (std::size_t p = 0; p < patterns.size(); ++p) {
      if (next[p] != std::string_view::npos && next[p] < i) next[p] = input.find(patterns[p].first, i);
      if (next[p] == std::string_view::npos) continue;
      if (next[p] < best_at || (next[p] == best_at && patterns[p].first.size() > patterns[best].first.size())) {
        best_at = next[p];
        best = p;
      }
    }
    if (best_at == std::string_view::npos) return out.append(input.substr(i));
    out.append(input.substr(i, best_at - i)).append("<redacted:" + patterns[best].second + ">");
    i = best_at + patterns[best].first.size();
  }
}

std::string reference_for(std::string_view input, const Values& values) {
  return reference_redact(input, patterns_of(values));
}

// Feeds `input` cut at the given ascending positions.
std::string redact_cut(Redactor& redactor, std::string_view input, const std::vector<std::size_t>& cuts) {
  Bytes out;
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    redactor.feed(as_bytes(input.substr(from, cut - from)), out);
    from = cut;
  }
  redactor.feed(as_bytes(input.substr(from)), out);
  redactor.finish(out);
  return std::string(out.begin(), out.end());
}

std::string redact(Redactor& redactor, std::string_view input) { return redact_cut(redactor, input, {}); }

std::string redact_bytewise(Redactor& redactor, std::string_view input) {
  Bytes out;
  for (char c : input) redactor.feed(as_bytes(std::string_view(&c, 1)), out);
  redactor.finish(out);
  return std::string(out.begin(), out.end());
}

// Checks every split into two and three pieces, one byte at a time, and
// (for short inputs) every way of cutting the input at all.
void check_all_splits(const Values& values, std::string_view input) {
  Redactor redactor = make_redactor(values);
  const std::string expected = reference_for(input, values);
  INFO("input: " << std::string(input));
  REQUIRE(redact(redactor, input) == expected);
  REQUIRE(redact_bytewise(redactor, input) == expected);
  for (std::size_t i = 0; i <= input.size(); ++i) {
    REQUIRE(redact_cut(redactor, input, {i}) == expected);
    for (std::size_t j = i; j <= input.size() && input.size() <= 120; ++j) {
      REQUIRE(redact_cut(redactor, input, {i, j}) == expected);
    }
  }
  if (input.size() >= 2 && input.size() <= 14) {
    for (std::uint32_t mask = 0; mask < (1u << (input.size() - 1)); ++mask) {
      std::vector<std::size_t> cuts;
      for (std::size_t b = 0; b + 1 < input.size(); ++b) {
        if ((mask >> b) & 1) cuts.push_back(b + 1);
      }
      REQUIRE(redact_cut(redactor, input, cuts) == expected);
    }
  }
}

}  // namespace

TEST_CASE("redaction_forms lists each encoding once, raw value first", "[exec][redactor]") {
  SECTION("text needing every escape") {
    const std::vector<std::string> expected = {
        s("Pa5s/w\xc3\xb6rd \"x\"\x0a\xf0\x9f\x98\x80<&"),
        s("UGE1cy93w7ZyZCAieCIK8J+YgDwm"),  // base64; padded and unpadded agree
        s("UGE1cy93w7ZyZCAieCIK8J-YgDwm"),  // base64url
        s("Pa5s%2Fw%C3%B6rd%20%22x%22%0A%F0%9F%98%80%3C%26"),
        s("Pa5s%2fw%c3%b6rd%20%22x%22%0a%f0%9f%98%80%3c%26"),
        s("Pa5s%2Fw%C3%B6rd+%22x%22%0A%F0%9F%98%80%3C%26"),
        s("Pa5s%2fw%c3%b6rd+%22x%22%0a%f0%9f%98%80%3c%26"),
        s("Pa5s/w\xc3\xb6rd \\\"x\\\"\\n\xf0\x9f\x98\x80<&"),              // JSON plain
        s("Pa5s\\/w\xc3\xb6rd \\\"x\\\"\\n\xf0\x9f\x98\x80<&"),            // slash
        s("Pa5s/w\\u00f6rd \\\"x\\\"\\n\\ud83d\\ude00<&"),                 // ascii
        s("Pa5s\\/w\\u00f6rd \\\"x\\\"\\n\\ud83d\\ude00<&"),               // ascii+slash
        s("Pa5s/w\xc3\xb6rd \\\"x\\\"\\n\xf0\x9f\x98\x80\\u003c\\u0026"),  // html
        s("Pa5s/w\\u00F6rd \\\"x\\\"\\n\\uD83D\\uDE00<&"),                 // ascii, upper hex
        s("Pa5s\\/w\\u00F6rd \\\"x\\\"\\n\\uD83D\\uDE00<&"),               // ascii+slash, upper hex
    };
    CHECK(forms_of(expected[0]) == expected);
  }
  SECTION("plain text: only base64 differs") {
    CHECK(forms_of("abcd1234") == std::vector<std::string>{"abcd1234", "YWJjZDEyMzQ=", "YWJjZDEyMzQ"});
  }
  SECTION("control bytes and DEL") {
    const std::vector<std::string> expected = {
        s("\x01\x1f\x7f\xc3\xa9"
          "ab"),
        s("AR9/w6lhYg=="),
        s("AR9/w6lhYg"),
        s("AR9_w6lhYg=="),
        s("AR9_w6lhYg"),
        s("%01%1F%7F%C3%A9ab"),
        s("%01%1f%7f%c3%a9ab"),
        s("\\u0001\\u001f\x7f\xc3\xa9"
          "ab"),
        s("\\u0001\\u001f\\u007f\\u00e9ab"),
        s("\\u0001\\u001F\x7f\xc3\xa9"
          "ab"),
        s("\\u0001\\u001F\\u007F\\u00E9ab"),
    };
    CHECK(forms_of(expected[0]) == expected);
  }
  SECTION("binary, not UTF-8: no \\u forms of non-ASCII bytes") {
    const std::vector<std::string> expected = {
        s("\xff\x00"
          "ab/"),
        s("/wBhYi8="),
        s("/wBhYi8"),
        s("_wBhYi8="),
        s("_wBhYi8"),
        s("%FF%00ab%2F"),
        s("%ff%00ab%2f"),
        s("\xff\\u0000ab/"),
        s("\xff\\u0000ab\\/"),
    };
    CHECK(forms_of(expected[0]) == expected);
  }
}

TEST_CASE("Redactor masks every encoded form, split anywhere", "[exec][redactor]") {
  const std::string value = s("Pa5s/w\xc3\xb6rd \"x\"\x0a\xf0\x9f\x98\x80<&");
  const Values values = {{"db/password", value}};
  Redactor redactor = make_redactor(values);
  CHECK(redactor.form_count() == forms_of(value).size());
  for (const std::string& form : forms_of(value)) {
    const std::string input = "before " + form + " after";
    INFO("form: " << form);
    CHECK(redact(redactor, input) == "before <redacted:db/password> after");
    check_all_splits(values, input);
  }
}

TEST_CASE("Redactor holds back only a possible match", "[exec][redactor]") {
  Redactor redactor = make_redactor({{"K", "abcdef"}});
  Bytes out;
  redactor.feed(as_bytes("xxabc"), out);
  CHECK(std::string(out.begin(), out.end()) == "xx");
  redactor.feed(as_bytes("dX"), out);
  CHECK(std::string(out.begin(), out.end()) == "xxabcdX");
  redactor.feed(as_bytes("abcde"), out);
  redactor.feed(as_bytes("f"), out);
  CHECK(std::string(out.begin(), out.end()) == "xxabcdX");  // "abcdef" could still grow? no form is longer
  redactor.finish(out);
  CHECK(std::string(out.begin(), out.end()) == "xxabcdX<redacted:K>");
  // finish() leaves the redactor ready for a new stream.
  CHECK(redact(redactor, "abcdabcdef") == "abcd<redacted:K>");
}

TEST_CASE("Redactor: leftmost wins, then longest", "[exec][redactor]") {
  const Values values = {{"A", "abcd"}, {"B", "bcdefg"}, {"C", "abcdefgh"}, {"D", "abcdef"}};
  CHECK(reference_for("xabcdefgx", values) == "x<redacted:D>gx");
  check_all_splits(values, "xabcdefgx");
  check_all_splits(values, "abcdefghabcdabcdefbcdefgh");
  check_all_splits(values, "aabcabcdabcdeabcdefabcdefgabcdefgh");
}

TEST_CASE("Redactor: values that are prefixes of each other", "[exec][redactor]") {
  const Values values = {{"P4", "aaaa"}, {"P6", "aaaaaa"}, {"P9", "aaaaaaaab"}};
  check_all_splits(values, "aaaaaaaaaaaaaaaaaaaab");
  check_all_splits(values, "aaaaaaaaaaaaaaaaaaaa");
  check_all_splits(values, "aaaaaaaabaaaaaaab");
  Redactor redactor = make_redactor(values);
  CHECK(redact(redactor, "aaaaaaaab") == "<redacted:P9>");
  CHECK(redact(redactor, "aaaaaaaaab") == "<redacted:P6>aaab");  // leftmost first, then longest
  CHECK(redact(redactor, "aaaaaaaaaa") == "<redacted:P6><redacted:P4>");
}

TEST_CASE("Redactor: a value that is part of the replacement text", "[exec][redactor]") {
  const Values values = {{"A", "s3cr3t"}, {"B", "redacted"}, {"C", "<redacted:B>"}};
  Redactor redactor = make_redactor(values);
  // The replacement is never scanned again...
  CHECK(redact(redactor, "s3cr3t") == "<redacted:A>");
  CHECK(redact(redactor, "redacted") == "<redacted:B>");
  // ...but the same text arriving from the child is.
  CHECK(redact(redactor, "<redacted:A>") == "<<redacted:B>:A>");
  CHECK(redact(redactor, "<redacted:B>") == "<redacted:C>");
  check_all_splits(values, "s3cr3t<redacted:A>s3cr3tredacted");
}

TEST_CASE("Redactor: binary values with NUL bytes", "[exec][redactor]") {
  const Values values = {{"bin", s("\x00\x00\xff\x00"
                                   "a")},
                         {"nul4", s("\x00\x00\x00\x00")}};
  Redactor redactor = make_redactor(values);
  CHECK(redact(redactor, s("\x00\x00\x00\xff\x00"
                           "ab")) == s("\x00<redacted:bin>b"));
  CHECK(redact(redactor, s("\x00\x00\x00\x00\x00")) == s("<redacted:nul4>\x00"));
  check_all_splits(values, s("\x00\x00\x00\x00\xff\x00"
                             "a\x00\x00\xff\x00"
                             "a\x00\x00\x00"));
  check_all_splits(values, s("xx%00%00%FF%00ay") + s("\\u0000\\u0000\xff\\u0000"
                                                     "a"));
}

TEST_CASE("Redactor skips values shorter than 4 bytes and says which", "[exec][redactor]") {
  const Values values = {{"empty", ""}, {"pin", "123"}, {"ok", "1234"}, {"two", "ab"}};
  Redactor redactor = make_redactor(values);
  CHECK(redactor.skipped_names() == std::vector<std::string>{"empty", "pin", "two"});
  CHECK(redact(redactor, "123 ab 1234 12345") == "123 ab <redacted:ok> <redacted:ok>5");
  Redactor none = make_redactor({{"pin", "123"}});
  CHECK(none.form_count() == 0);
  CHECK(redact(none, "123") == "123");
  CHECK(redact_bytewise(none, "a123b") == "a123b");
}

TEST_CASE("Redactor masks a value above kMaxEncodedValueSize only as it is", "[exec][redactor]") {
  std::string big(vaultx::exec::kMaxEncodedValueSize + 1, 'x');
  big[0] = '/';  // so that its percent and JSON forms would differ
  CHECK(forms_of(big) == std::vector<std::string>{big});
  const std::string limit = big.substr(0, vaultx::exec::kMaxEncodedValueSize);
  CHECK(forms_of(limit).size() > 1);
  Redactor redactor = make_redactor({{"big", big}});
  CHECK(redactor.max_holdback() == big.size());
  CHECK(redact(redactor, "<" + big + ">") == "<<redacted:big>>");
  CHECK(redact(redactor, "<" + big.substr(1) + ">") == "<" + big.substr(1) + ">");
}

TEST_CASE("Redactor: the first name listed wins a shared form", "[exec][redactor]") {
  // "YWJjZA" is both the base64 of "abcd" and a value of its own.
  const Values values = {{"second", "YWJjZA"}, {"first", "abcd"}, {"same", "abcd"}};
  Redactor redactor = make_redactor(values);
  CHECK(redact(redactor, "abcd YWJjZA YWJjZA==") == "<redacted:first> <redacted:second> <redacted:first>");
}

TEST_CASE("Redactor agrees with the reference on random overlapping input", "[exec][redactor]") {
  std::mt19937 rng(20240611);
  const std::vector<std::string> alphabets = {"ab", "abc", "a/%", s("a\x00"), "aA=_", s("\"\\/a\n")};
  for (int round = 0; round < 1500; ++round) {
    const std::string& alphabet = alphabets[rng() % alphabets.size()];
    auto random_text = [&](std::size_t size) {
      std::string text;
      for (std::size_t i = 0; i < size; ++i) text += alphabet[rng() % alphabet.size()];
      return text;
    };
    Values values;
    const std::size_t value_count = 1 + rng() % 5;
    for (std::size_t v = 0; v < value_count; ++v) values.emplace_back("v" + std::to_string(v), random_text(rng() % 9));
    const Patterns patterns = patterns_of(values);
    Redactor redactor = make_redactor(values);
    for (int text = 0; text < 8; ++text) {
      // Mostly alphabet noise, with whole forms of the values mixed in.
      std::string input;
      const std::size_t pieces = rng() % 12;
      for (std::size_t p = 0; p < pieces; ++p) {
        if (rng() % 3 == 0 && !patterns.empty()) {
          input += patterns[rng() % patterns.size()].first;
        } else {
          input += random_text(rng() % 10);
        }
      }
      const std::string expected = reference_redact(input, patterns);
      INFO("round " << round << ", text " << text);
      REQUIRE(redact(redactor, input) == expected);
      REQUIRE(redact_bytewise(redactor, input) == expected);
      for (int cutting = 0; cutting < 8; ++cutting) {
        std::vector<std::size_t> cuts;
        for (std::size_t at = rng() % 4; at < input.size(); at += 1 + rng() % (2 + cutting * 3)) cuts.push_back(at);
        REQUIRE(redact_cut(redactor, input, cuts) == expected);
      }
    }
  }
}

TEST_CASE("Redactor::new_stream shares the tables, not the stream", "[exec][redactor]") {
  Redactor out_stream = make_redactor({{"K", "abcdef"}, {"pin", "12"}});
  Redactor err_stream = out_stream.new_stream();
  Bytes out;
  Bytes err;
  out_stream.feed(as_bytes("xabc"), out);
  err_stream.feed(as_bytes("yabcdef"), err);
  out_stream.feed(as_bytes("dez"), out);
  out_stream.finish(out);
  err_stream.finish(err);
  CHECK(std::string(out.begin(), out.end()) == "xabcdez");
  CHECK(std::string(err.begin(), err.end()) == "y<redacted:K>");
  CHECK(err_stream.skipped_names() == std::vector<std::string>{"pin"});
}

TEST_CASE("Redactor handles many long values and large chunks", "[exec][redactor]") {
  std::mt19937 rng(7);
  Values values;
  for (int v = 0; v < 50; ++v) {
    std::string value;
    const std::size_t size = 20 + rng() % 41;
    for (std::size_t i = 0; i < size; ++i) value += static_cast<char>(0x21 + rng() % 94);
    values.emplace_back("secret" + std::to_string(v), value);
  }
  const Patterns patterns = patterns_of(values);
  std::string input;
  for (int line = 0; line < 2000; ++line) {
    input += "line " + std::to_string(line) + ": ";
    if (line % 7 == 0) input += patterns[rng() % patterns.size()].first;
    for (int i = 0; i < 40; ++i) input += static_cast<char>(0x20 + rng() % 95);
    input += '\n';
  }
  const std::string expected = reference_redact(input, patterns);
  Redactor redactor = make_redactor(values);
  CHECK(redact(redactor, input) == expected);
  std::vector<std::size_t> cuts;
  for (std::size_t at = 0; at < input.size(); at += 1 + rng() % 5000) cuts.push_back(at);
  CHECK(redact_cut(redactor, input, cuts) == expected);
  CHECK(redact_bytewise(redactor, input) == expected);
}
