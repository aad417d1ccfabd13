#pragma once
// The CSR attributes an EST server announces (RFC 7030 4.5.2, "/csrattrs"):
//   CsrAttrs ::= SEQUENCE SIZE (0..MAX) OF AttrOrOID
//   AttrOrOID ::= CHOICE { oid OBJECT IDENTIFIER, attribute Attribute }
// Seed 8.3.3.3 step 7: "the set of required CSR attributes, which shall include a challengePassword
// ... may include extended key usage (EKU) OID(s) of the communication security type(s) ... may include
// identifiers". PROTOCOL.md 4.2: "challengePassword and the identity the certificate will carry".
//
// What we emit, in this order:
//   1. challengePassword (RFC 2985 5.4.1): as an Attribute with the value the CSR must echo when the
//      registration authority hands one out (bound to the EST session), else as a bare OID;
//   2. an extensionRequest Attribute (RFC 2985 5.4.2) whose one value is the Extensions the
//      certificate will carry: subjectAltName and extKeyUsage (the granted usages' EKU OIDs);
//   3. Attribute id-ecPublicKey { prime256v1 } and the OID ecdsa-with-SHA256: the key and signature the
//      CA accepts (TS-0003 10.1.1.1), in the form of RFC 7030 4.5.2's own example.
#include <optional>
#include <string>
#include <vector>

#include "ca/certificate_subject.hpp"
#include "ca/extended_key_usage.hpp"
#include "crypto/secret_bytes.hpp"

namespace rspf::ca {

struct CsrAttributes {
  // Building: nullopt emits the bare OID. Parsing: nullopt = not asked for; "" = asked for by bare OID
  // (the client chooses the value, e.g. RFC 7030 3.5 tls-unique); else the value to echo.
  std::optional<std::string> challengePassword;
  std::vector<SubjectAltName> subjectAltNames;
  std::vector<std::string> extendedKeyUsages;  // dotted OIDs
};

crypto::Bytes buildCsrAttributes(const CsrAttributes& attributes);
// The same for a policy's grant: EKU OIDs of `purposes`.
crypto::Bytes buildCsrAttributes(const std::optional<std::string>& challengePassword,
                                 const std::vector<SubjectAltName>& subjectAltNames,
                                 const std::vector<KeyPurpose>& purposes);

// The Enrolee's side: reads a CsrAttrs DER (ours or another EST server's). Unknown attributes and
// OIDs are skipped. Throws Error(BadRequest) when the DER is not a CsrAttrs.
CsrAttributes parseCsrAttributes(crypto::ByteView der);

}  // namespace rspf::ca
