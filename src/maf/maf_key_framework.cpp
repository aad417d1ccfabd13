#include "maf/maf_key_framework.hpp"

#include <spdlog/spdlog.h>

#include "crypto/identifiers.hpp"

namespace rspf::maf {

std::optional<std::string> MafKeyFramework::keyIdentityOf(std::string_view pskIdentity) const {
  if (!isKmIdForm(pskIdentity)) return std::string(pskIdentity);
  auto relativeKeId = kmIds_.relativeKeIdOf(pskIdentity);
  if (!relativeKeId) return std::nullopt;
  return crypto::makeKeId(*relativeKeId, mefFqdn_);
}

bool MafKeyFramework::prepare(std::string_view pskIdentity, std::function<void()> ready) {
  auto keyIdentity = keyIdentityOf(pskIdentity);
  return keyIdentity && keys_.prepare(*keyIdentity, std::move(ready));
}

std::optional<tls::ResolvedPsk> MafKeyFramework::resolve(std::string_view pskIdentity) {
  auto known = keyIdentityOf(pskIdentity);
  if (!known) {
    spdlog::info("refused psk_identity '{}': no such KmId (present KeId to enrol again)", pskIdentity.substr(0, 128));
    return std::nullopt;
  }
  const std::string& keyIdentity = *known;
  auto parsed = crypto::parseKeyIdentifier(keyIdentity);
  auto resolved = keys_.resolve(keyIdentity);
  if (!resolved) {
    // Expired, or no longer served by the MEF: its KmId goes with it.
    if (parsed) kmIds_.eraseKey(parsed->relativeKeId);
    return std::nullopt;
  }
  resolved->framework = kMafKeyFramework;
  // The MEF's KcId is the KmId (issue 10 item 11): a key identifier the MAF can always resolve again
  // through the MEF, so it survives a restart of the MAF. A MEF that answers none gets one assigned.
  auto kcId = resolved->attributes.find(target::kKcIdAttribute);
  resolved->attributes[kKmIdAttribute] =
      kcId != resolved->attributes.end() ? kcId->second
                                         : kmIds_.assign(parsed->relativeKeId, resolved->attributes["credentialId"]);
  return resolved;
}

}  // namespace rspf::maf
