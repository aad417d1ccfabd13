#pragma once
// Extended key usages (RFC 5280 4.2.1.12) the CA grants: the TLS purposes, and one per oneM2M
// communication security type the seed (8.3.3.3 step 7) lets the CSR attributes name ("extended key
// usage (EKU) OID(s) of the communication security type(s) (SAEF, ESPrim, ESData Protection Options)
// for which the provisioned certificate may be used").
//
// PROJECT CHOICE: oneM2M defines no public EKU OIDs for these types that we know of. We use the arc
// 1.3.6.1.4.1.32473, the IANA Private Enterprise Number reserved for documentation (RFC 5612), as a
// clearly marked PLACEHOLDER:
//     1.3.6.1.4.1.32473.1.1  SAEF     1.3.6.1.4.1.32473.1.2  ESPrim
//     1.3.6.1.4.1.32473.1.3  ESData   1.3.6.1.4.1.32473.1.4  MAF
// A deployment that needs globally meaningful OIDs replaces kProjectEkuArc with its own registered
// arc; nothing else changes. docs/protocol.md records the choice.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/provisioned_keys.hpp"

namespace rspf::ca {

inline constexpr std::string_view kProjectEkuArc = "1.3.6.1.4.1.32473.1";

enum class KeyPurpose { ServerAuth, ClientAuth, Saef, EsPrim, EsData, Maf };

std::string_view oidOf(KeyPurpose purpose);           // dotted OID
std::string_view keyPurposeName(KeyPurpose purpose);  // "serverAuth", "clientAuth", "SAEF", ...
std::optional<KeyPurpose> keyPurposeOfOid(std::string_view dottedOid);
KeyPurpose keyPurposeOf(crypto::Usage usage);

// "1.3.6.1.4.1.32473.1.1 (SAEF)" or just the OID when it is not one of ours.
std::string describeEku(std::string_view dottedOid);

// The purposes a certificate for a policy's usages carries: the usages' EKUs plus clientAuth (an
// Enrolee is a TLS client of the MEF, targets and MAFs) and serverAuth (a CSE also accepts
// connections). Duplicates removed, order kept.
std::vector<KeyPurpose> keyPurposesForUsages(const std::vector<crypto::Usage>& usages);

}  // namespace rspf::ca
