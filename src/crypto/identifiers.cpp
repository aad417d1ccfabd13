#include "crypto/identifiers.hpp"

#include <algorithm>
#include <cctype>

#include "common/error.hpp"

namespace rspf::crypto {

bool isAsciiIdentifier(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f;
  });
}

void requireAsciiIdentifier(std::string_view s, std::string_view what) {
  if (!isAsciiIdentifier(s))
    throw Error(ErrorCode::BadRequest, std::string(what) + " must be non-empty printable ASCII without spaces");
}

std::string toLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string makeKeId(std::string_view relativeKeIdHex, std::string_view mefFqdn) {
  return toLower(relativeKeIdHex) + "@" + std::string(mefFqdn);
}

std::string makeDerivedKeyIdentifier(std::string_view relativeKeIdHex, int suid, std::string_view mefFqdn) {
  std::string s = std::to_string(suid);
  if (s.size() < 2) s.insert(0, "0");
  return toLower(relativeKeIdHex) + "-" + s + "@" + std::string(mefFqdn);
}

std::optional<std::string> parseRelativeKeId(std::string_view text) {
  if (text.size() != kRelativeKeIdHexSize) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
    return std::nullopt;
  return toLower(text);
}

std::optional<KeyIdentifier> parseKeyIdentifier(std::string_view text) {
  auto at = text.find('@');
  if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) return std::nullopt;
  std::string_view local = text.substr(0, at);
  std::string_view fqdn = text.substr(at + 1);
  if (!isAsciiIdentifier(fqdn)) return std::nullopt;
  KeyIdentifier id;
  id.mefFqdn = toLower(fqdn);
  if (local.size() > kRelativeKeIdHexSize) {
    if (local[kRelativeKeIdHexSize] != '-') return std::nullopt;
    std::string_view suid = local.substr(kRelativeKeIdHexSize + 1);
    if (suid.size() != 2 || !std::isdigit(static_cast<unsigned char>(suid[0])) ||
        !std::isdigit(static_cast<unsigned char>(suid[1])))
      return std::nullopt;
    id.suid = (suid[0] - '0') * 10 + (suid[1] - '0');
    local = local.substr(0, kRelativeKeIdHexSize);
  }
  auto relative = parseRelativeKeId(local);
  if (!relative) return std::nullopt;
  id.relativeKeId = *relative;
  return id;
}

std::string makeCredentialId(CredentialType type, std::string_view keyIdentifier) {
  return std::to_string(static_cast<int>(type)) + "-" + std::string(keyIdentifier);
}

}  // namespace rspf::crypto
