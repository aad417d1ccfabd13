#pragma once
// The Enrolment Target's <ServiceSubscribedAppRule> record (seed 8.3.1.2 NOTEs 1 and 2):
// Credential-IDs of provisioned keys in applicableCredIDs, Enrolee IDs in allowedAEs.
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace rspf::target {

class ServiceSubscribedAppRule {
 public:
  void admit(const std::string& credentialId, const std::string& enroleeId);
  // Removes a credential and, when no other credential of that Enrolee remains, the Enrolee.
  void erase(const std::string& credentialId);
  nlohmann::json toJson() const;
  // Told of every admit and erase of a credential, in order, under the record's lock (so keep it
  // short): the CSE front (cse_front/app_rule_sync) mirrors them into the CSE's own resource.
  using Listener = std::function<void(const std::string& credentialId, const std::string& enroleeId, bool admitted)>;
  void setListener(Listener listener);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> enroleeOfCredential_;  // applicableCredIDs -> Enrolee
  Listener listener_;
};

}  // namespace rspf::target
