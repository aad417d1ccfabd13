#include "bootstrap/cert/certificate_framework.hpp"

#include <spdlog/spdlog.h>

#include <openssl/x509.h>

#include <algorithm>

#include "ca/general_names.hpp"
#include "ca/pem.hpp"
#include "ca/raw_public_key.hpp"
#include "ca/serial_number.hpp"
#include "common/error.hpp"
#include "crypto/encoding.hpp"

namespace rspf::bootstrap {
namespace {

constexpr std::string_view kAeUriScheme = "onem2m://";

// The CRL names `anchor` as its issuer and carries its signature.
bool crlIssuedBy(const crypto::Bytes& crlDer, const X509& anchor) {
  const unsigned char* p = crlDer.data();
  ca::X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(crlDer.size())));
  auto* key = X509_get0_pubkey(&anchor);
  return crl && key != nullptr && X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(&anchor)) == 0 &&
         X509_CRL_verify(crl.get(), key) == 1;
}

void addOnce(std::vector<std::string>& principals, const std::string& principal) {
  if (std::find(principals.begin(), principals.end(), principal) == principals.end()) principals.push_back(principal);
}

}  // namespace

const ca::CertificateVerifier& CertificateFramework::verifierFor(const std::string& trustAnchorPem) {
  std::lock_guard lock(verifiersMutex_);
  auto& verifier = verifiers_[trustAnchorPem];
  if (!verifier) {
    std::vector<crypto::Bytes> anchors;
    std::vector<const crypto::Bytes*> issuedCrls;
    for (const auto& anchor : ca::parseCertificates(crypto::asBytes(trustAnchorPem))) {
      anchors.push_back(ca::certificateDer(*anchor));
      for (const auto& crl : crls_)
        if (crlIssuedBy(crl, *anchor)) issuedCrls.push_back(&crl);
    }
    verifier = std::make_unique<ca::CertificateVerifier>(anchors, ca::VerifierOptions{!issuedCrls.empty()});
    for (const auto* crl : issuedCrls) verifier->addCrl(*crl);
  }
  return *verifier;
}

void CertificateFramework::addRegisteredNames(const tls::PresentedCertificate& presented,
                                              std::vector<std::string>& principals) {
  if (!presented.chainVerified) return;
  for (const auto& name : ca::subjectAltNamesOf(presented.leaf)) {
    std::string candidate;
    if (name.kind == ca::SubjectAltName::Kind::Dns) candidate = name.value;
    if (name.kind == ca::SubjectAltName::Kind::Uri && name.value.starts_with(kAeUriScheme))
      candidate = name.value.substr(kAeUriScheme.size());
    if (!candidate.empty() && (store_.findEnroleeStatus(candidate) || store_.findTarget(candidate)))
      addOnce(principals, candidate);
  }
}

void CertificateFramework::addDeviceIdentities(const tls::PresentedCertificate& presented,
                                               std::vector<std::string>& principals) {
  for (const auto& name : ca::subjectAltNamesOf(presented.leaf)) {
    // Device IDs are OIDs (registeredID) or URNs (URI), never DNS names.
    if (name.kind != ca::SubjectAltName::Kind::RegisteredId && name.kind != ca::SubjectAltName::Kind::Uri) continue;
    auto identity = store_.findBootstrapIdentity(store::BootstrapIdentity::kDeviceCertificate, name.value);
    if (!identity) continue;
    try {
      auto verified = verifierFor(identity->trustAnchorPem).verify(presented.leaf, presented.intermediates);
      ca::requireRegisteredIdentity(verified, identity->value, ca::SubjectType::DeviceId);
      addOnce(principals, identity->enroleeId);
    } catch (const Error& e) {
      spdlog::info("device certificate for '{}' refused: {}", identity->enroleeId, e.what());
    }
  }
}

void CertificateFramework::addRawPublicKey(const tls::PresentedCertificate& presented,
                                           std::vector<std::string>& principals) {
  const EVP_PKEY* key = X509_get0_pubkey(&presented.leaf);
  if (key == nullptr) return;
  auto ni = ca::niIdentifier(*key);
  if (auto identity = store_.findBootstrapIdentity(store::BootstrapIdentity::kRawPublicKey, ni))
    addOnce(principals, identity->enroleeId);
}

std::optional<tls::ResolvedPsk> CertificateFramework::resolve(const tls::PresentedCertificate& presented) {
  if (presented.chainVerified) {
    const std::string serial = ca::serialHex(*X509_get0_serialNumber(&presented.leaf));
    // A superseded certificate is revoked at the end of its grace (revokedAt in the future until then).
    if (auto issued = store_.findIssuedCertificate(serial);
        issued && issued->revokedAt && *issued->revokedAt <= now()) {
      spdlog::info("client certificate {} refused: revoked ({})", serial, issued->revocationReason);
      presented.refusal = X509_V_ERR_CERT_REVOKED;  // the Enrolee is told: alert certificate_revoked
      return std::nullopt;
    }
  }
  std::vector<std::string> principals;
  addRegisteredNames(presented, principals);
  // A CSE-ID / AE-ID certificate from a trusted CA names its holder; the other rules (8.1.2.4) are
  // for certificates that do not.
  if (principals.empty()) {
    addDeviceIdentities(presented, principals);
    addRawPublicKey(presented, principals);
  }
  if (principals.size() != 1) {
    spdlog::info("client certificate refused: it names {} registered identities{}", principals.size(),
                 presented.chainVerified
                     ? ""
                     : std::string(" (chain: ") + X509_verify_cert_error_string(presented.verifyError) + ")");
    return std::nullopt;
  }
  tls::ResolvedPsk resolved;
  resolved.framework = kCertificateFramework;
  resolved.principal = principals.front();
  resolved.attributes[kCertificateSerialAttribute] = ca::serialHex(*X509_get0_serialNumber(&presented.leaf));
  return resolved;
}

}  // namespace rspf::bootstrap
