#pragma once
// What a registration authority grants for one CSR (seed 8.3.3.3 step 9; PROTOCOL.md 4.2): the CSR
// may name only the subjectAltName and extended key usages the policy grants. Used by the embedded
// CA before it signs, and by the MEF before it forwards a CSR to an upstream CA.
#include <chrono>
#include <string>
#include <vector>

#include "ca/certificate_request.hpp"
#include "ca/certificate_subject.hpp"
#include "ca/extended_key_usage.hpp"

namespace rspf::ca {

struct IssuancePolicy;

struct GrantedRequest {
  SubjectAltName subjectAltName;               // the one the policy grants
  std::vector<std::string> extendedKeyUsages;  // dotted OIDs: the CSR's, or all granted when it asks none
};

// Error(Forbidden) names the offending subjectAltName or EKU; Error(BadRequest) for an invalid
// identifier in the policy; Error(Config) for a policy that grants nothing.
GrantedRequest grantRequest(const CertificateRequest& request, const IssuancePolicy& policy);

// For an upstream CA, which issues what a vetted CSR asks: the CSR must itself name exactly the
// granted subjectAltName and at least one EKU (the CSR attributes tell the Enrolee both).
// Throws Error(BadRequest) saying what is missing.
void requireExplicitRequest(const CertificateRequest& request);

// The issuance policy a CA serving registration authorities derives from a vetted CSR: its single
// subjectAltName (dNSName: CSE-ID; onem2m:// URI: AE-ID; other URI or registeredID: device ID) and
// its EKUs. Throws Error(BadRequest) when the CSR does not name them.
IssuancePolicy policyFromVettedRequest(const CertificateRequest& request, std::chrono::seconds validity);

}  // namespace rspf::ca
