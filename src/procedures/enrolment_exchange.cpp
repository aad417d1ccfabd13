#include "procedures/enrolment_exchange.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/error.hpp"
#include "common/log_fields.hpp"
#include "crypto/enrolment_key.hpp"
#include "procedures/enrolment_token.hpp"
#include "procedures/instructed_steps.hpp"
#include "procedures/json_body.hpp"
#include "procedures/session_bound.hpp"

namespace rspf::procedures {
namespace {

bool optionalBool(const nlohmann::json& j, const char* name) {
  if (!j.contains(name)) return false;
  if (!j[name].is_boolean()) throw Error(ErrorCode::BadRequest, std::string("'") + name + "' must be a boolean");
  return j[name].get<bool>();
}

nlohmann::json instructionsFor(const store::EnrolmentPolicy& policy, const EnrolmentExchangeRequest& request,
                               const std::string& mefFqdn) {
  auto instructions = nlohmann::json::array();
  // Step 5: Certificate Enrolment, only for an Enrolee that supports it.
  if (request.certificateEnrolment && policy.certificate) {
    std::string uri = request.scheme + "://" + mefFqdn + "/.well-known/est";
    if (!policy.certificate->caLabel.empty()) uri += "/" + policy.certificate->caLabel;
    instructions.push_back({{"type", "certificateEnrolment"}, {"uri", uri}, {"usages", policy.certificate->usages}});
  }
  // Step 7: Remote MAF Enrolment, only for an Enrolee that supports MAF-based procedures.
  if (request.mafEnrolment && policy.maf) {
    instructions.push_back({{"type", "mafEnrolment"},
                            {"mafId", policy.maf->mafId},
                            {"mafUri", policy.maf->mafUri},
                            {"credentialType", policy.maf->credentialType},
                            {"usages", policy.maf->usages}});
  }
  // Step 9: (Enrolee B-ID, communication security type) pairs for direct key derivation.
  if (!policy.directKeys.empty()) {
    auto pairs = nlohmann::json::array();
    for (const auto& p : policy.directKeys) pairs.push_back({{"targetId", p.targetId}, {"usage", p.usage}});
    instructions.push_back({{"type", "directKeys"}, {"pairs", pairs}});
  }
  if (!policy.registrarCseId.empty())
    instructions.push_back({{"type", "configuration"}, {"registrarCseId", policy.registrarCseId}});
  return instructions;
}

}  // namespace

EnrolmentExchangeRequest EnrolmentExchangeRequest::parse(std::string_view body) {
  auto json = parseJsonObject(body);
  EnrolmentExchangeRequest request;
  request.certificateEnrolment = optionalBool(json, "certificateEnrolment");
  request.mafEnrolment = optionalBool(json, "mafEnrolment");
  if (json.contains("enrolmentToken")) {
    const auto& token = json["enrolmentToken"];
    if (!token.is_string()) throw Error(ErrorCode::BadRequest, "'enrolmentToken' must be a string");
    auto value = token.get<std::string>();
    if (value.empty() || value.size() > kMaxEnrolmentTokenLength)
      throw Error(ErrorCode::BadRequest, "'enrolmentToken' must be 1 to 256 characters");
    request.enrolmentToken = std::move(value);
  }
  return request;
}

nlohmann::json EnrolmentExchange::run(const tls::AuthenticatedPeer& peer, const EnrolmentExchangeRequest& request) {
  // Issue 10 item 2: what opened the session still holds (read without unsealing the Kpm).
  auto enrolee = requireCurrentSession(store_, peer);
  if (!peer.grants.has(tls::Grant::EnrolmentExchange))
    throw Error(ErrorCode::Forbidden, "this session's bootstrap framework does not grant the Enrolment Exchange");
  if (!enrolee) throw Error(ErrorCode::Forbidden, "Enrolee '" + peer.principal + "' is not registered");
  if (!enrolee->enabled) throw Error(ErrorCode::Forbidden, "Enrolee '" + peer.principal + "' is disabled");
  const auto& policy = enrolee->policy;

  // Step 3: the MEF may deny the request when the Enrolment-Token is missing or invalid. The token
  // authorizes the first provisioning; a re-authentication (KreId/Kre, 8.3.3.2) is proven by Kre and
  // needs no new one (issue 10 item 5).
  std::optional<store::TokenUse> tokenUse;
  if (request.enrolmentToken) {
    tokenUse = store::TokenUse{hashEnrolmentToken(*request.enrolmentToken)};
  } else if (policy.token == store::TokenRequirement::Required && !peer.grants.has(tls::Grant::EnrolmentWithoutToken)) {
    throw Error(ErrorCode::Forbidden, "an enrolment token is required for Enrolee '" + enrolee->enroleeId + "'");
  }

  if (policy.requireEnrolmentApproval) approve(peer, *enrolee, tokenUse);

  // 8.3.3.2: Enrolment Key Generation from the session by TLS key export.
  auto exported = peer.exportKeyingMaterial(crypto::kExporterLabel, crypto::kExporterLength);
  auto material = crypto::deriveEnrolmentKeyMaterial(exported.view(), settings_.fqdn);
  TimePoint issuedAt = now();
  store::EnrolmentKey key;
  key.relativeKeId = material.relativeKeId;
  key.enroleeId = enrolee->enroleeId;
  key.ke = std::move(material.ke);
  key.kreId = material.kreId;
  key.kre = std::move(material.kre);
  key.framework = peer.framework;
  key.keyProfile = std::string(crypto::keyProfileName(settings_.keyProfile));
  key.createdAt = issuedAt;
  key.expiry = issuedAt + policy.enrolmentExpiry;  // Enrolment Expiry (10.7)

  auto writeStarted = std::chrono::steady_clock::now();
  auto refusal = store_.commitEnrolment(key, tokenUse, issuedAt, settings_.rekeyGrace);
  if (settings_.observer)
    settings_.observer->storeWrite("commit_enrolment", std::chrono::steady_clock::now() - writeStarted);
  if (refusal != store::TokenRefusal::None) {
    spdlog::info("enrolment of '{}' refused: {}", enrolee->enroleeId, store::describe(refusal));
    throw Error(ErrorCode::Forbidden, std::string(store::describe(refusal)));
  }
  ScopedLogFields fields([&] {
    return nlohmann::json{{"event", "enrolled"},
                          {"enroleeId", enrolee->enroleeId},
                          {"framework", peer.framework},
                          {"keId", material.keId},
                          {"expiry", toRfc3339(key.expiry)}};
  });
  spdlog::info("enrolled '{}' by {}: KeId {} expires {}", enrolee->enroleeId, peer.framework, material.keId,
               toRfc3339(key.expiry));
  auto instructions = instructionsFor(policy, request, settings_.fqdn);
  if (settings_.instructed) {
    bool certificate = std::any_of(instructions.begin(), instructions.end(),
                                   [](const auto& i) { return i.value("type", "") == "certificateEnrolment"; });
    settings_.instructed->record(material.relativeKeId, key.expiry, certificate);
  }
  return {{"keId", material.keId},
          {"kreId", material.kreId},
          {"expiry", toRfc3339(key.expiry)},
          {"keyProfile", key.keyProfile},
          {"instructions", std::move(instructions)}};
}

void EnrolmentExchange::approve(const tls::AuthenticatedPeer& peer, const store::EnroleeStatus& enrolee,
                                const std::optional<store::TokenUse>& tokenUse) {
  if (settings_.approver == nullptr)
    throw Error(ErrorCode::Forbidden, "the enrolment of '" + enrolee.enroleeId +
                                          "' requires approval, and this MEF has no approval webhook configured");
  EnrolmentApprovalRequest request{enrolee.enroleeId, peer.framework, peer.remoteAddress, "", ""};
  if (tokenUse) {
    // The approver sees the token's auxiliary information; an unknown token is refused here
    // already (the commit would refuse it too), so the approver is not asked about it.
    auto token = store_.findTokenByHash(tokenUse->tokenHash);
    if (!token) throw Error(ErrorCode::Forbidden, std::string(store::describe(store::TokenRefusal::Unknown)));
    request.tokenId = token->tokenId;
    request.tokenAuxInfo = token->auxInfo;
  }
  auto verdict = settings_.approver->decide(request);
  if (!verdict.approved) {
    spdlog::info("enrolment of '{}' not approved: {}", enrolee.enroleeId, verdict.reason);
    throw Error(ErrorCode::Forbidden,
                "the enrolment of '" + enrolee.enroleeId + "' was not approved: " + verdict.reason);
  }
}

nlohmann::json EnrolmentExchange::complete(const tls::AuthenticatedPeer& peer, std::string_view body) {
  auto json = parseJsonObject(body);
  if (!json.contains("step") || !json["step"].is_string())
    throw Error(ErrorCode::BadRequest, "'step' must be \"certificateEnrolment\" or \"mafEnrolment\"");
  auto step = json["step"].get<std::string>();
  if (step != "certificateEnrolment" && step != "mafEnrolment")
    throw Error(ErrorCode::BadRequest, "'step' must be \"certificateEnrolment\" or \"mafEnrolment\"");
  auto key = store_.findEnrolmentKeyOf(peer.principal);
  if (!key || key->expiry <= now())
    throw Error(ErrorCode::NotFound, "'" + peer.principal + "' has no current enrolment");
  store_.recordCompletedStep(key->relativeKeId, step);
  return {{"Status", true}};
}

}  // namespace rspf::procedures
