#pragma once
// The record fields every backend stores as JSON text. EnrolmentPolicy, in enrolees.policy_json:
//   {"directKeys":[{"targetId":..,"usage":..}], "maf":{..} | null, "registrarCseId":..,
//    "enrolmentExpirySeconds":.., "token":"optional"|"required", "requireEnrolmentApproval": bool}
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/records.hpp"

namespace rspf::store {

// An Enrolment Key's completed steps, in completed_steps: a JSON array of strings. Throws
// Error(Store) when the text is not one.
std::string completedStepsToJson(const std::vector<std::string>& steps);
std::vector<std::string> completedStepsFromJson(const std::string& text);

std::string policyToJson(const EnrolmentPolicy& policy);
// Throws Error(Store) when the text is not a policy.
EnrolmentPolicy policyFromJson(std::string_view text);

// policyFromJson with the results of recent texts kept: parsing is most of the cost of an Enrolee
// lookup, and many Enrolees share a policy. Keyed by the stored text itself, so a changed policy
// is a new entry. Not thread-safe (one per read connection).
class PolicyCache {
 public:
  static constexpr std::size_t kCapacity = 256;
  EnrolmentPolicy parse(std::string text);

 private:
  std::unordered_map<std::string, EnrolmentPolicy> entries_;
};

}  // namespace rspf::store
