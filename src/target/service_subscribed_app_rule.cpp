#include "target/service_subscribed_app_rule.hpp"

namespace rspf::target {

void ServiceSubscribedAppRule::admit(const std::string& credentialId, const std::string& enroleeId) {
  std::lock_guard lock(mutex_);
  enroleeOfCredential_[credentialId] = enroleeId;
  if (listener_) listener_(credentialId, enroleeId, true);
}

void ServiceSubscribedAppRule::erase(const std::string& credentialId) {
  std::lock_guard lock(mutex_);
  auto it = enroleeOfCredential_.find(credentialId);
  if (it == enroleeOfCredential_.end()) return;
  auto enroleeId = it->second;
  enroleeOfCredential_.erase(it);
  if (listener_) listener_(credentialId, enroleeId, false);
}

void ServiceSubscribedAppRule::setListener(Listener listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

nlohmann::json ServiceSubscribedAppRule::toJson() const {
  std::lock_guard lock(mutex_);
  std::set<std::string> credIds, aes;
  for (const auto& [cred, enrolee] : enroleeOfCredential_) {
    credIds.insert(cred);
    aes.insert(enrolee);
  }
  return {{"applicableCredIDs", credIds}, {"allowedAEs", aes}};
}

}  // namespace rspf::target
