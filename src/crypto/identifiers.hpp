#pragma once
// Key identifiers of TS-0003 10.3.4 / 10.5 as fixed by PROTOCOL.md section 3.
//   KeId                      hex(RelativeKeId) "@" MEF-FQDN
//   derived key identifier    hex(RelativeKeId) "-" SUID "@" MEF-FQDN
#include <optional>
#include <string>
#include <string_view>

namespace rspf::crypto {

inline constexpr std::size_t kRelativeKeIdSize = 16;
inline constexpr std::size_t kRelativeKeIdHexSize = 2 * kRelativeKeIdSize;

// Identifiers that feed key derivation must be ASCII (project choice, PROTOCOL.md 3).
bool isAsciiIdentifier(std::string_view s);
// Throws rspf::Error(BadRequest) naming `what` if `s` is empty or not printable ASCII.
void requireAsciiIdentifier(std::string_view s, std::string_view what);

std::string makeKeId(std::string_view relativeKeIdHex, std::string_view mefFqdn);
std::string makeDerivedKeyIdentifier(std::string_view relativeKeIdHex, int suid, std::string_view mefFqdn);

// A KeId or a derived key identifier, taken apart. RelativeKeId is lowercased.
struct KeyIdentifier {
  std::string relativeKeId;  // 32 lowercase hex digits
  std::optional<int> suid;   // present for a derived key identifier
  std::string mefFqdn;       // lowercased
};
std::optional<KeyIdentifier> parseKeyIdentifier(std::string_view text);
// A bare RelativeKeId (32 hex digits), lowercased.
std::optional<std::string> parseRelativeKeId(std::string_view text);

bool equalsIgnoreCase(std::string_view a, std::string_view b);
std::string toLower(std::string_view s);

// Credential-ID of TS-0003 10.4: "<type>-<key identifier>".
enum class CredentialType { KpmId = 10, KmId = 11, ProvisionedSymmetricKey = 12, EsPrimKey = 13, EsDataKey = 14 };
std::string makeCredentialId(CredentialType type, std::string_view keyIdentifier);

}  // namespace rspf::crypto
