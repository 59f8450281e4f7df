// A token bucket per broker route: `count` requests per `period`, with bursts
// of up to `count`. Pure bookkeeping over a clock the caller passes in
// (milliseconds of a monotonic clock), so that tests need not wait.
#pragma once

#include <cstdint>

namespace vaultx::broker {

class TokenBucket {
 public:
  // Full at `now_ms`: `count` requests may go at once.
  TokenBucket(std::uint64_t count, std::int64_t period_seconds, std::int64_t now_ms);

  // Takes one token if there is one; false (nothing taken) if the rate is exceeded.
  bool try_take(std::int64_t now_ms);
  // Milliseconds until a token is available (0 if one is now), for Retry-After.
  [[nodiscard]] std::int64_t wait_ms(std::int64_t now_ms) const;

 private:
  void refill(std::int64_t now_ms);

  double capacity_;
  double per_ms_;     // tokens added per millisecond
  double tokens_;
  std::int64_t refilled_at_;
};

}  // namespace vaultx::broker
