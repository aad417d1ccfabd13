#pragma once
// The JSON form of an Enrolee registration and of an enrolment policy, as the admin API takes them
// (POST /admin/v1/enrolees, PUT .../policy) and bulk import reads them (one object per row).
//
// Registration: {"enroleeId", "kpmId", "kpmHex", "rawPublicKey" (ni URI or PEM), "deviceId",
// "deviceTrustAnchor" (PEM), "gbaImpi", and the policy either as "policy" (the policy document) or
// flat: "expiry", "token", "registrarCseId", "directKeys", "enrolmentApproval"}.
// Policy document: the shape describePolicy writes (administration.hpp), so a read can be written back.
#include <nlohmann/json.hpp>

#include "admin/administration.hpp"

namespace rspf::admin {

// Throws Error(BadRequest) naming the field that is wrong. Unknown fields are refused too: a typo
// must not silently drop part of a policy.
store::EnrolmentPolicy policyFromJson(const nlohmann::json& document);
AddEnroleeRequest addEnroleeRequestFromJson(const nlohmann::json& registration);

// "TARGET-ID:USAGE" as the CLI and CSV write a direct key pair. Throws Error(BadRequest).
store::DirectKeyPair parseDirectKeyPair(std::string_view text);

}  // namespace rspf::admin
