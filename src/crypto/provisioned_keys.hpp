#pragma once
// Keys derived from the Enrolment Key Ke for Enrolment Targets (TS-0003 10.3.2, 10.3.3, 10.3.7;
// PROTOCOL.md section 3), and the communication security types they serve.
#include <optional>
#include <string>
#include <string_view>

#include "crypto/identifiers.hpp"
#include "crypto/secret_bytes.hpp"

namespace rspf::crypto {

inline constexpr std::string_view kKmLabel = "oneM2M Enrolment Key to Master Credential derivation";
inline constexpr std::string_view kKpsaLabel = "oneM2M Enrolment Key to Provisioned Secure Connection Key derivation";
inline constexpr std::string_view kUsageConstrainedLabel =
    "oneM2M Enrolment Key to Usage-Constrained Symmetric Key derivation";

// Communication security types (PROTOCOL.md 3); SUIDs are a project choice.
enum class Usage { MAF, SAEF, ESData, ESPrim };
std::string_view usageName(Usage u);
std::optional<Usage> parseUsage(std::string_view name);  // exact spec spelling
int defaultSuid(Usage u);                                // MAF 21, SAEF 22, ESData 23, ESPrim 24
std::optional<Usage> usageOfSuid(int suid);
CredentialType credentialTypeOf(Usage u);  // 11 MAF, 12 SAEF, 13 ESPrim, 14 ESData

// `current` derives every provisioned key with 10.3.7; `legacy` uses 10.3.2 (MAF) / 10.3.3.
enum class KeyProfile { Current, Legacy };
std::string_view keyProfileName(KeyProfile p);
std::optional<KeyProfile> parseKeyProfile(std::string_view name);

SecretBytes deriveMasterCredential(ByteView ke, std::string_view mafId);                     // Km, 10.3.2
SecretBytes deriveProvisionedSecureConnectionKey(ByteView ke, std::string_view enroleeBId);  // Kpsa, 10.3.3
SecretBytes deriveUsageConstrainedKey(ByteView ke, int suid, std::string_view targetId);     // 10.3.7

// The key an Enrolment Target with `targetId` fetches for `usage`, under `profile`.
SecretBytes deriveTargetKey(KeyProfile profile, ByteView ke, Usage usage, std::string_view targetId);

}  // namespace rspf::crypto
