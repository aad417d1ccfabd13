#pragma once
// Certificate verification of a peer (TS-0003 8.1.2.5; issue 3 item 2): RFC 5280 path validation
// against configured trust anchors with X509_verify_cert, CRL checking when configured, then the
// identity check against what the MEF has registered for the peer (8.1.2.4):
//   - CSE-ID / AE-ID certificate: every subjectAltName entry must equal the registered Enrolee-ID
//     (mapped as certificate_subject.hpp maps it);
//   - device certificate: the registered device ID must be among the subjectAltName entries (a device
//     certificate may carry several hardware identifiers, 10.1.1.4.1);
//   - raw public key: the key's RFC 6920 ni name must equal the registered one.
// Not found in the stored public texts: the body of 8.1.2.5; the checks above follow issue 3 and
// PROTOCOL.md.
//
// The X509_STORE is built once, when the verifier is made, and reused by every verification
// (PITFALLS: parse trust anchors once). Verifications may run on several threads at once.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ca/certificate_subject.hpp"
#include "ca/openssl_objects.hpp"
#include "common/time.hpp"

namespace rspf::ca {

struct VerifierOptions {
  // X509_V_FLAG_CRL_CHECK: the leaf's CA must have a current CRL loaded (addCrl), and the leaf must
  // not be on it.
  bool checkCrl = false;
};

struct VerifiedCertificate {
  X509Ptr certificate;  // the leaf
  std::string subject;  // RFC 2253 text, for logs
  std::string serialHex;
  std::vector<SubjectAltName> subjectAltNames;
  std::string niIdentifier;  // of the leaf's public key
};

class CertificateVerifier {
 public:
  // Throws Error(Config) when there is no trust anchor or one does not parse.
  explicit CertificateVerifier(const std::vector<Bytes>& trustAnchorsDer, VerifierOptions options = {});
  CertificateVerifier(CertificateVerifier&&) noexcept = default;
  CertificateVerifier& operator=(CertificateVerifier&&) noexcept = default;

  // Adds a CRL (DER) to the store; safe while other threads verify. Throws Error(Config).
  void addCrl(ByteView crlDer);

  // Path validation of `leaf` with the peer's untrusted `intermediates` (may be null), at `at` (default:
  // now). Throws Error(Unauthorized) with the reason ("certificate 'CN=x' has expired", "... is not
  // signed by a trusted CA", "... has been revoked", ...).
  VerifiedCertificate verify(X509& leaf, STACK_OF(X509) * intermediates, std::optional<TimePoint> at = {}) const;
  // The same from DER: the leaf first, then the intermediates.
  VerifiedCertificate verify(const std::vector<Bytes>& chainDer, std::optional<TimePoint> at = {}) const;

  // The store, for a TLS context that should verify with the same anchors (SSL_CTX_set1_verify_cert_store).
  X509_STORE* store() const { return store_.get(); }

 private:
  X509StorePtr store_;
};

// The identity check of 8.1.2.4/8.1.2.5 (rules above). Throws Error(Unauthorized), e.g.
// "subjectAltName 'DNS:cse2.example.com' is not the registered Enrolee-ID 'cse1.example.com'".
void requireRegisteredIdentity(const VerifiedCertificate& certificate, std::string_view registeredId, SubjectType type);

// Raw public key Enrolees (8.1.2.4): throws Error(Unauthorized) when `publicKey` is not the key
// `registeredNi` names, Error(Config) when `registeredNi` is not an ni:///sha-256 URI.
void requireRawPublicKey(const EVP_PKEY& publicKey, std::string_view registeredNi);

}  // namespace rspf::ca
