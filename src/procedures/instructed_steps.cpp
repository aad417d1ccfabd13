#include "procedures/instructed_steps.hpp"

namespace rspf::procedures {

void InstructedSteps::record(const std::string& relativeKeId, TimePoint expiry, bool certificateEnrolment) {
  std::lock_guard lock(mutex_);
  dropExpired(now());
  if (!certificateEnrolment) {
    expiryOf_.erase(relativeKeId);
    return;
  }
  expiryOf_[relativeKeId] = expiry;
  byExpiry_.emplace(expiry, relativeKeId);
}

bool InstructedSteps::instructedCertificateEnrolment(const std::string& relativeKeId) const {
  std::lock_guard lock(mutex_);
  auto it = expiryOf_.find(relativeKeId);
  return it != expiryOf_.end() && it->second > now();
}

std::size_t InstructedSteps::held() const {
  std::lock_guard lock(mutex_);
  return expiryOf_.size();
}

void InstructedSteps::dropExpired(TimePoint t) {
  while (!byExpiry_.empty() && byExpiry_.begin()->first <= t) {
    auto held = expiryOf_.find(byExpiry_.begin()->second);
    // Recorded again since, with a later expiry: that later index entry drops it.
    if (held != expiryOf_.end() && held->second <= t) expiryOf_.erase(held);
    byExpiry_.erase(byExpiry_.begin());
  }
}

}  // namespace rspf::procedures
