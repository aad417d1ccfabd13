#include "procedures/key_retrieval.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/identifiers.hpp"
#include "crypto/provisioned_keys.hpp"
#include "procedures/session_bound.hpp"

namespace rspf::procedures {
namespace {

constexpr const char* kUnknownKey = "unknown or expired key identifier";

// A usage the policy authorizes for a target, with the Target-ID spelled as the Enrolee was told
// (the key derivation is byte-exact; the comparison of identifiers is not).
struct Authorization {
  crypto::Usage usage;
  std::string targetId;
};

// The direct key pairs naming this target, and the MAF instruction when the target is that MAF
// (symmetric credential).
std::vector<Authorization> authorizedUsages(const store::EnrolmentPolicy& policy, std::string_view targetId) {
  std::vector<Authorization> found;
  for (const auto& pair : policy.directKeys)
    if (crypto::equalsIgnoreCase(pair.targetId, targetId))
      if (auto u = crypto::parseUsage(pair.usage)) found.push_back({*u, pair.targetId});
  if (policy.maf && policy.maf->credentialType == "symmetric" && crypto::equalsIgnoreCase(policy.maf->mafId, targetId))
    found.push_back({crypto::Usage::MAF, policy.maf->mafId});
  return found;
}

crypto::Usage usageOfSuidText(const std::string& text) {
  int suid = -1;
  auto r = std::from_chars(text.data(), text.data() + text.size(), suid);
  if (text.size() != 2 || r.ec != std::errc() || r.ptr != text.data() + text.size())
    throw Error(ErrorCode::BadRequest, "SUID must be two decimal digits");
  auto usage = crypto::usageOfSuid(suid);
  if (!usage) throw Error(ErrorCode::BadRequest, "unknown SUID " + text);
  return *usage;
}

}  // namespace

nlohmann::json MefKeyRetrieval::run(const tls::AuthenticatedPeer& peer, const KeyRetrievalRequest& request) {
  // Issue 10 item 2: what opened the session still holds; its Enrolee record is the requester's.
  auto requester = requireCurrentSession(store_, peer);
  // Step 3.b.i: the requester's ID must be the identity it authenticated with.
  if (request.requesterId.empty())
    throw Error(ErrorCode::BadRequest, "the requester's ID is required in X-M2M-Origin (or From)");
  // 8.3.3.6 pre-conditions: a CSE/AE target authenticates with its KreId, or with a certificate
  // registered to its identity (the Certificate-Based framework maps it to that identity).
  if (!peer.grants.has(tls::Grant::KeyRetrieval))
    throw Error(ErrorCode::Forbidden,
                "MEF Key Retrieval requires authentication with the target's KreId or its certificate");
  if (!crypto::equalsIgnoreCase(request.requesterId, peer.principal))
    throw Error(ErrorCode::Forbidden, "requester ID '" + request.requesterId + "' is not the authenticated identity '" +
                                          peer.principal + "'");
  auto target = store_.findTarget(peer.principal);
  // A MAF's credentials with the MEF are "arranged on a case-by-case basis" (8.3.3.6 pre-conditions):
  // a MAF registered as an Enrolment Target and authenticated by its certificate needs no enrolment.
  const bool mafByCertificate =
      target && target->type == "MAF" && peer.grants.has(tls::Grant::KeyRetrievalWithoutEnrolment) && !requester;
  if (!mafByCertificate && (!requester || !requester->enabled))
    throw Error(ErrorCode::Forbidden, "requester '" + peer.principal + "' is disabled or no longer registered");
  if (!target) throw Error(ErrorCode::Forbidden, "'" + peer.principal + "' is not a registered Enrolment Target");

  // Step 3.a: the key identifier, and the Enrolment Key it names.
  std::string relativeKeId;
  if (auto keId = crypto::parseKeyIdentifier(request.keyIdentifier)) {
    if (keId->suid) throw Error(ErrorCode::BadRequest, "expected a KeId, got a derived key identifier");
    if (!crypto::equalsIgnoreCase(keId->mefFqdn, settings_.fqdn)) throw Error(ErrorCode::NotFound, kUnknownKey);
    relativeKeId = keId->relativeKeId;
  } else if (auto relative = crypto::parseRelativeKeId(request.keyIdentifier)) {
    relativeKeId = *relative;
  } else {
    throw Error(ErrorCode::BadRequest, "malformed key identifier");
  }
  std::optional<crypto::Usage> requestedUsage;
  if (request.suid) requestedUsage = usageOfSuidText(*request.suid);

  auto key = store_.findRetrievableKey(relativeKeId);
  if (!key || key->expiry <= now()) throw Error(ErrorCode::NotFound, kUnknownKey);
  auto enrolee = store_.findEnroleeStatus(key->enroleeId);
  if (!enrolee || !enrolee->enabled) throw Error(ErrorCode::NotFound, kUnknownKey);

  // Step 3.b.ii: is this target allowed to fetch credentials for this Enrolee and usage?
  auto usages = authorizedUsages(enrolee->policy, target->targetId);
  const Authorization* granted = nullptr;
  if (requestedUsage) {
    for (const auto& a : usages)
      if (a.usage == *requestedUsage) granted = &a;
    if (granted == nullptr)
      throw Error(ErrorCode::Forbidden, "'" + target->targetId + "' is not authorized for Enrolee '" +
                                            enrolee->enroleeId + "' and usage " +
                                            std::string(crypto::usageName(*requestedUsage)));
  } else {
    if (usages.empty())
      throw Error(ErrorCode::Forbidden,
                  "'" + target->targetId + "' is not authorized for Enrolee '" + enrolee->enroleeId + "'");
    if (usages.size() > 1)
      throw Error(ErrorCode::Conflict,
                  "several usages are authorized for this target; ask for one with "
                  "/fetchCredentials/<KeId>/<SUID>");
    granted = &usages.front();
  }
  const crypto::Usage usage = granted->usage;

  auto profile = crypto::parseKeyProfile(key->keyProfile).value_or(crypto::KeyProfile::Current);
  // Usage separation (issue 10 item 4): the legacy Kpsa (10.3.3) is HMAC(Ke, label || Enrolee-B-ID),
  // the same key for every usage of one target. When the policy authorizes a target for several
  // usages, a key obtained for one would open a target serving another: the MEF serves it for none.
  if (profile == crypto::KeyProfile::Legacy && usage != crypto::Usage::MAF) {
    std::size_t directUsages = 0;
    for (const auto& a : usages) directUsages += a.usage != crypto::Usage::MAF ? 1 : 0;
    if (directUsages > 1)
      throw Error(ErrorCode::Forbidden, "under key_profile \"legacy\" the Kpsa does not depend on the usage, and '" +
                                            target->targetId + "' is authorized for several usages of Enrolee '" +
                                            enrolee->enroleeId +
                                            "': authorize one usage per target, or use key_profile \"current\"");
  }
  auto credential = crypto::deriveTargetKey(profile, key->ke.view(), usage, granted->targetId);
  std::string keyIdentifier =
      crypto::makeDerivedKeyIdentifier(relativeKeId, crypto::defaultSuid(usage), settings_.fqdn);
  std::string credentialId = crypto::makeCredentialId(crypto::credentialTypeOf(usage), keyIdentifier);
  spdlog::info("key retrieval: '{}' fetched {} for Enrolee '{}' ({})", target->targetId, credentialId,
               enrolee->enroleeId, crypto::usageName(usage));
  nlohmann::json answer = {{"Status", true},
                           {"CredentialId", credentialId},
                           {"EnroleeID", enrolee->enroleeId},
                           {"Lifetime", toRfc3339(key->expiry)}};
  answer["Credential"] = crypto::toBase64(credential.view());  // moved in: the one copy, wiped by the router
  // 8.3.3.4: "The MEF can also provide limits on what communication security type ... may be
  // facilitated by the MAF for this Enrolee" (project choice: the member "Usages").
  if (usage == crypto::Usage::MAF) {
    answer["Usages"] = enrolee->policy.maf->usages;
    // 8.3.3.4 step 6: the MAF retrieves "the Master Credential (Kc) and Master Credential Identifier
    // (KcId)" (issue 10 item 11). PROJECT CHOICE: KcId is the derived key identifier of Kc, the key
    // identifier its Credential-ID (type 11, KmId) names; the Enrolee derives the same.
    answer["KcId"] = keyIdentifier;
  }
  return answer;
}

}  // namespace rspf::procedures
