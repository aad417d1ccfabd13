#pragma once
// EnrolmentPolicy as stored in enrolees.policy_json:
//   {"directKeys":[{"targetId":..,"usage":..}], "maf":{..} | null, "registrarCseId":..,
//    "enrolmentExpirySeconds":.., "token":"optional"|"required"}
#include <string>
#include <string_view>

#include "store/records.hpp"

namespace rspf::store::sqlite {

std::string policyToJson(const EnrolmentPolicy& policy);
// Throws Error(Store) when the text is not a policy.
EnrolmentPolicy policyFromJson(std::string_view text);

}  // namespace rspf::store::sqlite
