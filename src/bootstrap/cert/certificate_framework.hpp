#pragma once
// Certificate-Based Remote Security Provisioning Framework (seed 8.3.2.2). The client certificate
// is mapped to exactly one registered identity, by the certificate information the MEF holds for it
// (TS-0003 8.1.2.4), verified per 8.1.2.5:
//   - CSE-ID / AE-ID certificate: the chain verified against the MEF's client trust anchors (RFC 5280
//     path validation, name constraints, CRL when configured) and the subjectAltName equals the
//     registered Enrolee-ID (a CSE-ID as dNSName, an AE-ID as onem2m://<AE-ID> URI), or the ID of a
//     registered Enrolment Target (Key Retrieval, 8.3.3.6);
//   - device certificate: the chain verifies against the trust anchor registered with the device ID,
//     and that device ID is among the subjectAltName entries;
//   - raw public key: the RFC 6920 ni name of the presented key is the registered one (OpenSSL 3.0
//     has no RFC 7250 raw public keys in TLS: the key arrives in a certificate, whose issuer and
//     signature are ignored; the handshake proves possession of the private key).
// The first rule that names someone decides (a trusted CSE-ID / AE-ID certificate; else a device
// certificate or a raw public key); it must name exactly one identity. A certificate the embedded
// CA issued and an administrator revoked is refused at once; so is one listed in a configured CRL.
#include <map>
#include <memory>
#include <mutex>

#include "bootstrap/framework.hpp"
#include "ca/certificate_verifier.hpp"
#include "store/store.hpp"

namespace rspf::bootstrap {

inline constexpr const char* kCertificateFramework = "certificate";
// The AuthenticatedPeer attribute with the serial number (lowercase hex) of the presented certificate.
using tls::kCertificateSerialAttribute;
// A registered certificate: everything, including renewal of that certificate (RFC 7030 4.2.2) and
// Key Retrieval by a MAF whose certificate is its arrangement with the MEF (8.3.3.6).
inline constexpr tls::Grants kCertificateGrants{tls::Grant::EnrolmentExchange, tls::Grant::CertificateEnrolment,
                                                tls::Grant::CertificateReenrolment, tls::Grant::KeyRetrieval,
                                                tls::Grant::KeyRetrievalWithoutEnrolment};

class CertificateFramework final : public Framework, public tls::CertificatePeerResolver {
 public:
  explicit CertificateFramework(store::Store& store) : store_(store) {}
  std::string_view name() const override { return kCertificateFramework; }
  tls::Grants grants() const override { return kCertificateGrants; }
  tls::CertificatePeerResolver* certificates() override { return this; }
  std::optional<tls::ResolvedPsk> resolve(const tls::PresentedCertificate& presented) override;

  // The MEF's configured CRLs ([tls] crl, DER), applied to device certificates too: a registered
  // trust anchor that issued one of them has its certificates checked against it (issue 10 item 6).
  // Call before serving.
  void useRevocationLists(std::vector<crypto::Bytes> crlsDer) { crls_ = std::move(crlsDer); }

 private:
  // Enrolees and targets the certificate names, by each rule above.
  void addRegisteredNames(const tls::PresentedCertificate& presented, std::vector<std::string>& principals);
  void addDeviceIdentities(const tls::PresentedCertificate& presented, std::vector<std::string>& principals);
  void addRawPublicKey(const tls::PresentedCertificate& presented, std::vector<std::string>& principals);
  const ca::CertificateVerifier& verifierFor(const std::string& trustAnchorPem);

  store::Store& store_;
  std::mutex verifiersMutex_;
  std::map<std::string, std::unique_ptr<ca::CertificateVerifier>> verifiers_;  // by trust anchor PEM
  std::vector<crypto::Bytes> crls_;
};

}  // namespace rspf::bootstrap
