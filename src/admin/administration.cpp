#include "admin/administration.hpp"

#include "common/bounds.hpp"
#include "common/error.hpp"
#include "crypto/identifiers.hpp"
#include "crypto/primitives.hpp"
#include "crypto/provisioned_keys.hpp"

namespace rspf::admin {

void validatePolicy(const store::EnrolmentPolicy& policy) {
  for (const auto& pair : policy.directKeys) {
    crypto::requireAsciiIdentifier(pair.targetId, "direct key target ID");
    auto usage = crypto::parseUsage(pair.usage);
    if (!usage || *usage == crypto::Usage::MAF)
      throw Error(ErrorCode::BadRequest, "direct key usage must be SAEF, ESPrim or ESData, got '" + pair.usage + "'");
  }
  if (policy.maf) {
    crypto::requireAsciiIdentifier(policy.maf->mafId, "MAF-ID");
    if (policy.maf->credentialType != "symmetric" && policy.maf->credentialType != "certificate")
      throw Error(ErrorCode::BadRequest, "MAF credential type must be 'symmetric' or 'certificate'");
    for (const auto& u : policy.maf->usages) {
      auto usage = crypto::parseUsage(u);
      if (!usage || *usage == crypto::Usage::MAF)
        throw Error(ErrorCode::BadRequest, "MAF usages must be SAEF, ESPrim or ESData, got '" + u + "'");
    }
  }
  if (policy.certificate) {
    const auto& c = *policy.certificate;
    if (c.subjectType != "cse" && c.subjectType != "ae" && c.subjectType != "node" && c.subjectType != "device")
      throw Error(ErrorCode::BadRequest, "certificate subject type must be cse, ae, node or device");
    if (c.usages.empty()) throw Error(ErrorCode::BadRequest, "Certificate Enrolment needs at least one usage");
    for (const auto& u : c.usages)
      if (!crypto::parseUsage(u))
        throw Error(ErrorCode::BadRequest, "certificate usages must be SAEF, ESPrim, ESData or MAF, got '" + u + "'");
    requireBoundedDuration(c.validity, "certificate validity", ErrorCode::BadRequest);
  }
  if (!policy.registrarCseId.empty()) crypto::requireAsciiIdentifier(policy.registrarCseId, "registrar CSE-ID");
  requireBoundedDuration(policy.enrolmentExpiry, "Enrolment Expiry", ErrorCode::BadRequest);
}

AddEnroleeResult addEnrolee(store::Store& store, AddEnroleeRequest request) {
  AddEnroleeResult result;
  store.addEnrolee(enroleeToAdd(std::move(request), result));
  return result;
}

store::Enrolee enroleeToAdd(AddEnroleeRequest request, AddEnroleeResult& result) {
  crypto::requireAsciiIdentifier(request.enroleeId, "Enrolee-ID");
  if (request.kpmId.empty() && request.bootstrapIdentities.empty())
    throw Error(ErrorCode::BadRequest,
                "an Enrolee needs a bootstrap credential: a KpmId, a raw public key, a device certificate or an IMPI");
  if (!request.kpmId.empty()) crypto::requireAsciiIdentifier(request.kpmId, "KpmId");
  if (request.kpmId.size() > 128) throw Error(ErrorCode::BadRequest, "KpmId must be at most 128 characters");
  validatePolicy(request.policy);
  store::Enrolee enrolee;
  enrolee.enroleeId = request.enroleeId;
  enrolee.kpmId = request.kpmId;
  enrolee.createdAt = now();
  for (auto& identity : request.bootstrapIdentities) {
    identity.enroleeId = request.enroleeId;
    identity.createdAt = enrolee.createdAt;
  }
  enrolee.bootstrapIdentities = std::move(request.bootstrapIdentities);
  if (request.kpmId.empty()) {
    if (request.kpm) throw Error(ErrorCode::BadRequest, "a Kpm needs its KpmId");
  } else if (request.kpm) {
    requireKpmSize(request.kpm->size(), ErrorCode::BadRequest);
    enrolee.kpm = std::move(*request.kpm);
  } else {
    enrolee.kpm = crypto::randomSecret(kGeneratedKpmBytes);
    result.generatedKpm = enrolee.kpm;
  }
  enrolee.policy = std::move(request.policy);
  return enrolee;
}

void addTarget(store::Store& store, const std::string& targetId, const std::string& type) {
  crypto::requireAsciiIdentifier(targetId, "target ID");
  if (type != "CSE" && type != "AE" && type != "MAF")
    throw Error(ErrorCode::BadRequest, "target type must be CSE, AE or MAF");
  store.addTarget({targetId, type, now()});
}

nlohmann::json describePolicy(const store::EnrolmentPolicy& p) {
  auto pairs = nlohmann::json::array();
  for (const auto& d : p.directKeys) pairs.push_back({{"targetId", d.targetId}, {"usage", d.usage}});
  nlohmann::json j = {{"directKeys", pairs},
                      {"registrarCseId", p.registrarCseId},
                      {"enrolmentExpiry", formatDuration(p.enrolmentExpiry)},
                      {"token", p.token == store::TokenRequirement::Required ? "required" : "optional"},
                      {"enrolmentApproval", p.requireEnrolmentApproval ? "webhook" : "none"},
                      {"maf", nullptr},
                      {"certificate", nullptr}};
  if (p.certificate)
    j["certificate"] = {{"subjectType", p.certificate->subjectType},
                        {"usages", p.certificate->usages},
                        {"validity", formatDuration(p.certificate->validity)},
                        {"caLabel", p.certificate->caLabel},
                        {"requireApproval", p.certificate->requireApproval}};
  if (p.maf)
    j["maf"] = {{"mafId", p.maf->mafId},
                {"mafUri", p.maf->mafUri},
                {"credentialType", p.maf->credentialType},
                {"usages", p.maf->usages}};
  return j;
}

nlohmann::json describeEnrolee(const store::Enrolee& e, const std::optional<store::EnrolmentKey>& key,
                               const std::string& mefFqdn) {
  nlohmann::json j = {{"enroleeId", e.enroleeId},
                      {"kpmId", e.kpmId},
                      {"enabled", e.enabled},
                      {"createdAt", toRfc3339(e.createdAt)},
                      {"policy", describePolicy(e.policy)},
                      {"bootstrapIdentities", nlohmann::json::array()},
                      {"enrolment", nullptr}};
  for (const auto& identity : e.bootstrapIdentities)
    j["bootstrapIdentities"].push_back({{"kind", identity.kind}, {"value", identity.value}});
  if (key) {
    j["enrolment"] = {{"keId", crypto::makeKeId(key->relativeKeId, mefFqdn.empty() ? "?" : mefFqdn)},
                      {"kreId", key->kreId},
                      {"framework", key->framework},
                      {"keyProfile", key->keyProfile},
                      {"createdAt", toRfc3339(key->createdAt)},
                      {"expiry", toRfc3339(key->expiry)},
                      {"expired", key->expiry <= now()},
                      {"tokenId", key->tokenId},
                      {"tokenAux", key->tokenAux},
                      {"completedSteps", key->completedSteps}};
  }
  return j;
}

nlohmann::json describeTarget(const store::EnrolmentTarget& t) {
  return {{"targetId", t.targetId}, {"type", t.type}, {"createdAt", toRfc3339(t.createdAt)}};
}

nlohmann::json describeToken(const store::EnrolmentToken& t) {
  std::string state = t.revoked                                ? "revoked"
                      : t.usedAt                               ? "used"
                      : (t.expiresAt && *t.expiresAt <= now()) ? "expired"
                                                               : "unused";
  return {{"tokenId", t.tokenId},
          {"state", state},
          {"boundEnroleeId", t.boundEnroleeId},
          {"auxInfo", t.auxInfo},
          {"createdAt", toRfc3339(t.createdAt)},
          {"expiresAt", t.expiresAt ? nlohmann::json(toRfc3339(*t.expiresAt)) : nlohmann::json(nullptr)},
          {"usedAt", t.usedAt ? nlohmann::json(toRfc3339(*t.usedAt)) : nlohmann::json(nullptr)},
          {"usedBy", t.usedBy}};
}

void setEnroleeEnabled(store::Store& store, const std::string& enroleeId, bool enabled) {
  if (!store.setEnroleeEnabled(enroleeId, enabled)) throw Error(ErrorCode::NotFound, "no Enrolee '" + enroleeId + "'");
}

void removeEnrolee(store::Store& store, const std::string& enroleeId) {
  if (!store.removeEnrolee(enroleeId)) throw Error(ErrorCode::NotFound, "no Enrolee '" + enroleeId + "'");
}

void removeTarget(store::Store& store, const std::string& targetId) {
  if (!store.removeTarget(targetId)) throw Error(ErrorCode::NotFound, "no Enrolment Target '" + targetId + "'");
}

void revokeEnrolmentToken(store::Store& store, const std::string& tokenId) {
  if (!store.revokeToken(tokenId)) throw Error(ErrorCode::NotFound, "no token '" + tokenId + "'");
}

void approveCertificateRequest(store::Store& store, const std::string& enroleeId) {
  if (!store.approveCertificateRequest(enroleeId))
    throw Error(ErrorCode::NotFound, "no certificate request of '" + enroleeId + "' is pending");
}

store::EnrolmentPolicy changeEnroleePolicy(store::Store& store, const std::string& enroleeId,
                                           const std::function<void(store::EnrolmentPolicy&)>& change) {
  // One transaction from the read to the write: two administrators changing the same Enrolee at once
  // (two CLI runs, the CLI and the admin API) both see their change arrive.
  auto stored = store.updateEnroleePolicy(enroleeId, [&](store::EnrolmentPolicy& policy) {
    change(policy);
    validatePolicy(policy);
  });
  if (!stored) throw Error(ErrorCode::NotFound, "no Enrolee '" + enroleeId + "'");
  return *stored;
}

procedures::IssuedEnrolmentToken createEnrolmentToken(store::Store& store, const std::string& boundEnroleeId,
                                                      const std::string& auxInfo,
                                                      std::optional<std::chrono::seconds> validity) {
  if (!boundEnroleeId.empty() && !store.findEnroleeStatus(boundEnroleeId))
    throw Error(ErrorCode::NotFound, "no Enrolee '" + boundEnroleeId + "'");
  if (validity) requireBoundedDuration(*validity, "the token's validity", ErrorCode::BadRequest);
  std::optional<TimePoint> expiresAt;
  if (validity) expiresAt = now() + *validity;
  auto issued = procedures::issueEnrolmentToken(boundEnroleeId, auxInfo, expiresAt);
  store.addToken(issued.record);
  return issued;
}

nlohmann::json describePendingCertificateRequest(const store::PendingCertificateRequest& p) {
  return {{"enroleeId", p.enroleeId},
          {"caLabel", p.caLabel},
          {"publicKeySha256", p.publicKeySha256},
          {"createdAt", toRfc3339(p.createdAt)},
          {"approved", p.approved}};
}

nlohmann::json describeIssuedCertificate(const store::IssuedCertificateRecord& c) {
  return {{"serial", c.serialHex},
          {"caLabel", c.caLabel},
          {"subject", c.subject},
          {"notBefore", toRfc3339(c.notBefore)},
          {"notAfter", toRfc3339(c.notAfter)},
          {"issuedAt", toRfc3339(c.issuedAt)},
          {"revokedAt", c.revokedAt ? nlohmann::json(toRfc3339(*c.revokedAt)) : nlohmann::json()},
          {"revocationReason", c.revocationReason}};
}

nlohmann::json describeEnroleeIn(store::Store& store, const std::string& enroleeId, const std::string& mefFqdn) {
  auto e = store.findEnrolee(enroleeId);
  if (!e) throw Error(ErrorCode::NotFound, "no Enrolee '" + enroleeId + "'");
  e->bootstrapIdentities = store.listBootstrapIdentities(e->enroleeId);
  return describeEnrolee(*e, store.findEnrolmentKeyOf(e->enroleeId), mefFqdn);
}

nlohmann::json describeEnrolees(store::Store& store, const std::string& mefFqdn) {
  nlohmann::json all = nlohmann::json::array();
  for (auto& e : store.listEnrolees()) {
    e.bootstrapIdentities = store.listBootstrapIdentities(e.enroleeId);
    all.push_back(describeEnrolee(e, store.findEnrolmentKeyOf(e.enroleeId), mefFqdn));
  }
  return all;
}

}  // namespace rspf::admin
