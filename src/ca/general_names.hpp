#pragma once
// Conversions between SubjectAltName and OpenSSL's GENERAL_NAME(S) (RFC 5280 4.2.1.6).
#include <vector>

#include "ca/certificate_subject.hpp"
#include "ca/openssl_objects.hpp"

namespace rspf::ca {

GeneralNamePtr toGeneralName(const SubjectAltName& name);  // Kind::Other is refused (Internal)
GeneralNamesPtr toGeneralNames(const std::vector<SubjectAltName>& names);
SubjectAltName fromGeneralName(const GENERAL_NAME& name);
std::vector<SubjectAltName> fromGeneralNames(const GENERAL_NAMES* names);

// The subjectAltName entries of a certificate (empty when it has none).
std::vector<SubjectAltName> subjectAltNamesOf(const X509& certificate);

// Dotted text of an OID ("1.3.6.1.5.5.7.3.1"), never the short name.
std::string dottedOid(const ASN1_OBJECT* object);
Asn1ObjectPtr objectFromDotted(std::string_view dotted);  // throws Internal if OpenSSL refuses it

}  // namespace rspf::ca
