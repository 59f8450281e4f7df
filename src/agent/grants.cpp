#include <vaultx/agent/grants.hpp>

#include <algorithm>
#include <array>

#include <vaultx/crypto/aead.hpp>
#include <vaultx/format/agent_protocol.hpp>
#include <vaultx/format/encoding.hpp>
#include <vaultx/format/units.hpp>

namespace vaultx::agent {

namespace {

constexpr std::size_t kMaxBuried = 4096;
// Grants are keyed by a hash of the token's bytes, never by the token.
constexpr std::string_view kTokenHashKey = "vaultx agent token hash v1 .....";

std::string token_hash(ByteView raw) {
  return format::hex_encode(crypto::keyed_hash(as_bytes(kTokenHashKey), raw, 32));
}

Issued new_token() {
  secure::SecretBytes raw(format::kAgentTokenBytes);
  crypto::random_fill(raw.span());
  return Issued{format::encode_agent_token(raw.span()), format::agent_token_id(raw.span())};
}

std::string hash_of_text(std::string_view token_text) {
  const auto raw = format::decode_agent_token(token_text);
  return raw ? token_hash(raw->span()) : std::string();
}

Millis period_ms(const Rate& rate) { return rate.period_seconds * 1000; }

// Rate tokens as of `now`: a bucket of `count` that refills at count/period.
double refilled(double bucket, Millis since, Millis now, const Rate& rate) {
  const double elapsed = static_cast<double>(std::max<Millis>(0, now - since));
  const double added = elapsed * static_cast<double>(rate.count) / static_cast<double>(period_ms(rate));
  return std::min(static_cast<double>(rate.count), bucket + added);
}

}  // namespace

std::optional<Rate> parse_rate(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto count = format::parse_decimal(text.substr(0, slash));
  const std::string_view unit = text.substr(slash + 1);
  static constexpr std::array<std::pair<std::string_view, std::int64_t>, 11> kUnits{{
      {"s", 1}, {"sec", 1}, {"second", 1},
      {"m", 60}, {"min", 60}, {"minute", 60},
      {"h", 3600}, {"hr", 3600}, {"hour", 3600},
      {"d", 86400}, {"day", 86400},
  }};
  if (!count || *count == 0 || *count > 1000000000) return std::nullopt;
  for (const auto& [name, seconds] : kUnits) {
    if (unit == name) return Rate{*count, seconds};
  }
  return std::nullopt;
}

std::string format_rate(const Rate& rate) {
  std::string unit;
  switch (rate.period_seconds) {
    case 1: unit = "s"; break;
    case 60: unit = "min"; break;
    case 3600: unit = "h"; break;
    case 86400: unit = "d"; break;
    default: unit = std::to_string(rate.period_seconds) + "s"; break;
  }
  return std::to_string(rate.count) + "/" + unit;
}

std::string_view denial_reason(Denial denial) {
  switch (denial) {
    case Denial::unknown_token: return "unknown token";
    case Denial::revoked: return "revoked";
    case Denial::expired: return "expired";
    case Denial::exhausted: return "uses exhausted";
    case Denial::scope: return "scope";
    case Denial::rate: return "rate limit";
    case Denial::not_allowed: return "not allowed";
  }
  return "denied";
}

Issued GrantTable::issue_owner() {
  Issued issued = new_token();
  owner_hash_ = hash_of_text(issued.token.view());
  issued.id = "owner";
  return issued;
}

Issued GrantTable::issue(const GrantSpec& spec, Millis now) {
  Issued issued = new_token();
  Grant g;
  g.id = issued.id;
  g.spec = spec;
  if (spec.ttl_seconds) g.expires_at = now + *spec.ttl_seconds * 1000;
  g.uses_left = spec.uses;
  if (spec.rate) g.bucket = static_cast<double>(spec.rate->count);
  g.refilled_at = now;
  grants_[hash_of_text(issued.token.view())] = std::move(g);
  return issued;
}

std::variant<Holder, Denial> GrantTable::identify(std::string_view token_text, Millis now) const {
  const std::string hash = hash_of_text(token_text);
  if (hash.empty()) return Denial::unknown_token;
  if (!owner_hash_.empty() && hash == owner_hash_) return Holder{true, {}, {}};
  if (const auto b = buried_.find(hash); b != buried_.end()) return b->second;
  const auto it = grants_.find(hash);
  if (it == grants_.end()) return Denial::unknown_token;
  const Grant& g = it->second;
  if (g.expires_at && now >= *g.expires_at) return Denial::expired;
  if (g.uses_left && *g.uses_left == 0) return Denial::exhausted;
  return Holder{false, g.id, g.spec.scopes};
}

std::optional<Denial> GrantTable::charge(const std::string& id, Millis now) {
  const auto it = std::find_if(grants_.begin(), grants_.end(), [&](const auto& kv) { return kv.second.id == id; });
  if (it == grants_.end()) return Denial::revoked;
  Grant& g = it->second;
  if (g.uses_left && *g.uses_left == 0) return Denial::exhausted;
  if (g.spec.rate) {
    const double bucket = refilled(g.bucket, g.refilled_at, now, *g.spec.rate);
    if (bucket < 1.0) return Denial::rate;
    g.bucket = bucket - 1.0;
    g.refilled_at = now;
  }
  if (g.uses_left) --*g.uses_left;
  return std::nullopt;
}

void GrantTable::bury(const std::string& hash, Denial why) {
  if (buried_.emplace(hash, why).second) burial_order_.push_back(hash);
  if (burial_order_.size() > kMaxBuried) {
    buried_.erase(burial_order_.front());
    burial_order_.erase(burial_order_.begin());
  }
}

bool GrantTable::revoke(const std::string& id) {
  const auto it = std::find_if(grants_.begin(), grants_.end(), [&](const auto& kv) { return kv.second.id == id; });
  if (it == grants_.end()) return false;
  bury(it->first, Denial::revoked);
  grants_.erase(it);
  return true;
}

std::size_t GrantTable::revoke_all() {
  const std::size_t n = grants_.size();
  for (const auto& [hash, grant] : grants_) bury(hash, Denial::revoked);
  grants_.clear();
  return n;
}

std::vector<GrantInfo> GrantTable::list(Millis now) const {
  std::vector<GrantInfo> out;
  for (const auto& [hash, g] : grants_) {
    // Expired and spent grants are no longer live (and the wire format has
    // no room for zero uses left).
    if (g.expires_at && now >= *g.expires_at) continue;
    if (g.uses_left && *g.uses_left == 0) continue;
    GrantInfo info{g.id, g.spec.scopes, std::nullopt, g.uses_left, g.spec.rate};
    if (g.expires_at) info.ttl_left = (*g.expires_at - now + 999) / 1000;
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(), [](const GrantInfo& a, const GrantInfo& b) { return a.id < b.id; });
  return out;
}

void GrantTable::purge(Millis now) {
  for (auto it = grants_.begin(); it != grants_.end();) {
    if (it->second.expires_at && now >= *it->second.expires_at) {
      bury(it->first, Denial::expired);
      it = grants_.erase(it);
    } else if (it->second.uses_left && *it->second.uses_left == 0) {
      bury(it->first, Denial::exhausted);
      it = grants_.erase(it);
    } else {
      ++it;
    }
  }
}

std::size_t GrantTable::live_count(Millis now) const { return list(now).size(); }

}  // namespace vaultx::agent
