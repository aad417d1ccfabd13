#include "as_enrolee/maf_certificate_renewal.hpp"

#include "enrolee/bootstrap_credential.hpp"
#include "enrolee/certificate_enrolment_client.hpp"

namespace rspf::as_enrolee {

maf::RenewedCertificate MafCertificateRenewal::renew(const X509& current) {
  const auto& c = config_;
  // On the binding of [mef] url, authenticated by the certificate being renewed (RFC 7030 4.2.2).
  auto channel = enrolee::openMefChannel(
      c.mefUrl, c.mefFqdn, enrolee::CertificateBootstrapFiles{c.certificate, c.certificateKey, c.mefTrustAnchors});
  auto renewed = enrolee::renewCertificate(*channel, "/.well-known/est", current);
  return {std::move(renewed.certificate), std::move(renewed.privateKey)};
}

}  // namespace rspf::as_enrolee
