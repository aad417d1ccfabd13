#pragma once
// Certificate-Based Remote Security Provisioning Framework (seed 8.3.2.2), for CSE-ID and AE-ID
// certificates (TS-0003 8.1.2.1): the client certificate has verified against the MEF's client
// trust anchors in the handshake (RFC 5280 path validation, name constraints); its subjectAltName
// must then equal exactly one registered Enrolee-ID (a CSE-ID as dNSName, an AE-ID as
// onem2m://<AE-ID> URI). Device and raw-public-key Enrolees are not handled yet.
#include "store/store.hpp"
#include "tls/certificate_profile.hpp"

namespace rspf::bootstrap {

inline constexpr const char* kCertificateFramework = "certificate";

class CertificateFramework : public tls::CertificatePeerResolver {
 public:
  explicit CertificateFramework(store::Store& store) : store_(store) {}
  std::optional<tls::ResolvedPsk> resolve(X509& leaf) override;

 private:
  store::Store& store_;
};

}  // namespace rspf::bootstrap
