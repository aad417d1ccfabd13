#pragma once
// The Enrolment Target's <ServiceSubscribedAppRule> record (seed 8.3.1.2 NOTEs 1 and 2):
// Credential-IDs of provisioned keys in applicableCredIDs, Enrolee IDs in allowedAEs.
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

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> enroleeOfCredential_;  // applicableCredIDs -> Enrolee
};

}  // namespace rspf::target
