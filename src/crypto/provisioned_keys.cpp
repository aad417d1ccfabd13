#include "crypto/provisioned_keys.hpp"

#include <stdexcept>

#include "crypto/primitives.hpp"

namespace rspf::crypto {

std::string_view usageName(Usage u) {
  switch (u) {
    case Usage::MAF: return "MAF";
    case Usage::SAEF: return "SAEF";
    case Usage::ESData: return "ESData";
    case Usage::ESPrim: return "ESPrim";
  }
  return "?";
}

std::optional<Usage> parseUsage(std::string_view name) {
  for (Usage u : {Usage::MAF, Usage::SAEF, Usage::ESData, Usage::ESPrim})
    if (usageName(u) == name) return u;
  return std::nullopt;
}

int defaultSuid(Usage u) {
  switch (u) {
    case Usage::MAF: return 21;
    case Usage::SAEF: return 22;
    case Usage::ESData: return 23;
    case Usage::ESPrim: return 24;
  }
  return 0;
}

std::optional<Usage> usageOfSuid(int suid) {
  for (Usage u : {Usage::MAF, Usage::SAEF, Usage::ESData, Usage::ESPrim})
    if (defaultSuid(u) == suid) return u;
  return std::nullopt;
}

CredentialType credentialTypeOf(Usage u) {
  switch (u) {
    case Usage::MAF: return CredentialType::KmId;
    case Usage::SAEF: return CredentialType::ProvisionedSymmetricKey;
    case Usage::ESPrim: return CredentialType::EsPrimKey;
    case Usage::ESData: return CredentialType::EsDataKey;
  }
  return CredentialType::ProvisionedSymmetricKey;
}

std::string_view keyProfileName(KeyProfile p) { return p == KeyProfile::Current ? "current" : "legacy"; }

std::optional<KeyProfile> parseKeyProfile(std::string_view name) {
  if (name == "current") return KeyProfile::Current;
  if (name == "legacy") return KeyProfile::Legacy;
  return std::nullopt;
}

SecretBytes deriveMasterCredential(ByteView ke, std::string_view mafId) {
  return hmacSha256(ke, {asBytes(kKmLabel), asBytes(mafId)});
}

SecretBytes deriveProvisionedSecureConnectionKey(ByteView ke, std::string_view enroleeBId) {
  return hmacSha256(ke, {asBytes(kKpsaLabel), asBytes(enroleeBId)});
}

SecretBytes deriveUsageConstrainedKey(ByteView ke, int suid, std::string_view targetId) {
  if (suid < 0 || suid > 99) throw std::invalid_argument("SUID must be two decimal digits");
  const char digits[2] = {static_cast<char>('0' + suid / 10), static_cast<char>('0' + suid % 10)};
  return hmacSha256(ke, {asBytes(kUsageConstrainedLabel), asBytes(std::string_view(digits, 2)), asBytes(targetId)});
}

SecretBytes deriveTargetKey(KeyProfile profile, ByteView ke, Usage usage, std::string_view targetId) {
  if (profile == KeyProfile::Legacy) {
    return usage == Usage::MAF ? deriveMasterCredential(ke, targetId)
                               : deriveProvisionedSecureConnectionKey(ke, targetId);
  }
  return deriveUsageConstrainedKey(ke, defaultSuid(usage), targetId);
}

}  // namespace rspf::crypto
