#include "procedures/certificate_enrolment.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "bootstrap/cert/certificate_framework.hpp"
#include "ca/certificate_request.hpp"
#include "ca/csr_attributes.hpp"
#include "ca/extended_key_usage.hpp"
#include "ca/pem.hpp"
#include "ca/pkcs7.hpp"
#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"

namespace rspf::procedures {
namespace {

std::string caWhere(const std::string& label) { return "certificate_authorities/key/" + label; }

std::vector<crypto::Usage> usagesOf(const store::CertificatePolicy& policy) {
  std::vector<crypto::Usage> usages;
  for (const auto& name : policy.usages) {
    auto usage = crypto::parseUsage(name);
    if (!usage) throw Error(ErrorCode::Internal, "stored certificate policy names an unknown usage '" + name + "'");
    usages.push_back(*usage);
  }
  return usages;
}

ca::SubjectType subjectTypeOf(const store::CertificatePolicy& policy) {
  auto type = ca::parseSubjectType(policy.subjectType);
  if (!type) throw Error(ErrorCode::Internal, "stored certificate policy has an unknown subject type");
  return *type;
}

}  // namespace

std::string EstRegistrationAuthority::challengePasswordOf(const store::EnrolmentKey& enrolment) {
  auto mac = crypto::hmacSha256(enrolment.ke.view(), {crypto::asBytes(kEstChallengeLabel)});
  return crypto::toBase64Url(mac.view().first(18));
}

const ca::EmbeddedCa& EstRegistrationAuthority::authority(const std::string& label) {
  std::lock_guard lock(mutex_);
  if (auto it = authorities_.find(label); it != authorities_.end()) return *it->second;
  auto record = store_.findCertificateAuthority(label);
  if (!record)
    throw Error(ErrorCode::NotFound, label.empty() ? "this MEF has no Certificate Authority (rspf admin ca init)"
                                                   : "no Certificate Authority labelled '" + label + "'");
  auto ca = std::make_unique<ca::EmbeddedCa>(
      ca::EmbeddedCa::restore(record->certificateDer, record->sealedPrivateKey,
                              [&](crypto::ByteView sealed) { return kek_.open(sealed, caWhere(label)); }));
  return *authorities_.emplace(label, std::move(ca)).first->second;
}

EstRegistrationAuthority::Grant EstRegistrationAuthority::grant(const tls::AuthenticatedPeer& peer,
                                                                const std::string& label) {
  auto enrolee = store_.findEnroleeStatus(peer.principal);
  if (!enrolee || !enrolee->enabled)
    throw Error(ErrorCode::Forbidden, "Enrolee '" + peer.principal + "' is disabled or not registered");
  if (!enrolee->policy.certificate)
    throw Error(ErrorCode::Forbidden, "Certificate Enrolment is not granted to Enrolee '" + peer.principal + "'");
  // Pre-condition of 8.3.3.3: an Enrolment Exchange instructed this Enrolee (a current enrolment).
  auto key = store_.findEnrolmentKeyOf(peer.principal);
  if (!key || key->expiry <= now())
    throw Error(ErrorCode::Forbidden, "run the Enrolment Exchange before Certificate Enrolment");
  if (enrolee->policy.certificate->caLabel != label)
    throw Error(ErrorCode::Forbidden, "Enrolee '" + peer.principal + "' may not enrol with CA label '" + label + "'");
  return {*enrolee->policy.certificate, challengePasswordOf(*key)};
}

void EstRegistrationAuthority::recordIssued(const ca::IssuedCertificate& issued, const std::string& label,
                                            const std::string& enroleeId) {
  store_.recordIssuedCertificate(
      {issued.serialHex, label, enroleeId, enroleeId, issued.notBefore, issued.notAfter, now(), issued.der, {}, {}});
}

EstResponse EstRegistrationAuthority::cacerts(const std::string& label) {
  return {kPkcs7CertsOnly, ca::certsOnlyPkcs7Base64({authority(label).certificateDer()})};
}

EstResponse EstRegistrationAuthority::csrattrs(const tls::AuthenticatedPeer& peer, const std::string& label) {
  auto granted = grant(peer, label);
  const auto& policy = granted.policy;
  auto names = std::vector<ca::SubjectAltName>{ca::subjectAltNameFor(peer.principal, subjectTypeOf(policy))};
  auto der = ca::buildCsrAttributes(granted.challengePassword, names, ca::keyPurposesForUsages(usagesOf(policy)));
  return {kCsrAttrsType, ca::estBase64Encode(der)};
}

EstResponse EstRegistrationAuthority::simpleEnroll(const tls::AuthenticatedPeer& peer, const std::string& label,
                                                   std::string_view body) {
  auto granted = grant(peer, label);
  const auto& policy = granted.policy;
  auto request = ca::CertificateRequest::fromEstBody(body);  // signature checked: proof of possession
  if (!request.hasChallengePassword())
    throw Error(ErrorCode::Forbidden, "the CSR carries no challengePassword (ask /csrattrs for it)");
  if (!request.challengePasswordMatches(granted.challengePassword))
    throw Error(ErrorCode::Forbidden,
                "the CSR's challengePassword is not the one /csrattrs gives for the current enrolment");
  if (policy.requireApproval) {
    // Held until an administrator approves it (rspf admin ca approve); then the same key is issued.
    auto keyHash = crypto::toHex(crypto::sha256(request.publicKeyDer()));
    auto pending = store_.findPendingCertificateRequest(peer.principal);
    if (!pending || !pending->approved || pending->publicKeySha256 != keyHash) {
      if (!pending || pending->publicKeySha256 != keyHash)
        store_.holdCertificateRequest({peer.principal, label, keyHash, request.der(), now(), false});
      spdlog::info("certificate request of '{}' held for approval", peer.principal);
      return {
          "application/json",
          nlohmann::json{{"Status", true}, {"pending", "the certificate request awaits an administrator's approval"}}
              .dump(),
          202, retryAfter_};
    }
    store_.removePendingCertificateRequest(peer.principal);
  }
  ca::IssuancePolicy issuance{peer.principal, subjectTypeOf(policy), ca::keyPurposesForUsages(usagesOf(policy)),
                              policy.validity};
  auto issued = authority(label).issue(request, issuance);  // Forbidden for a foreign identifier or EKU
  recordIssued(issued, label, peer.principal);
  spdlog::info("certificate {} issued to '{}' until {}", issued.serialHex, peer.principal, toRfc3339(issued.notAfter));
  return {kPkcs7CertsOnly, ca::certsOnlyPkcs7Base64({issued.der})};
}

EstResponse EstRegistrationAuthority::simpleReenroll(const tls::AuthenticatedPeer& peer, const std::string& label,
                                                     std::string_view body) {
  if (peer.framework != bootstrap::kCertificateFramework)
    throw Error(ErrorCode::Forbidden, "simplereenroll needs a session authenticated by the current certificate");
  auto enrolee = store_.findEnroleeStatus(peer.principal);
  if (!enrolee || !enrolee->enabled)
    throw Error(ErrorCode::Forbidden, "Enrolee '" + peer.principal + "' is disabled or not registered");
  if (!enrolee->policy.certificate)
    throw Error(ErrorCode::Forbidden, "Certificate Enrolment is not granted to Enrolee '" + peer.principal + "'");
  const auto& policy = *enrolee->policy.certificate;
  if (policy.caLabel != label)
    throw Error(ErrorCode::Forbidden, "Enrolee '" + peer.principal + "' may not enrol with CA label '" + label + "'");
  auto request = ca::CertificateRequest::fromEstBody(body);
  ca::IssuancePolicy issuance{peer.principal, subjectTypeOf(policy), ca::keyPurposesForUsages(usagesOf(policy)),
                              policy.validity};
  auto issued = authority(label).issue(request, issuance);  // same subject: the identifier is the principal's
  recordIssued(issued, label, peer.principal);
  spdlog::info("certificate {} re-issued to '{}' until {}", issued.serialHex, peer.principal,
               toRfc3339(issued.notAfter));
  return {kPkcs7CertsOnly, ca::certsOnlyPkcs7Base64({issued.der})};
}

std::optional<ca::EmbeddedCa> loadCertificateAuthority(store::Store& store, const store::KeyEncryptionKey& kek,
                                                       const std::string& label) {
  auto record = store.findCertificateAuthority(label);
  if (!record) return std::nullopt;
  return ca::EmbeddedCa::restore(record->certificateDer, record->sealedPrivateKey,
                                 [&](crypto::ByteView sealed) { return kek.open(sealed, caWhere(label)); });
}

std::string createCertificateAuthority(store::Store& store, const store::KeyEncryptionKey& kek,
                                       const std::string& label, const std::vector<std::string>& permittedDnsSubtrees,
                                       const std::vector<std::string>& permittedUriSubtrees,
                                       std::chrono::seconds validity) {
  if (store.findCertificateAuthority(label))
    throw Error(ErrorCode::Conflict, "a Certificate Authority labelled '" + label + "' already exists");
  auto ca = ca::EmbeddedCa::create(label.empty() ? "rspf MEF CA" : "rspf MEF CA " + label, permittedDnsSubtrees,
                                   permittedUriSubtrees, validity);
  auto sealed = ca.sealPrivateKey([&](crypto::ByteView plain) { return kek.seal(plain, caWhere(label)); });
  store.addCertificateAuthority({label, ca.certificateDer(), sealed, now()});
  return ca.certificatePem();
}

}  // namespace rspf::procedures
