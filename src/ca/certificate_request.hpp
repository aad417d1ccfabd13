#pragma once
// A PKCS#10 certificate signing request (RFC 2986) as an EST client sends it (RFC 7030 4.2.1),
// checked on parsing: size, DER, self-signature (proof of possession), EC P-256 key with an
// uncompressed point and an ECDSA-SHA-256 signature (TS-0003 10.1.1.1). It exposes what the registration
// authority and the CA decide on: the challengePassword attribute (RFC 2985 5.4.1), and the
// subjectAltName entries and extended key usages asked for in the extensionRequest attribute
// (RFC 2985 5.4.2). Other requested extensions are ignored: the CA sets the profile (10.1.1).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ca/certificate_subject.hpp"
#include "ca/openssl_objects.hpp"

namespace rspf::ca {

// A P-256 CSR is some 300-600 bytes; anything beyond this is refused before parsing (project choice).
inline constexpr std::size_t kMaxCertificateRequestSize = 8 * 1024;

class CertificateRequest {
 public:
  // Throws Error(PayloadTooLarge) over the size limit, Error(BadRequest) with the reason otherwise.
  static CertificateRequest fromDer(ByteView der);
  // An EST body: base64 of the DER (line breaks allowed). Invalid base64 is Error(BadRequest).
  static CertificateRequest fromEstBody(std::string_view base64Body);

  CertificateRequest(CertificateRequest&&) noexcept = default;
  CertificateRequest& operator=(CertificateRequest&&) noexcept = default;
  ~CertificateRequest();

  const Bytes& der() const { return der_; }
  const EVP_PKEY& publicKey() const { return *publicKey_; }
  Bytes publicKeyDer() const;  // SubjectPublicKeyInfo
  // The subject's commonName, if any (informational: the CA names the subject itself).
  const std::optional<std::string>& commonName() const { return commonName_; }

  bool hasChallengePassword() const { return challengePassword_.has_value(); }
  // Constant-time comparison with the password the registration authority handed out (csrattrs).
  bool challengePasswordMatches(std::string_view expected) const;

  const std::vector<SubjectAltName>& requestedSubjectAltNames() const { return subjectAltNames_; }
  const std::vector<std::string>& requestedExtendedKeyUsages() const { return extendedKeyUsages_; }  // dotted OIDs

 private:
  CertificateRequest() = default;

  Bytes der_;
  EvpPkeyPtr publicKey_;
  std::optional<std::string> commonName_;
  std::optional<crypto::SecretBytes> challengePassword_;
  std::vector<SubjectAltName> subjectAltNames_;
  std::vector<std::string> extendedKeyUsages_;
};

}  // namespace rspf::ca
