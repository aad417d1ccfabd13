#include "procedures/instructed_steps.hpp"

namespace rspf::procedures {

void InstructedSteps::record(const std::string& relativeKeId, TimePoint expiry, bool certificateEnrolment) {
  std::lock_guard lock(mutex_);
  auto t = now();
  std::erase_if(entries_, [t](const auto& e) { return e.second.expiry <= t; });
  entries_[relativeKeId] = {expiry, certificateEnrolment};
}

bool InstructedSteps::instructedCertificateEnrolment(const std::string& relativeKeId) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(relativeKeId);
  return it != entries_.end() && it->second.certificateEnrolment && it->second.expiry > now();
}

}  // namespace rspf::procedures
