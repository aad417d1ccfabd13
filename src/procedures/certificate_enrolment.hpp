#pragma once
// Certificate Enrolment Procedure (seed 8.3.3.3): the MEF as EST registration authority (RFC 7030)
// in front of its embedded CA, on any authenticated MEF session (PROTOCOL.md 4.2). A PSK session is
// RFC 7030 3.3.3 certificate-less mutual authentication.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "ca/certificate_authority.hpp"
#include "ca/certificate_request.hpp"
#include "ca/upstream_est_authority.hpp"
#include "procedures/instructed_steps.hpp"
#include "procedures/mef_settings.hpp"
#include "store/key_encryption_key.hpp"
#include "store/store.hpp"
#include "tls/authenticated_peer.hpp"
#include "transport/message.hpp"

namespace rspf::procedures {

// The challengePassword handed out in csrattrs is bound to the Enrolee's current enrolment:
// base64url of the first 18 bytes of HMAC-SHA-256(Ke, this label) (project choice). Only the holder
// of that enrolment's sessions learns it, it changes with every Enrolment Exchange, and it stays the
// same across the TLS connections of one enrolment (EST clients such as curl use one per request).
inline constexpr std::string_view kEstChallengeLabel = "rspf EST challengePassword";

// An EST answer, binding-neutral: DER bodies (the HTTPS codec sends them base64, RFC 7030 4.1.3;
// EST-coaps as they are, RFC 9148), or Pending with its retry delay (RFC 7030 4.2.3).
struct EstResponse {
  transport::Response answer;
  std::string issuedSerial = {};  // from simpleenroll / simplereenroll: the new certificate's serial (audit log)
};

// Pending: the request is held (for an administrator, or by the CA); ask again after `retryAfter`.
EstResponse heldResponse(std::chrono::seconds retryAfter);
// The CSR of an EST request body in `encoding` (base64: ca::CertificateRequest::fromEstBody).
ca::CertificateRequest certificateRequestOf(std::string_view body, transport::TransferEncoding encoding);
// 200: the issued certificate as certs-only PKCS#7.
EstResponse certificateResponse(const crypto::Bytes& certificateDer);

class EstRegistrationAuthority {
 public:
  // `upstream`: forward CSRs to an upstream EST server (upstream_est_authority.hpp) instead of
  // issuing with the store's embedded CA.
  // `instructed`: what the Enrolment Exchange instructed; csrattrs and simpleenroll are refused for
  // an enrolment it did not instruct to enrol a certificate (seed 8.3.3.3 pre-conditions). Null: not checked.
  EstRegistrationAuthority(store::Store& store, store::KeyEncryptionKey kek,
                           std::chrono::seconds retryAfter = std::chrono::seconds(10),
                           std::shared_ptr<const ca::UpstreamEstSettings> upstream = nullptr,
                           const InstructedSteps* instructed = nullptr)
      : store_(store),
        kek_(std::move(kek)),
        retryAfter_(retryAfter),
        upstream_(std::move(upstream)),
        instructed_(instructed) {}

  // After /simplereenroll the certificate the session was authenticated with is revoked (reason
  // superseded) once `grace` has passed (issue 10 item 6): until then both bootstrap.
  void setSupersededGrace(std::chrono::seconds grace) { supersededGrace_ = grace; }

  // /cacerts: the CA certificate as certs-only PKCS#7 (seed 8.3.3.3 steps 3-4).
  EstResponse cacerts(const std::string& label);
  // /csrattrs: challengePassword, the subjectAltName the policy grants, EKUs of its usages (steps 6-7).
  EstResponse csrattrs(const tls::AuthenticatedPeer& peer, const std::string& label);
  // /simpleenroll: checks the CSR (signature, challengePassword, identifiers, EKUs), issues, records
  // the certificate, answers certs-only PKCS#7 (steps 9-14).
  // `body` is the CSR in the binding's transfer encoding (base64 over HTTPS, DER over CoAPS).
  EstResponse simpleEnroll(const tls::AuthenticatedPeer& peer, const std::string& label, std::string_view body,
                           transport::TransferEncoding encoding);

  // /simplereenroll (RFC 7030 4.2.2): on a session authenticated by the current certificate; the new
  // certificate names the same subject (the Enrolee the certificate was mapped to); a new key is allowed.
  EstResponse simpleReenroll(const tls::AuthenticatedPeer& peer, const std::string& label, std::string_view body,
                             transport::TransferEncoding encoding);

  // The enrolment-bound challengePassword (see kEstChallengeLabel).
  static std::string challengePasswordOf(const store::EnrolmentKey& enrolment);

 private:
  struct Grant {
    store::CertificatePolicy policy;
    std::string challengePassword;
  };
  // The Enrolee's certificate policy, after checking it may enrol a certificate now with `label`.
  Grant grant(const tls::AuthenticatedPeer& peer, const std::string& label);
  ca::CertificateAuthority& authority(const std::string& label);
  static ca::IssuancePolicy issuancePolicyOf(const std::string& enroleeId, const store::CertificatePolicy& policy);
  // 200 with the certificate (recorded in the store), or 202 when the CA holds the request.
  EstResponse answer(const ca::Issuance& issuance, const std::string& label, const std::string& enroleeId);
  // Revokes the session's certificate (superseded) at the end of the grace.
  void supersede(const tls::AuthenticatedPeer& peer);

  store::Store& store_;
  store::KeyEncryptionKey kek_;
  std::chrono::seconds retryAfter_;
  std::shared_ptr<const ca::UpstreamEstSettings> upstream_;
  const InstructedSteps* instructed_;
  std::chrono::seconds supersededGrace_{3600};
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<ca::CertificateAuthority>> authorities_;
};

// The embedded CA `label` from the store, its key opened with `kek`; nullopt when there is none.
std::optional<ca::EmbeddedCa> loadCertificateAuthority(store::Store& store, const store::KeyEncryptionKey& kek,
                                                       const std::string& label);

// Admin: creates and stores the embedded CA `label` (its key sealed under `kek`); returns its PEM.
std::string createCertificateAuthority(store::Store& store, const store::KeyEncryptionKey& kek,
                                       const std::string& label, const std::vector<std::string>& permittedDnsSubtrees,
                                       const std::vector<std::string>& permittedUriSubtrees,
                                       std::chrono::seconds validity, const std::string& name = "");

}  // namespace rspf::procedures
