#include "admin/administration.hpp"

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
    if (c.validity.count() <= 0) throw Error(ErrorCode::BadRequest, "certificate validity must be positive");
  }
  if (!policy.registrarCseId.empty()) crypto::requireAsciiIdentifier(policy.registrarCseId, "registrar CSE-ID");
  if (policy.enrolmentExpiry.count() <= 0) throw Error(ErrorCode::BadRequest, "Enrolment Expiry must be positive");
}

AddEnroleeResult addEnrolee(store::Store& store, AddEnroleeRequest request) {
  crypto::requireAsciiIdentifier(request.enroleeId, "Enrolee-ID");
  if (request.kpmId.empty() && request.bootstrapIdentities.empty())
    throw Error(ErrorCode::BadRequest,
                "an Enrolee needs a bootstrap credential: a KpmId, a raw public key, a device certificate or an IMPI");
  if (!request.kpmId.empty()) crypto::requireAsciiIdentifier(request.kpmId, "KpmId");
  if (request.kpmId.size() > 128) throw Error(ErrorCode::BadRequest, "KpmId must be at most 128 characters");
  validatePolicy(request.policy);
  AddEnroleeResult result;
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
    if (request.kpm->size() < 16) throw Error(ErrorCode::BadRequest, "Kpm must be at least 16 bytes (128 bits)");
    enrolee.kpm = std::move(*request.kpm);
  } else {
    enrolee.kpm = crypto::randomSecret(kGeneratedKpmBytes);
    result.generatedKpm = enrolee.kpm;
  }
  enrolee.policy = std::move(request.policy);
  store.addEnrolee(enrolee);
  return result;
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

}  // namespace rspf::admin
