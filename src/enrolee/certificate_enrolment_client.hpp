#pragma once
// The Enrolee as EST client (seed 8.3.3.3; RFC 7030), on the session that ran the Enrolment Exchange:
// trust anchors (/cacerts), CSR attributes (/csrattrs), a fresh P-256 key, the CSR echoing the
// challengePassword, identifiers and EKUs, /simpleenroll, then the completion report.
#include <chrono>
#include <string>
#include <vector>

#include "ca/openssl_objects.hpp"
#include "crypto/secret_bytes.hpp"
#include "transport/secure_channel.hpp"

namespace rspf::enrolee {

struct EnroledCertificate {
  ca::X509Ptr certificate;
  std::vector<ca::X509Ptr> trustAnchors;
  ca::EvpPkeyPtr privateKey;
};

// `estUri` is the instruction's uri (<scheme>://<MEF-FQDN>/.well-known/est[/<label>]); its path is
// used on `channel`'s session, whichever binding carries it. Throws Error with the MEF's reason when a step is refused.
// A request held for approval (Pending) is sent again after its retry delay until `approvalWait` has passed.
EnroledCertificate enrolCertificate(transport::SecureChannel& channel, const std::string& estUri,
                                    std::chrono::seconds approvalWait = std::chrono::seconds(0));

// /simplereenroll on a session authenticated by `current` (RFC 7030 4.2.2): a new P-256 key, a CSR
// naming the same subjectAltName. `estPath` is "/.well-known/est[/<label>]".
EnroledCertificate renewCertificate(transport::SecureChannel& channel, const std::string& estPath, const X509& current);

}  // namespace rspf::enrolee
