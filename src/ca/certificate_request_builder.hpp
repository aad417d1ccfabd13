#pragma once
// The Enrolee's side of EST enrolment (seed 8.3.3.3 steps 8-9): a PKCS#10 request (RFC 2986) signed
// with the Enrolee's P-256 key, echoing what the CSR attributes (csr_attributes.hpp) asked for: the
// challengePassword, the subjectAltName entries and the extended key usages.
#include <string_view>

#include "ca/csr_attributes.hpp"
#include "ca/openssl_objects.hpp"

namespace rspf::ca {

// DER of the request; subject CN = `commonName` (omitted when empty). Throws Error(BadRequest) for a
// key that is not P-256 (TS-0003 10.1.1.1).
Bytes buildCertificateRequest(const EVP_PKEY& privateKey, std::string_view commonName, const CsrAttributes& attributes);

}  // namespace rspf::ca
