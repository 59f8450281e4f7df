// Capabilities the agent hands out: tokens that let a process read only some
// scopes, for a while, a number of times, at a rate. Pure bookkeeping over a
// clock the caller passes in (milliseconds of a monotonic clock), so that it
// can be tested without waiting.
//
// The agent keeps no token, only a hash of each; a token is shown once, when
// it is issued. Grants live in the agent's memory: a restart revokes them all.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::agent {

using Millis = std::int64_t;

struct Rate {
  std::uint64_t count = 0;
  std::int64_t period_seconds = 0;

  friend bool operator==(const Rate&, const Rate&) = default;
};

// "60/min", "5/m", "10/s", "1000/h", "10000/d" (also sec, second, minute,
// hour, day); count >= 1. nullopt on anything else.
std::optional<Rate> parse_rate(std::string_view text);
std::string format_rate(const Rate& rate);  // "60/min"

struct GrantSpec {
  std::vector<std::string> scopes;
  std::optional<std::int64_t> ttl_seconds;
  std::optional<std::uint64_t> uses;
  std::optional<Rate> rate;
};

// Why a token's request was refused; each is a fixed audit reason.
enum class Denial { unknown_token, revoked, expired, exhausted, scope, rate, not_allowed };
std::string_view denial_reason(Denial denial);

struct GrantInfo {
  std::string id;
  std::vector<std::string> scopes;
  std::optional<std::int64_t> ttl_left;  // seconds, rounded up
  std::optional<std::uint64_t> uses_left;
  std::optional<Rate> rate;
};

struct Issued {
  secure::SecretBytes token;  // the text, shown once
  std::string id;
};

// Who presented a token.
struct Holder {
  bool owner = false;
  std::string id;                   // the grant's id (empty for the owner)
  std::vector<std::string> scopes;  // the grant's scopes (empty for the owner)
};

class GrantTable {
 public:
  // The owner token (every right but reading other users' stores), made once
  // when the agent starts.
  Issued issue_owner();
  Issued issue(const GrantSpec& spec, Millis now);

  // Who `token_text` belongs to, or why it is refused (unknown, revoked,
  // expired, uses exhausted). Never charges anything.
  std::variant<Holder, Denial> identify(std::string_view token_text, Millis now) const;
  // Charges one read to grant `id`: refused if its uses are spent or its rate
  // is exceeded; nothing is charged on a refusal.
  std::optional<Denial> charge(const std::string& id, Millis now);

  // False if there is no live grant with that id.
  bool revoke(const std::string& id);
  std::size_t revoke_all();
  [[nodiscard]] std::vector<GrantInfo> list(Millis now) const;
  [[nodiscard]] std::size_t live_count(Millis now) const;
  // Forgets expired grants (a later use is still refused as expired).
  void purge(Millis now);

 private:
  struct Grant {
    std::string id;
    GrantSpec spec;
    std::optional<Millis> expires_at;
    std::optional<std::uint64_t> uses_left;
    double bucket = 0;  // rate tokens available
    Millis refilled_at = 0;
  };

  // Remembers why a token no longer works, so a denial can say "revoked"
  // rather than "unknown token". Bounded: the oldest are forgotten first.
  void bury(const std::string& hash, Denial why);

  std::string owner_hash_;
  std::map<std::string, Grant> grants_;  // by hash of the token
  std::map<std::string, Denial> buried_;
  std::vector<std::string> burial_order_;
};

}  // namespace vaultx::agent
