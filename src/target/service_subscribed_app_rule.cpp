#include "target/service_subscribed_app_rule.hpp"

#include <spdlog/spdlog.h>

namespace rspf::target {

void ServiceSubscribedAppRule::keepIn(RuleStateFile& file) {
  auto loaded = file.load(now());
  std::lock_guard lock(mutex_);
  file_ = &file;
  for (auto& e : loaded) entries_[e.credentialId] = {e.enroleeId, e.lifetime};
  spdlog::info("ServiceSubscribedAppRule: {} entries from the state file", loaded.size());
}

void ServiceSubscribedAppRule::admit(const std::string& credentialId, const std::string& enroleeId,
                                     TimePoint lifetime) {
  std::lock_guard lock(mutex_);
  auto& entry = entries_[credentialId];
  if (entry.enroleeId == enroleeId && entry.lifetime == lifetime) return;  // every handshake admits again
  entry = {enroleeId, lifetime};
  if (file_ != nullptr) file_->admit({credentialId, enroleeId, lifetime});
  if (listener_) listener_(credentialId, enroleeId, true);
}

void ServiceSubscribedAppRule::erase(const std::string& credentialId) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(credentialId);
  if (it == entries_.end()) return;
  auto enroleeId = it->second.enroleeId;
  entries_.erase(it);
  if (file_ != nullptr) file_->erase(credentialId);
  if (listener_) listener_(credentialId, enroleeId, false);
}

void ServiceSubscribedAppRule::setListener(Listener listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

nlohmann::json ServiceSubscribedAppRule::toJson() const { return view(nullptr); }

nlohmann::json ServiceSubscribedAppRule::toJsonFor(const std::string& enroleeId) const { return view(&enroleeId); }

nlohmann::json ServiceSubscribedAppRule::view(const std::string* onlyEnrolee) const {
  std::lock_guard lock(mutex_);
  std::set<std::string> credIds, aes;
  auto t = now();
  for (const auto& [cred, entry] : entries_) {
    if (entry.lifetime <= t || (onlyEnrolee != nullptr && entry.enroleeId != *onlyEnrolee)) continue;
    credIds.insert(cred);
    aes.insert(entry.enroleeId);
  }
  return {{"applicableCredIDs", credIds}, {"allowedAEs", aes}};
}

}  // namespace rspf::target
