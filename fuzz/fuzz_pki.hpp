#pragma once
// A small PKI for the targets that check certificates and requests as the CA and the verifiers do:
// the embedded CA (made once per process), a leaf it issued for kEnroleeId, and the policy the MEF's
// registration authority grants that Enrolee.
#include "ca/certificate_request.hpp"
#include "ca/certificate_request_builder.hpp"
#include "ca/csr_attributes.hpp"
#include "ca/embedded_ca.hpp"
#include "ca/extended_key_usage.hpp"
#include "ca/key_pair.hpp"
#include "ca/raw_public_key.hpp"

namespace rspf::fuzz {

inline constexpr const char* kEnroleeId = "cse1.fuzz.example";

struct Pki {
  ca::EmbeddedCa authority =
      ca::EmbeddedCa::create("rspf fuzz CA", {"fuzz.example"}, {"fuzz.example"}, std::chrono::hours(24 * 3650));
  ca::EvpPkeyPtr leafKey = ca::generateP256Key();
  ca::IssuancePolicy policy{kEnroleeId, ca::SubjectType::CseId,
                            ca::keyPurposesForUsages({crypto::Usage::SAEF, crypto::Usage::ESPrim}),
                            std::chrono::hours(24)};
  ca::IssuedCertificate leaf =
      authority.issue(ca::CertificateRequest::fromDer(ca::buildCertificateRequest(*leafKey, kEnroleeId, {})), policy);
  std::string leafNi = ca::niIdentifier(*leafKey);

  static const Pki& instance() {
    static const Pki pki;
    return pki;
  }
};

}  // namespace rspf::fuzz
