#pragma once
// How the MAF renews its own certificate with the MEF (issue 10 item 1; seed 8.3.3.6 pre-conditions:
// a MAF's credentials with the MEF are arranged case by case, here a certificate the MEF's EST
// issued). The MAF keeps the files and puts the new pair into its handshakes; the EST exchange is
// the implementation's, which the composition root gives it (as_enrolee/maf_certificate_renewal.hpp:
// the MAF as an Enrolee of the MEF).
#include "ca/openssl_objects.hpp"

namespace rspf::maf {

struct RenewedCertificate {
  ca::X509Ptr certificate;
  ca::EvpPkeyPtr privateKey;
};

class OwnCertificateRenewer {
 public:
  virtual ~OwnCertificateRenewer() = default;
  // A new key pair and a certificate for the same subject, on a session with the MEF authenticated
  // by `current` (RFC 7030 4.2.2). Throws Error with the MEF's reason.
  virtual RenewedCertificate renew(const X509& current) = 0;
};

}  // namespace rspf::maf
