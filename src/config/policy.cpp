#include <vaultx/config/policy.hpp>

namespace vaultx::config {

std::optional<std::int64_t> max_age_for(const Policy& policy, std::string_view name) {
  for (const auto& rule : policy.rules) {
    if (glob_match(rule.match, name)) return rule.max_age_seconds;
  }
  return policy.max_age_seconds;
}

std::optional<Staleness> staleness(const format::SecretMetadata& meta, std::optional<std::int64_t> max_age,
                                   format::UnixSeconds now) {
  Staleness s;
  s.age_seconds = now > meta.rotated ? now - meta.rotated : 0;
  s.max_age_seconds = max_age;
  if (meta.expires && *meta.expires <= now) {
    s.reason = StaleReason::expired;
    return s;
  }
  if (max_age && s.age_seconds >= *max_age) {
    s.reason = StaleReason::too_old;
    return s;
  }
  return std::nullopt;
}

std::string describe_staleness(std::string_view name, const format::SecretMetadata& meta, const Staleness& s) {
  if (s.reason == StaleReason::expired) {
    return "'" + std::string(name) + "' expired on " + format::format_rfc3339(*meta.expires);
  }
  return "'" + std::string(name) + "' is " + format::format_age(s.age_seconds) + " old, past its maximum age of " +
         format::format_age(*s.max_age_seconds);
}

}  // namespace vaultx::config
