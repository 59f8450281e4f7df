// Rotation policy: how old a secret's value may get ([policy] max_age, with
// [[policy.rule]] overrides by pattern) and its own expiry (set --expires).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <vaultx/config/config.hpp>
#include <vaultx/format/secret_file.hpp>

namespace vaultx::config {

// The maximum age that applies to `name`: the first [[policy.rule]] (in file
// order) whose pattern matches it, else [policy] max_age, else none.
std::optional<std::int64_t> max_age_for(const Policy& policy, std::string_view name);

enum class StaleReason { expired, too_old };

struct Staleness {
  StaleReason reason = StaleReason::too_old;
  std::int64_t age_seconds = 0;                 // since the last rotation
  std::optional<std::int64_t> max_age_seconds;  // the limit that applied, if any
};

// Whether a secret is past its expiry or its maximum age at `now`. Expiry
// wins when both apply. `max_age` is what max_age_for gave (or --max-age).
std::optional<Staleness> staleness(const format::SecretMetadata& meta, std::optional<std::int64_t> max_age,
                                   format::UnixSeconds now);

// "aws/key is 120d old, past its maximum age of 90d" / "... expired on 2027-01-31T00:00:00Z"
std::string describe_staleness(std::string_view name, const format::SecretMetadata& meta, const Staleness& s);

}  // namespace vaultx::config
