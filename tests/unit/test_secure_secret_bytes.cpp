// SecretBytes: the guarded buffer every key and value lives in.
#include <catch2/catch.hpp>

#include <algorithm>
#include <future>
#include <type_traits>
#include <vector>

#include <vaultx/secure/environment.hpp>
#include <vaultx/secure/secret_bytes.hpp>

#include "helpers.hpp"

using vaultx::secure::SecretBytes;

static_assert(!std::is_copy_constructible_v<SecretBytes>);
static_assert(!std::is_copy_assignable_v<SecretBytes>);
static_assert(std::is_nothrow_move_constructible_v<SecretBytes>);
static_assert(std::is_nothrow_move_assignable_v<SecretBytes>);

TEST_CASE("SecretBytes construction", "[secure]") {
  const SecretBytes empty;
  CHECK(empty.empty());
  CHECK(empty.size() == 0);
  const SecretBytes zeros(5);
  CHECK(zeros.size() == 5);
  for (auto b : zeros.span()) CHECK(b == 0);
  const SecretBytes none(0);
  CHECK(none.empty());
  CHECK(none.data() != nullptr);  // zero-size still gets a real block
  const auto text = SecretBytes::copy_of(std::string_view("a\0b", 3));
  CHECK(text.size() == 3);
  CHECK(text.view() == std::string_view("a\0b", 3));
}

TEST_CASE("SecretBytes moves leave the source empty", "[secure]") {
  auto a = SecretBytes::copy_of("hunter2");
  const auto* p = a.data();
  SecretBytes b(std::move(a));
  CHECK(b.data() == p);  // moved, not copied
  CHECK(b.view() == "hunter2");
  CHECK(a.empty());       // NOLINT(bugprone-use-after-move): the state after a move is specified
  CHECK(a.data() == nullptr);

  SecretBytes c = SecretBytes::copy_of("other");
  c = std::move(b);
  CHECK(c.view() == "hunter2");
  CHECK(b.empty());  // NOLINT(bugprone-use-after-move)
  // Self-move keeps the value.
  SecretBytes& alias = c;
  c = std::move(alias);
  CHECK(c.view() == "hunter2");
  // A moved-from object is reusable.
  a = SecretBytes::copy_of("again");
  CHECK(a.view() == "again");
}

TEST_CASE("SecretBytes append grows and keeps the content", "[secure]") {
  SecretBytes s;
  std::string expected;
  for (int i = 0; i < 300; ++i) {
    const std::string piece(static_cast<std::size_t>(i % 7 + 1), static_cast<char>('a' + i % 26));
    s.append(vaultx::as_bytes(piece));
    expected += piece;
    REQUIRE(s.view() == expected);
  }
  s.append({});
  CHECK(s.view() == expected);
  // A large single append past twice the capacity.
  const std::string big(100000, 'z');
  s.append(vaultx::as_bytes(big));
  CHECK(s.size() == expected.size() + big.size());
  CHECK(s.view().substr(0, expected.size()) == expected);
  CHECK(s.view().substr(expected.size()) == big);
}

TEST_CASE("SecretBytes truncate wipes the tail", "[secure]") {
  auto s = SecretBytes::copy_of("secret-value");
  s.truncate(6);
  CHECK(s.view() == "secret");
  // The dropped bytes are still inside the block; they must be zero now.
  for (std::size_t i = 6; i < 12; ++i) CHECK(s.data()[i] == 0);
  s.truncate(100);  // growing is a no-op
  CHECK(s.view() == "secret");
  s.truncate(0);
  CHECK(s.empty());
  s.append(vaultx::as_bytes("x"));
  CHECK(s.view() == "x");
}

TEST_CASE("SecretBytes equals compares size and content", "[secure]") {
  CHECK(SecretBytes().equals(SecretBytes()));
  CHECK(SecretBytes().equals(SecretBytes(0)));
  CHECK(SecretBytes::copy_of("abc").equals(SecretBytes::copy_of("abc")));
  CHECK_FALSE(SecretBytes::copy_of("abc").equals(SecretBytes::copy_of("abd")));
  CHECK_FALSE(SecretBytes::copy_of("abc").equals(SecretBytes::copy_of("ab")));
  CHECK_FALSE(SecretBytes::copy_of("").equals(SecretBytes::copy_of("a")));
  CHECK_FALSE(SecretBytes(3).equals(SecretBytes::copy_of("abc")));
}

TEST_CASE("strip_one_newline drops exactly one line terminator", "[secure]") {
  auto a = SecretBytes::copy_of("v\n\n");
  vaultx::secure::strip_one_newline(a);
  CHECK(a.view() == "v\n");
  auto b = SecretBytes::copy_of("v\r\n");
  vaultx::secure::strip_one_newline(b);
  CHECK(b.view() == "v");
  auto c = SecretBytes::copy_of("v");
  vaultx::secure::strip_one_newline(c);
  CHECK(c.view() == "v");
  SecretBytes d;
  vaultx::secure::strip_one_newline(d);
  CHECK(d.empty());
}

TEST_CASE("SecretBytes of every size class keep their own bytes across reuse and threads", "[secure]") {
  // Small blocks share slabs: neighbours must never see each other's bytes,
  // and a reused block must start zeroed.
  auto fill_value = [](std::size_t size, std::size_t seed) {
    std::vector<std::uint8_t> v(size);
    for (std::size_t i = 0; i < size; ++i) v[i] = static_cast<std::uint8_t>((seed * 131 + i * 7) & 0xff);
    return v;
  };
  auto churn = [&](std::size_t thread) {
    std::vector<std::pair<std::vector<std::uint8_t>, SecretBytes>> live;
    for (std::size_t round = 0; round < 3; ++round) {
      for (std::size_t i = 0; i < 600; ++i) {
        const std::size_t size = 1 + (i * 37 + thread) % 1500;  // across every class, and past them
        auto expected = fill_value(size, i + thread * 1000 + round);
        live.emplace_back(expected, SecretBytes::copy_of(std::span<const std::uint8_t>(expected)));
      }
      // Release every other one, then allocate again into the freed blocks.
      for (std::size_t i = 0; i < live.size(); i += 2) live[i].second = SecretBytes(live[i].first.size());
      for (std::size_t i = 0; i < live.size(); i += 2) {
        const auto& fresh = live[i].second;
        if (std::any_of(fresh.span().begin(), fresh.span().end(), [](std::uint8_t b) { return b != 0; })) return false;
        live[i].second = SecretBytes::copy_of(std::span<const std::uint8_t>(live[i].first));
      }
    }
    return std::all_of(live.begin(), live.end(), [](const auto& p) {
      return std::equal(p.first.begin(), p.first.end(), p.second.span().begin(), p.second.span().end());
    });
  };
  std::vector<std::future<bool>> threads;
  for (std::size_t t = 0; t < 4; ++t) threads.push_back(std::async(std::launch::async, churn, t));
  for (auto& t : threads) CHECK(t.get());
}
