#include <catch2/catch.hpp>

#include <vaultx/broker/broker.hpp>
#include <vaultx/broker/rate_limiter.hpp>

using vaultx::broker::TokenBucket;

TEST_CASE("rate limiter: a burst of count, then one per period/count", "[broker]") {
  TokenBucket bucket(3, 60, 1000);  // 3/min: one token every 20 s
  CHECK(bucket.try_take(1000));
  CHECK(bucket.try_take(1000));
  CHECK(bucket.try_take(1000));
  CHECK_FALSE(bucket.try_take(1000));
  CHECK(bucket.wait_ms(1000) == 20000);
  CHECK_FALSE(bucket.try_take(20999));
  CHECK(bucket.wait_ms(20999) == 1);
  CHECK(bucket.try_take(21000));
  CHECK_FALSE(bucket.try_take(21000));
  // Never more than the burst, however long it rested.
  CHECK(bucket.try_take(10'000'000));
  CHECK(bucket.try_take(10'000'000));
  CHECK(bucket.try_take(10'000'000));
  CHECK_FALSE(bucket.try_take(10'000'000));
}

TEST_CASE("rate limiter: a clock going backwards adds nothing", "[broker]") {
  TokenBucket bucket(1, 1, 5000);
  CHECK(bucket.try_take(5000));
  CHECK_FALSE(bucket.try_take(1000));
  CHECK_FALSE(bucket.try_take(5999));
  CHECK(bucket.try_take(6000));
}

TEST_CASE("broker: placeholders are fresh and checked in constant time", "[broker]") {
  const auto a = vaultx::broker::make_placeholder();
  const auto b = vaultx::broker::make_placeholder();
  CHECK(a.size() == 37);
  CHECK(a.view().rfind("vxph_", 0) == 0);
  CHECK_FALSE(a.equals(b));
  const std::string header = "Bearer " + std::string(a.view());
  CHECK(vaultx::broker::carries_placeholder(header, a));
  CHECK(vaultx::broker::carries_placeholder(a.view(), a));
  CHECK_FALSE(vaultx::broker::carries_placeholder(header, b));
  CHECK_FALSE(vaultx::broker::carries_placeholder("Bearer " + std::string(a.view()) + "x", a));
  CHECK_FALSE(vaultx::broker::carries_placeholder("", a));
}

TEST_CASE("broker: request targets", "[broker]") {
  using vaultx::broker::split_target;
  const auto t = split_target("/openai/chat/completions?x=1");
  REQUIRE(t);
  CHECK(t->route == "openai");
  CHECK(t->rest == "/chat/completions?x=1");
  CHECK(split_target("/openai")->rest.empty());
  CHECK(split_target("/openai?q")->rest == "?q");
  for (const char* bad : {"", "/", "*", "http://evil.example/x", "api.openai.com:443", "/open ai/x", "/openai/../x",
                          "/openai/%2e%2E/x", "/openai/a/./b", "/../x"}) {
    INFO(bad);
    CHECK_FALSE(split_target(bad));
  }
  CHECK(split_target("/openai/a..b/x"));
}

TEST_CASE("broker: templates render with the real values", "[broker]") {
  const auto parts = vaultx::config::parse_inject_template("Bearer {k}");
  REQUIRE(parts.ok());
  const auto value = vaultx::secure::SecretBytes::copy_of(std::string_view("sk-123"));
  auto r = vaultx::broker::render_value(*parts, [&](std::string_view n) { return n == "k" ? &value : nullptr; });
  REQUIRE(r.ok());
  CHECK(r->view() == "Bearer sk-123");
  CHECK_FALSE(vaultx::broker::render_value(*parts, [](std::string_view) { return nullptr; }).ok());
}
