#pragma once
// The MAF handshake by certificate (seed 8.3.3.4 step 3; 8.3.1 "MAF-based ... with the certificate
// used for authentication of the Enrolee to the MAF"): the Enrolee's EST certificate must chain to
// the MAF's configured Enrolee trust anchors (RFC 5280) and carry the MAF EKU (8.3.3.4
// pre-conditions: "a certificate which allows use for authenticating to the MAF").
//
// PROJECT CHOICE: the usages the MAF serves for such an Enrolee are the communication security types
// whose EKU its certificate carries (SAEF, ESPrim, ESData; ca/extended_key_usage.hpp): the
// certificate is the MEF's statement of what this Enrolee may use it for, and the MAF needs no key
// retrieval for it. The Enrolee is the certificate's CSE-ID (dNSName) or AE-ID (onem2m:// URI).
#include "ca/revocation_list.hpp"
#include "tls/certificate_profile.hpp"

namespace rspf::maf {

inline constexpr const char* kMafCertificateFramework = "maf-certificate";

class EnroleeCertificateResolver : public tls::CertificatePeerResolver {
 public:
  // `revoked`: CRLs of the Enrolee trust anchors (issue 10 item 6); may be null.
  explicit EnroleeCertificateResolver(const ca::RevocationList* revoked = nullptr) : revoked_(revoked) {}
  std::optional<tls::ResolvedPsk> resolve(const tls::PresentedCertificate& presented) override;

 private:
  const ca::RevocationList* revoked_;
};

}  // namespace rspf::maf
