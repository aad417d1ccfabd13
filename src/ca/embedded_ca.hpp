#pragma once
// The embedded Certificate Authority of the certificate frameworks (issue 3; TS-0003 8.1.2, 10.1.1;
// seed 8.3.3.3 steps 11-13): an EC P-256 key and a self-signed CA certificate carrying name
// constraints (8.1.2.2), issuing end-entity certificates for CSRs the MEF forwards, the MEF's own
// server certificate, and CRLs.
//
// Spec text found: TS-0003 10.1.1.1 (RFC 5280; id-ecPublicKey secp256r1, uncompressed; SHA-256;
// keyUsage "shall indicate at least digitalSignature"), 10.1.1.3 (signed with ECDSA on secp256r1 and
// SHA-256; short chains), 10.1.1.4.1 (device certificates carry hardware instance identifiers in
// subjectAltName). Not found in the stored public texts: the body of 8.1.2.2 (what the name constraints
// must hold); we constrain the CA to the permitted DNS and URI subtrees the operator configures (the
// M2M Service Provider's domains), critical as RFC 5280 4.2.1.10 requires.
//
// The CA private key never leaves this object in plain text: `sealPrivateKey` hands the PKCS#8 DER to
// the caller's seal function (the store's KeyEncryptionKey) and wipes it; `restore` opens it again.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ca/certificate_request.hpp"
#include "ca/certificate_subject.hpp"
#include "ca/extended_key_usage.hpp"
#include "ca/openssl_objects.hpp"
#include "common/time.hpp"

namespace rspf::ca {

using SealFunction = std::function<crypto::Bytes(crypto::ByteView plaintext)>;
using OpenFunction = std::function<crypto::SecretBytes(crypto::ByteView sealed)>;

// What the registration authority's policy grants one Enrolee (issue 3, item 4).
struct IssuancePolicy {
  std::string identifier;  // CSE-ID (FQDN form), AE-ID, Node-ID or device ID
  SubjectType subjectType = SubjectType::CseId;
  std::vector<KeyPurpose> allowedKeyPurposes;  // e.g. keyPurposesForUsages(policy usages)
  std::chrono::seconds validity{std::chrono::hours(24 * 365)};
};

// An issued certificate, for the EST response and for the store's record.
struct IssuedCertificate {
  crypto::Bytes der;
  std::string serialHex;  // lowercase, see serial_number.hpp
  TimePoint notBefore;
  TimePoint notAfter;
  std::vector<SubjectAltName> subjectAltNames;
  std::vector<std::string> extendedKeyUsages;  // dotted OIDs
};

// The description of a certificate another CA issued (an upstream EST server's answer). Throws
// Error(BadRequest) when the DER is not a certificate.
IssuedCertificate describeIssuedCertificate(crypto::ByteView der);

class EmbeddedCa {
 public:
  // Certificates are back-dated this much against clock skew of the relying parties (project choice).
  static constexpr std::chrono::seconds kBackdating{300};

  // A new CA: EC P-256 key; self-signed v3 certificate with subject CN=`commonName`; basicConstraints
  // CA:TRUE, pathlen 0 (critical); keyUsage keyCertSign, cRLSign and digitalSignature (critical;
  // 10.1.1.1 asks digitalSignature of "all certificates"); subjectKeyIdentifier; nameConstraints
  // (critical) permitting `permittedDnsSubtrees` ("example.com" = the domain and every name below it,
  // ".example.com" = only names below it) and `permittedUriSubtrees` (the host of a URI: "example.com"
  // = exactly that host, ".example.com" = any host below it; RFC 5280 4.2.1.10);
  // ECDSA-SHA-256. At least one subtree is required. Throws Error(Config) on a bad argument.
  static EmbeddedCa create(std::string_view commonName, const std::vector<std::string>& permittedDnsSubtrees,
                           const std::vector<std::string>& permittedUriSubtrees, std::chrono::seconds validity);

  // A CA from its stored certificate and sealed key. Throws Error(Config) when the key does not
  // open, is not P-256, does not match the certificate, or the certificate is not a CA certificate.
  static EmbeddedCa restore(crypto::ByteView certificateDer, crypto::ByteView sealedPrivateKey,
                            const OpenFunction& open);

  EmbeddedCa(EmbeddedCa&&) noexcept = default;
  EmbeddedCa& operator=(EmbeddedCa&&) noexcept = default;
  ~EmbeddedCa();

  // The PKCS#8 DER of the private key passed through `seal` (the plaintext buffer is wiped).
  crypto::Bytes sealPrivateKey(const SealFunction& seal) const;

  const X509& certificate() const { return *certificate_; }
  crypto::Bytes certificateDer() const;
  std::string certificatePem() const;
  const std::vector<std::string>& permittedDnsSubtrees() const { return permittedDns_; }
  const std::vector<std::string>& permittedUriSubtrees() const { return permittedUri_; }

  // An end-entity certificate per 10.1.1 for `request` under `policy`: v3; random 16-octet serial;
  // subject CN (or serialNumber) = the identifier; subjectAltName exactly the policy's (8.1.2.1);
  // keyUsage digitalSignature (critical); extKeyUsage = the requested EKUs, or all the policy's when
  // the CSR asks for none; authority and subject key identifiers; basicConstraints CA:FALSE;
  // ECDSA-SHA-256; notAfter capped at the CA's notAfter.
  // Error(Forbidden) names the offending subjectAltName or EKU when the CSR asks for more than the
  // policy grants, or when the identifier lies outside the CA's name constraints.
  // Error(BadRequest) for an invalid identifier (wildcard, non-ASCII, wrong form).
  // The challengePassword is the registration authority's check (CertificateRequest).
  IssuedCertificate issue(const CertificateRequest& request, const IssuancePolicy& policy) const;

  // The MEF's own certificate: dNSName = `fqdn`, EKU serverAuth and clientAuth (the MEF is also a TLS
  // client, e.g. of the BSF on Zn, PROTOCOL.md 6). `publicKey` must be P-256.
  IssuedCertificate issueServerCertificate(std::string_view fqdn, const EVP_PKEY& publicKey,
                                           std::chrono::seconds validity) const;

  // A v2 CRL (RFC 5280 5) listing `revokedSerialsHex`, thisUpdate now - kBackdating, nextUpdate as given, with
  // authorityKeyIdentifier and cRLNumber (the Unix time: increasing), signed ECDSA-SHA-256. DER.
  crypto::Bytes createCrl(const std::vector<std::string>& revokedSerialsHex, TimePoint nextUpdate) const;

 private:
  EmbeddedCa(X509Ptr certificate, EvpPkeyPtr key);

  IssuedCertificate sign(const EVP_PKEY& subjectKey, const SubjectName& subjectName,
                         const std::vector<SubjectAltName>& names, const std::vector<std::string>& ekus,
                         std::chrono::seconds validity) const;

  X509Ptr certificate_;
  EvpPkeyPtr key_;
  NameConstraintsPtr nameConstraints_;
  std::vector<std::string> permittedDns_;
  std::vector<std::string> permittedUri_;
};

}  // namespace rspf::ca
