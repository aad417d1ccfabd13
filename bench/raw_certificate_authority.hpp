#pragma once
// The certificate baseline's CA (issue 14 item 2): what any CA must do for one EST simpleenroll
// (RFC 7030 4.2), in raw OpenSSL and nothing else: decode the base64 PKCS#10, verify its signature,
// build a v3 end-entity certificate for its subject and key (random serial, 30 days,
// basicConstraints, keyUsage, extKeyUsage, key identifiers, the CSR's requested extensions), sign it
// ECDSA-SHA-256, wrap it in a certs-only PKCS#7 and base64 it. Its CA certificate is self-signed.
#include <string>
#include <string_view>

#include "ca/openssl_objects.hpp"

namespace rspf::bench {

class RawCertificateAuthority {
 public:
  RawCertificateAuthority();  // a fresh P-256 key and self-signed CA certificate

  X509& certificate() const { return *certificate_; }
  EVP_PKEY& key() const { return *key_; }

  // A certificate for `subjectKey` named `commonName` (dNSName too), e.g. a server's own.
  ca::X509Ptr issue(EVP_PKEY& subjectKey, const std::string& commonName) const;
  // The base64 certs-only PKCS#7 answer to a base64 PKCS#10 body; throws on a bad CSR.
  std::string simpleEnroll(std::string_view base64Csr) const;

 private:
  ca::X509Ptr sign(X509_NAME* subject, EVP_PKEY& subjectKey, STACK_OF(X509_EXTENSION) * requested, bool isCa) const;

  ca::EvpPkeyPtr key_;
  ca::X509Ptr certificate_;
};

}  // namespace rspf::bench
