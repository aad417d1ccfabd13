#include "admin/bootstrap_instruction_configuration.hpp"

#include <algorithm>

#include "ca/pem.hpp"
#include "common/error.hpp"

namespace rspf::admin {

config::BootstrapInstructions bootstrapInstructionsFor(store::Store& store, const std::string& enroleeId,
                                                       const MefIdentity& mef) {
  auto enrolee = store.findEnrolee(enroleeId);
  if (!enrolee) throw Error(ErrorCode::NotFound, "no Enrolee '" + enroleeId + "'");
  config::BootstrapInstructions i;
  i.enroleeId = enrolee->enroleeId;
  i.kpmId = enrolee->kpmId;  // the identifier only: Kpm stays provisioned out of band
  // Table 9.2.2.1-1: the Enrolment Targets (Enrolee B, or MAF) this Enrolee's policy names.
  auto addTarget = [&i](const std::string& id) {
    if (!id.empty() &&
        std::find(i.enrolmentTargetIds.begin(), i.enrolmentTargetIds.end(), id) == i.enrolmentTargetIds.end())
      i.enrolmentTargetIds.push_back(id);
  };
  for (const auto& pair : enrolee->policy.directKeys) addTarget(pair.targetId);
  if (enrolee->policy.maf) addTarget(enrolee->policy.maf->mafId);
  i.mefUri = mef.uri;
  i.mefFqdn = mef.fqdn;
  i.mefTrustAnchorsPem = mef.trustAnchorsPem;
  if (i.mefTrustAnchorsPem.empty()) {
    if (auto authority = store.findCertificateAuthority(""))
      i.mefTrustAnchorsPem = ca::certificatePem(*ca::parseCertificate(authority->certificateDer));
  }
  i.enrolmentToken = mef.enrolmentToken;
  i.enrolmentExpiry = enrolee->policy.enrolmentExpiry;
  i.issuedAt = now();
  i.validUntil = i.issuedAt + (mef.validity ? *mef.validity : config::kDefaultBundleValidity);
  return i;
}

}  // namespace rspf::admin
