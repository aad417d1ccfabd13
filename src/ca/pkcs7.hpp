#pragma once
// The "certs-only" PKCS#7/CMS message EST returns from /cacerts and /simpleenroll (RFC 7030 4.1.3 and
// 4.2.3; RFC 5652 SignedData with no signers and no encapsulated content, as `openssl crl2pkcs7
// -nocrl` writes it), and its base64 body.
#include <string>
#include <vector>

#include "ca/openssl_objects.hpp"

namespace rspf::ca {

Bytes certsOnlyPkcs7(const std::vector<Bytes>& certificatesDer);  // throws BadRequest on a bad certificate
// The EST body: base64 of the DER, lines of 64 characters (Content-Transfer-Encoding: base64).
std::string certsOnlyPkcs7Base64(const std::vector<Bytes>& certificatesDer);

// The Enrolee's side: the certificates of a certs-only PKCS#7 DER, in the order they appear.
// Throws Error(BadRequest) when it is not one.
std::vector<Bytes> certificatesFromPkcs7(ByteView der);

}  // namespace rspf::ca
