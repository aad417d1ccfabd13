#include "ca/issuance_check.hpp"

#include <algorithm>

#include "ca/embedded_ca.hpp"
#include "common/error.hpp"

namespace rspf::ca {

GrantedRequest grantRequest(const CertificateRequest& request, const IssuancePolicy& policy) {
  auto granted = subjectAltNameFor(policy.identifier, policy.subjectType);
  if (policy.allowedKeyPurposes.empty())
    throw Error(ErrorCode::Config, "the issuance policy for '" + policy.identifier + "' grants no key usage");
  for (const auto& asked : request.requestedSubjectAltNames())
    if (!sameName(asked, granted))
      throw Error(ErrorCode::Forbidden, "the CSR asks for subjectAltName '" + asked.describe() +
                                            "', which is not granted to this Enrolee (granted: '" + granted.describe() +
                                            "')");
  std::vector<std::string> grantedOids;
  for (auto p : policy.allowedKeyPurposes) grantedOids.emplace_back(oidOf(p));
  std::vector<std::string> ekus;
  for (const auto& asked : request.requestedExtendedKeyUsages()) {
    if (std::find(grantedOids.begin(), grantedOids.end(), asked) == grantedOids.end()) {
      std::string grantedText;
      for (const auto& g : grantedOids) grantedText += (grantedText.empty() ? "" : ", ") + describeEku(g);
      throw Error(ErrorCode::Forbidden, "the CSR asks for extended key usage " + describeEku(asked) +
                                            ", which is not granted to this Enrolee (granted: " + grantedText + ")");
    }
    if (std::find(ekus.begin(), ekus.end(), asked) == ekus.end()) ekus.push_back(asked);
  }
  if (ekus.empty()) ekus = grantedOids;
  return {granted, ekus};
}

void requireExplicitRequest(const CertificateRequest& request) {
  if (request.requestedSubjectAltNames().size() != 1)
    throw Error(ErrorCode::BadRequest,
                "the CSR must name exactly the subjectAltName /csrattrs gives (the upstream CA issues what it names)");
  if (request.requestedExtendedKeyUsages().empty())
    throw Error(ErrorCode::BadRequest,
                "the CSR must name the extended key usages /csrattrs gives (the upstream CA issues what it names)");
}

IssuancePolicy policyFromVettedRequest(const CertificateRequest& request, std::chrono::seconds validity) {
  requireExplicitRequest(request);
  const auto& name = request.requestedSubjectAltNames().front();
  IssuancePolicy policy;
  policy.identifier = name.value;
  policy.validity = validity;
  switch (name.kind) {
    case SubjectAltName::Kind::Dns: policy.subjectType = SubjectType::CseId; break;
    case SubjectAltName::Kind::Uri:
      policy.subjectType = name.value.starts_with("onem2m://") ? SubjectType::AeId : SubjectType::DeviceId;
      break;
    case SubjectAltName::Kind::RegisteredId: policy.subjectType = SubjectType::DeviceId; break;
    case SubjectAltName::Kind::Other:
      throw Error(ErrorCode::BadRequest, "the CSR names a subjectAltName this CA does not issue: " + name.describe());
  }
  for (const auto& oid : request.requestedExtendedKeyUsages()) {
    auto purpose = keyPurposeOfOid(oid);
    if (!purpose) throw Error(ErrorCode::BadRequest, "the CSR asks for an unknown extended key usage " + oid);
    policy.allowedKeyPurposes.push_back(*purpose);
  }
  return policy;
}

}  // namespace rspf::ca
