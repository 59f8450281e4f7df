#include <vaultx/broker/rate_limiter.hpp>

#include <algorithm>
#include <cmath>

namespace vaultx::broker {

TokenBucket::TokenBucket(std::uint64_t count, std::int64_t period_seconds, std::int64_t now_ms)
    : capacity_(static_cast<double>(std::max<std::uint64_t>(count, 1))),
      per_ms_(capacity_ / (static_cast<double>(std::max<std::int64_t>(period_seconds, 1)) * 1000.0)),
      tokens_(capacity_),
      refilled_at_(now_ms) {}

void TokenBucket::refill(std::int64_t now_ms) {
  // A clock that went backwards adds nothing (and is not trusted to later).
  if (now_ms <= refilled_at_) return;
  tokens_ = std::min(capacity_, tokens_ + static_cast<double>(now_ms - refilled_at_) * per_ms_);
  refilled_at_ = now_ms;
}

bool TokenBucket::try_take(std::int64_t now_ms) {
  refill(now_ms);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

std::int64_t TokenBucket::wait_ms(std::int64_t now_ms) const {
  double tokens = tokens_;
  if (now_ms > refilled_at_) tokens = std::min(capacity_, tokens + static_cast<double>(now_ms - refilled_at_) * per_ms_);
  if (tokens >= 1.0) return 0;
  return static_cast<std::int64_t>(std::ceil((1.0 - tokens) / per_ms_));
}

}  // namespace vaultx::broker
