#pragma once
// Retired Enrolment Keys (issue 5 item 3), the same in every backend: when commitEnrolment replaces
// an Enrolee's key with a positive grace period, the replaced key is kept, if it has not expired,
// as a retired key served until min(its expiry, now + grace); with no grace it is dropped at once.
// A lookup by RelativeKeId finds the current key first, then a retired one (EnrolmentKey::retired).
// purgeExpiredEnrolmentKeys removes both kinds once their expiry has come.
#include <chrono>
#include <optional>

#include "common/time.hpp"

namespace rspf::store {

// The retired key's expiry cap (Unix seconds) for a rotation at `now`, or nullopt: drop the old key.
// The backend then copies the current key, if its expiry is after `now`, with expiry
// min(expiry, cap), in the enrolment's transaction.
inline std::optional<std::int64_t> retiredKeyCap(TimePoint now, std::chrono::seconds grace) {
  if (grace.count() <= 0) return std::nullopt;
  return toUnix(now + grace);
}

}  // namespace rspf::store
