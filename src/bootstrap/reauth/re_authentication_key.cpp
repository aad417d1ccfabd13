#include "bootstrap/reauth/re_authentication_key.hpp"

#include "crypto/identifiers.hpp"

namespace rspf::bootstrap {

std::optional<tls::ResolvedPsk> ReAuthenticationFramework::resolve(std::string_view kreId) {
  auto parsed = crypto::parseKeyIdentifier(kreId);
  if (!parsed || parsed->suid || !crypto::equalsIgnoreCase(parsed->mefFqdn, mefFqdn_)) return std::nullopt;
  auto key = store_.findEnrolmentKeyByKreId(crypto::toLower(kreId));
  if (!key || key->expiry <= now()) return std::nullopt;  // Kre does not outlive its Ke
  tls::ResolvedPsk resolved;
  resolved.psk = std::move(key->kre);
  resolved.framework = kReAuthenticationFramework;
  resolved.principal = key->enroleeId;
  resolved.attributes["kreId"] = key->kreId;
  // The session rests on this key: once a rekey retires it, it stays usable for its rekey grace only.
  resolved.attributes[tls::kRelativeKeIdAttribute] = key->relativeKeId;
  return resolved;
}

}  // namespace rspf::bootstrap
