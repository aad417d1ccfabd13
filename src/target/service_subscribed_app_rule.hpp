#pragma once
// The Enrolment Target's <ServiceSubscribedAppRule> record (seed 8.3.1.2 NOTEs 1 and 2):
// Credential-IDs of provisioned keys in applicableCredIDs, Enrolee IDs in allowedAEs. With a state
// file (issue 10 item 8) it is written through and survives a restart of the role.
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "target/rule_state_file.hpp"

namespace rspf::target {

class ServiceSubscribedAppRule {
 public:
  // Loads the record kept in `file` (entries still within their Lifetime) and writes through to it.
  void keepIn(RuleStateFile& file);
  // `lifetime`: the key's, after which the entry is not shown (and not loaded again).
  void admit(const std::string& credentialId, const std::string& enroleeId, TimePoint lifetime = TimePoint::max());
  // Removes a credential and, when no other credential of that Enrolee remains, the Enrolee.
  void erase(const std::string& credentialId);
  nlohmann::json toJson() const;  // the whole record: for the operator only
  // The entries of one Enrolee (issue 10 item 9): what an Enrolee may read about itself.
  nlohmann::json toJsonFor(const std::string& enroleeId) const;
  // Told of every admit and erase of a credential, in order, under the record's lock (so keep it
  // short): the CSE front (cse_front/app_rule_sync) mirrors them into the CSE's own resource.
  using Listener = std::function<void(const std::string& credentialId, const std::string& enroleeId, bool admitted)>;
  void setListener(Listener listener);

 private:
  struct Entry {
    std::string enroleeId;
    TimePoint lifetime;
  };
  nlohmann::json view(const std::string* onlyEnrolee) const;

  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;  // applicableCredIDs -> Enrolee
  RuleStateFile* file_ = nullptr;
  Listener listener_;
};

}  // namespace rspf::target
