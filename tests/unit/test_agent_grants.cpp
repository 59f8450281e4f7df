#include <catch2/catch.hpp>

#include <variant>

#include <vaultx/agent/grants.hpp>

using namespace vaultx;
using namespace vaultx::agent;

namespace {

Holder holder_of(const GrantTable& t, const Issued& i, Millis now) {
  const auto who = t.identify(i.token.view(), now);
  REQUIRE(std::holds_alternative<Holder>(who));
  return std::get<Holder>(who);
}

Denial denial_of(const GrantTable& t, const Issued& i, Millis now) {
  const auto who = t.identify(i.token.view(), now);
  REQUIRE(std::holds_alternative<Denial>(who));
  return std::get<Denial>(who);
}

}  // namespace

TEST_CASE("rates parse in the documented spellings", "[agent]") {
  CHECK(parse_rate("60/min") == Rate{60, 60});
  CHECK(parse_rate("5/m") == Rate{5, 60});
  CHECK(parse_rate("10/s") == Rate{10, 1});
  CHECK(parse_rate("1000/h") == Rate{1000, 3600});
  CHECK(parse_rate("10000/d") == Rate{10000, 86400});
  CHECK(!parse_rate("0/min"));
  CHECK(!parse_rate("5"));
  CHECK(!parse_rate("5/fortnight"));
  CHECK(!parse_rate("-1/s"));
  CHECK(!parse_rate("99999999999999999999999/s"));
  CHECK(format_rate(Rate{60, 60}) == "60/min");
}

TEST_CASE("the owner token is told apart from grants", "[agent]") {
  GrantTable t;
  const auto owner = t.issue_owner();
  CHECK(holder_of(t, owner, 0).owner);
  const auto g = t.issue(GrantSpec{{"ci"}, 60, std::nullopt, std::nullopt}, 0);
  const auto h = holder_of(t, g, 0);
  CHECK(!h.owner);
  CHECK(h.scopes == std::vector<std::string>{"ci"});
  CHECK(h.id == g.id);
  Issued stranger;
  stranger.token = secure::SecretBytes::copy_of(std::string_view("vxtok1_") );
  CHECK(denial_of(t, stranger, 0) == Denial::unknown_token);
}

TEST_CASE("a grant expires after its TTL", "[agent]") {
  GrantTable t;
  const auto g = t.issue(GrantSpec{{"ci"}, 10, std::nullopt, std::nullopt}, 1000);
  holder_of(t, g, 10999);
  CHECK(denial_of(t, g, 11000) == Denial::expired);
  t.purge(20000);
  CHECK(denial_of(t, g, 20000) == Denial::expired);
  CHECK(t.list(20000).empty());
}

TEST_CASE("uses are counted and spent grants leave the list", "[agent]") {
  GrantTable t;
  const auto g = t.issue(GrantSpec{{"ci"}, std::nullopt, 2, std::nullopt}, 0);
  CHECK(!t.charge(g.id, 0));
  CHECK(t.list(0).at(0).uses_left == 1u);
  CHECK(!t.charge(g.id, 0));
  CHECK(t.charge(g.id, 0) == Denial::exhausted);
  CHECK(denial_of(t, g, 0) == Denial::exhausted);
  CHECK(t.list(0).empty());
  t.purge(0);
  CHECK(denial_of(t, g, 0) == Denial::exhausted);
}

TEST_CASE("a rate of 5/min refuses the 6th read within the minute", "[agent]") {
  GrantTable t;
  const auto g = t.issue(GrantSpec{{"ci"}, std::nullopt, std::nullopt, Rate{5, 60}}, 0);
  for (int i = 0; i < 5; ++i) CHECK(!t.charge(g.id, i * 100));
  CHECK(t.charge(g.id, 1000) == Denial::rate);
  // One read comes back every 12 seconds.
  CHECK(t.charge(g.id, 11000) == Denial::rate);
  CHECK(!t.charge(g.id, 12600));
  CHECK(t.charge(g.id, 12700) == Denial::rate);
}

TEST_CASE("revocation is immediate and remembered", "[agent]") {
  GrantTable t;
  const auto a = t.issue(GrantSpec{{"a"}, 3600, std::nullopt, std::nullopt}, 0);
  const auto b = t.issue(GrantSpec{{"b"}, 3600, std::nullopt, std::nullopt}, 0);
  CHECK(t.live_count(0) == 2);
  CHECK(t.revoke(a.id));
  CHECK(!t.revoke(a.id));
  CHECK(denial_of(t, a, 1) == Denial::revoked);
  CHECK(t.charge(a.id, 1) == Denial::revoked);
  holder_of(t, b, 1);
  CHECK(t.revoke_all() == 1);
  CHECK(denial_of(t, b, 2) == Denial::revoked);
  CHECK(t.live_count(2) == 0);
}
