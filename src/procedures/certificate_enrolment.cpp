#include "procedures/certificate_enrolment.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "ca/certificate_request.hpp"
#include "ca/csr_attributes.hpp"
#include "ca/extended_key_usage.hpp"
#include "ca/issuance_check.hpp"
#include "ca/pem.hpp"
#include "ca/pkcs7.hpp"
#include "ca/upstream_est_authority.hpp"
#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"
#include "procedures/certificate_approval.hpp"
#include "store/sealing.hpp"

namespace rspf::procedures {
namespace {

std::string caWhere(const std::string& label) { return store::caKeySealingName(label); }

// PROJECT CHOICE: the validity of a MAF's renewed certificate (its first one is issued by the operator).
constexpr std::chrono::seconds kMafCertificateValidity = std::chrono::hours(24 * 30);

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

transport::Response binary(transport::ContentFormat format, const crypto::Bytes& der) {
  transport::Response r;
  r.contentFormat = format;
  r.body.assign(der.begin(), der.end());
  return r;
}

}  // namespace

ca::CertificateRequest certificateRequestOf(std::string_view body, transport::TransferEncoding encoding) {
  if (encoding == transport::TransferEncoding::Base64) return ca::CertificateRequest::fromEstBody(body);
  return ca::CertificateRequest::fromDer(crypto::asBytes(body));
}

std::string EstRegistrationAuthority::challengePasswordOf(const store::EnrolmentKey& enrolment) {
  auto mac = crypto::hmacSha256(enrolment.ke.view(), {crypto::asBytes(kEstChallengeLabel)});
  return crypto::toBase64Url(mac.view().first(18));
}

ca::CertificateAuthority& EstRegistrationAuthority::authority(const std::string& label) {
  std::lock_guard lock(mutex_);
  if (auto it = authorities_.find(label); it != authorities_.end()) return *it->second;
  std::unique_ptr<ca::CertificateAuthority> authority;
  if (upstream_) {
    authority = std::make_unique<ca::UpstreamEstAuthority>(upstream_, label);
  } else {
    auto embedded = loadCertificateAuthority(store_, kek_, label);
    if (!embedded)
      throw Error(ErrorCode::NotFound, label.empty() ? "this MEF has no Certificate Authority (rspf admin ca init)"
                                                     : "no Certificate Authority labelled '" + label + "'");
    authority = std::make_unique<ca::EmbeddedAuthority>(std::move(*embedded));
  }
  return *authorities_.emplace(label, std::move(authority)).first->second;
}

EstRegistrationAuthority::Grant EstRegistrationAuthority::grant(const tls::AuthenticatedPeer& peer,
                                                                const std::string& label) {
  if (!peer.grants.has(tls::Grant::CertificateEnrolment))
    throw Error(ErrorCode::Forbidden, "this session's bootstrap framework does not grant Certificate Enrolment");
  auto enrolee = store_.findEnroleeStatus(peer.principal);
  if (!enrolee || !enrolee->enabled)
    throw Error(ErrorCode::Forbidden, "Enrolee '" + peer.principal + "' is disabled or not registered");
  if (!enrolee->policy.certificate)
    throw Error(ErrorCode::Forbidden, "Certificate Enrolment is not granted to Enrolee '" + peer.principal + "'");
  // Pre-condition of 8.3.3.3: an Enrolment Exchange instructed this Enrolee (a current enrolment).
  auto key = store_.findEnrolmentKeyOf(peer.principal);
  if (!key || key->expiry <= now())
    throw Error(ErrorCode::Forbidden, "run the Enrolment Exchange before Certificate Enrolment");
  if (instructed_ && !instructed_->instructedCertificateEnrolment(key->relativeKeId))
    throw Error(ErrorCode::Forbidden,
                "the Enrolment Exchange of this enrolment did not instruct Certificate Enrolment: run it again with "
                "\"certificateEnrolment\": true");
  if (enrolee->policy.certificate->caLabel != label)
    throw Error(ErrorCode::Forbidden, "Enrolee '" + peer.principal + "' may not enrol with CA label '" + label + "'");
  return {*enrolee->policy.certificate, challengePasswordOf(*key)};
}

EstResponse EstRegistrationAuthority::cacerts(const std::string& label) {
  return {binary(transport::ContentFormat::Pkcs7CertsOnly, ca::certsOnlyPkcs7(authority(label).caCertificates()))};
}

EstResponse EstRegistrationAuthority::csrattrs(const tls::AuthenticatedPeer& peer, const std::string& label) {
  auto granted = grant(peer, label);
  const auto& policy = granted.policy;
  auto names = std::vector<ca::SubjectAltName>{ca::subjectAltNameFor(peer.principal, subjectTypeOf(policy))};
  auto der = ca::buildCsrAttributes(granted.challengePassword, names, ca::keyPurposesForUsages(usagesOf(policy)));
  return {binary(transport::ContentFormat::CsrAttrs, der)};
}

EstResponse EstRegistrationAuthority::simpleEnroll(const tls::AuthenticatedPeer& peer, const std::string& label,
                                                   std::string_view body, transport::TransferEncoding encoding) {
  auto granted = grant(peer, label);
  const auto& policy = granted.policy;
  auto request = certificateRequestOf(body, encoding);  // signature checked: proof of possession
  if (!request.hasChallengePassword())
    throw Error(ErrorCode::Forbidden, "the CSR carries no challengePassword (ask /csrattrs for it)");
  if (!request.challengePasswordMatches(granted.challengePassword))
    throw Error(ErrorCode::Forbidden,
                "the CSR's challengePassword is not the one /csrattrs gives for the current enrolment");
  auto issuance = issuancePolicyOf(peer.principal, policy);
  ca::grantRequest(request, issuance);  // Forbidden for a foreign identifier or EKU, before anything is held
  // Held until an administrator approves it (rspf admin ca approve); then the same key is issued.
  if (policy.requireApproval && !approvedOrHeld(store_, peer.principal, label, request))
    return heldResponse(retryAfter_);
  return answer(authority(label).issue(request, issuance, false), label, peer.principal);
}

EstResponse EstRegistrationAuthority::simpleReenroll(const tls::AuthenticatedPeer& peer, const std::string& label,
                                                     std::string_view body, transport::TransferEncoding encoding) {
  if (!peer.grants.has(tls::Grant::CertificateReenrolment))
    throw Error(ErrorCode::Forbidden, "simplereenroll needs a session authenticated by the current certificate");
  auto enrolee = store_.findEnroleeStatus(peer.principal);
  // A MAF renews the certificate it authenticates to the MEF with (issue 10 item 1): same dNSName,
  // serverAuth and clientAuth, from the default CA.
  if (auto target = store_.findTarget(peer.principal); !enrolee && target && target->type == "MAF" && label.empty()) {
    auto request = certificateRequestOf(body, encoding);
    auto response = answer(
        authority(label).issue(
            request, {peer.principal, ca::SubjectType::CseId, ca::keyPurposesForUsages({}), kMafCertificateValidity},
            true),
        label, peer.principal);
    if (response.answer.status == transport::Status::Ok) supersede(peer);
    return response;
  }
  if (!enrolee || !enrolee->enabled)
    throw Error(ErrorCode::Forbidden, "Enrolee '" + peer.principal + "' is disabled or not registered");
  if (!enrolee->policy.certificate)
    throw Error(ErrorCode::Forbidden, "Certificate Enrolment is not granted to Enrolee '" + peer.principal + "'");
  const auto& policy = *enrolee->policy.certificate;
  if (policy.caLabel != label)
    throw Error(ErrorCode::Forbidden, "Enrolee '" + peer.principal + "' may not enrol with CA label '" + label + "'");
  auto request = certificateRequestOf(body, encoding);
  // Same subject: the identifier is the principal's.
  auto response =
      answer(authority(label).issue(request, issuancePolicyOf(peer.principal, policy), true), label, peer.principal);
  if (response.answer.status == transport::Status::Ok) supersede(peer);
  return response;
}

void EstRegistrationAuthority::supersede(const tls::AuthenticatedPeer& peer) {
  auto serial = peer.attributes.find(tls::kCertificateSerialAttribute);
  if (serial == peer.attributes.end()) return;
  auto at = now() + supersededGrace_;
  if (store_.revokeCertificate(serial->second, "superseded", at))
    spdlog::info("certificate {} of '{}' superseded: revoked from {}", serial->second, peer.principal, toRfc3339(at));
}

ca::IssuancePolicy EstRegistrationAuthority::issuancePolicyOf(const std::string& enroleeId,
                                                              const store::CertificatePolicy& policy) {
  return {enroleeId, subjectTypeOf(policy), ca::keyPurposesForUsages(usagesOf(policy)), policy.validity};
}

EstResponse heldResponse(std::chrono::seconds retryAfter) {
  auto r = transport::jsonResponse(
      nlohmann::json{{"Status", true}, {"pending", "the certificate request awaits approval"}}.dump());
  r.status = transport::Status::Pending;
  r.retryAfter = retryAfter;
  return {std::move(r)};
}

EstResponse certificateResponse(const crypto::Bytes& certificateDer) {
  return {binary(transport::ContentFormat::Pkcs7CertsOnly, ca::certsOnlyPkcs7({certificateDer}))};
}

EstResponse EstRegistrationAuthority::answer(const ca::Issuance& issuance, const std::string& label,
                                             const std::string& enroleeId) {
  if (!issuance.certificate) return heldResponse(issuance.retryAfter);  // the upstream CA holds it
  const auto& issued = *issuance.certificate;
  store_.recordIssuedCertificate(
      {issued.serialHex, label, enroleeId, enroleeId, issued.notBefore, issued.notAfter, now(), issued.der, {}, {}});
  spdlog::info("certificate {} issued to '{}' until {}", issued.serialHex, enroleeId, toRfc3339(issued.notAfter));
  auto response = certificateResponse(issued.der);
  response.issuedSerial = issued.serialHex;
  return response;
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
                                       std::chrono::seconds validity, const std::string& name) {
  if (store.findCertificateAuthority(label))
    throw Error(ErrorCode::Conflict, "a Certificate Authority labelled '" + label + "' already exists");
  const std::string commonName = !name.empty() ? name : label.empty() ? "rspf MEF CA" : "rspf MEF CA " + label;
  auto ca = ca::EmbeddedCa::create(commonName, permittedDnsSubtrees, permittedUriSubtrees, validity);
  auto sealed = ca.sealPrivateKey([&](crypto::ByteView plain) { return kek.seal(plain, caWhere(label)); });
  store.addCertificateAuthority({label, ca.certificateDer(), sealed, now()});
  return ca.certificatePem();
}

}  // namespace rspf::procedures
