#pragma once
// Whom a certificate names: the certificate flavours of TS-0003 8.1.2.1 and the subjectAltName each
// carries.
//
// Spec text found (TS-0003 8.1.2.1 as amended by CR SEC-2015-0483, and 10.1.1.4.1):
//   - raw public key certificates: only the raw public key (RFC 7250); identified here by the RFC 6920
//     `ni` name of the key (see raw_public_key.hpp);
//   - device certificates: a chain to a trust anchor and "one or more globally unique hardware
//     instance identifiers" (such as the OID-based M2M Device ID of TS-0001 annex H) in the
//     subjectAltName extension.
// Not found in the stored public texts: the sentences of 8.1.2.1 on CSE-ID and AE-ID certificates.
// We follow PROTOCOL.md 4.2 (written from them): a CSE-ID certificate carries the CSE-ID in FQDN
// form as a dNSName; an AE-ID certificate carries the AE-ID as a uniformResourceIdentifier.
//
// Project choices (docs/protocol.md):
//   - CSE-ID: the FQDN form, lowercased (DNS names are case-insensitive, RFC 5280 4.2.1.6).
//   - AE-ID: an AE-ID given as an absolute URI with an authority ("scheme://host/...") is used as is;
//     an AE-ID in FQDN form (how rspf registers Enrolees) becomes `onem2m://<fqdn>`. A URI needs a
//     host so that the CA's URI name constraints (8.1.2.2, RFC 5280 4.2.1.10) can apply to it.
//   - M2M-Node-ID and device ID: an OID (TS-0001 annex H) becomes a registeredID; a URN (for
//     instance RFC 9039 "urn:dev:...") becomes a uniformResourceIdentifier. Note: a CA with URI name
//     constraints refuses URNs (they have no host), so prefer OIDs for devices.
//   - Every identifier must be printable ASCII (PROTOCOL.md 3) and wildcards ('*') are refused (issue 3:
//     "10.1.1 (digitalSignature, no wildcards)"; the 10.1.1.1-10.1.1.4.1 text we found does not
//     mention wildcards, the later 10.1.1 sub-clauses were not found: a certificate names exactly one
//     entity).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rspf::ca {

enum class SubjectType { CseId, AeId, NodeId, DeviceId };

std::string_view subjectTypeName(SubjectType type);  // "CSE-ID", "AE-ID", "M2M-Node-ID", "device ID"
// "CSE", "AE", "NODE", "DEVICE" (case-insensitive).
std::optional<SubjectType> parseSubjectType(std::string_view text);

// One subjectAltName entry. `Other` stands for a name form the CA never issues (e-mail, IP address,
// directory name, otherName): `value` then holds OpenSSL's description ("IP:10.0.0.1") so errors can
// name it.
struct SubjectAltName {
  enum class Kind { Dns, Uri, RegisteredId, Other };
  Kind kind = Kind::Dns;
  std::string value;

  // "DNS:cse1.example.com", "URI:onem2m://ae1.example.com", "RID:1.2.3", or the Other description.
  std::string describe() const;
  bool operator==(const SubjectAltName&) const = default;
};

// Equality as RFC 5280 compares names: DNS names without regard to case, the rest exactly.
bool sameName(const SubjectAltName& a, const SubjectAltName& b);

// The subjectAltName a certificate for `identifier` of `type` carries (8.1.2.1, rules above).
// Throws Error(BadRequest) naming the identifier and what is wrong with it.
SubjectAltName subjectAltNameFor(std::string_view identifier, SubjectType type);

// A DNS host name in preferred name syntax (RFC 1034 3.5, RFC 1123 2.1): labels of letters, digits
// and inner hyphens, 1-63 characters each, at least two labels, at most 253 characters.
bool isFqdn(std::string_view name);
// A dotted OID of at least two arcs, e.g. "1.2.840.10045".
bool isDottedOid(std::string_view text);

// The subject DN for an issued certificate: "CN" for CSE-IDs and AE-IDs; "serialNumber" for node and
// device IDs (so that a DNS-looking OID is not taken for a host name by name-constraint checks of
// the subject DN, RFC 5280 4.2.1.10 / OpenSSL's CN check).
struct SubjectName {
  std::string attribute;  // "CN" or "serialNumber"
  std::string value;      // empty when the identifier is longer than the attribute allows (64)
};
SubjectName subjectNameFor(std::string_view identifier, SubjectType type);

}  // namespace rspf::ca
