#include "target/enrolment_target_framework.hpp"

#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::target {

bool EnrolmentTargetFramework::confirm(const std::string& relativeKeId, std::string_view pskIdentity,
                                       ProvisionedKey& cached) {
  try {
    auto confirmed = fetcher_.fetch(crypto::makeKeId(relativeKeId, mefFqdn_), suid_);
    confirmed.fetchedAt = now();
    cache_.put(relativeKeId, confirmed);
    cached = std::move(confirmed);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::NotFound || e.code() == ErrorCode::Forbidden) {
      if (auto credentialId = cache_.erase(relativeKeId)) rule_.erase(*credentialId);
      spdlog::info("refused '{}': the MEF no longer serves its key, erased ({})", pskIdentity, e.what());
      return false;
    }
    spdlog::warn("could not confirm the key of '{}' with the MEF; using the cached key until its Lifetime: {}",
                 pskIdentity, e.what());
  }
  return true;
}

std::optional<std::string> EnrolmentTargetFramework::refusalFor(const tls::AuthenticatedPeer& peer) {
  auto relative = peer.attributes.find(kRelativeKeIdAttribute);
  auto credential = peer.attributes.find("credentialId");
  if (relative == peer.attributes.end() || credential == peer.attributes.end()) return std::nullopt;
  std::vector<std::string> expired;
  auto cached = cache_.find(relative->second, now(), expired);
  for (const auto& credentialId : expired) rule_.erase(credentialId);
  if (!cached || cached->credentialId != credential->second) {
    spdlog::info("refused a request of '{}' on a session whose key ({}) passed its Lifetime or was erased",
                 peer.principal, credential->second);
    return "the key of this session (" + credential->second +
           ") passed its Lifetime or is no longer served: enrol again and open a new session";
  }
  if (now() - cached->fetchedAt >= revalidateAfter_ && !confirm(relative->second, peer.pskIdentity, *cached))
    return "the key of this session (" + credential->second + ") is no longer served by the MEF";
  return std::nullopt;
}

std::optional<tls::ResolvedPsk> EnrolmentTargetFramework::resolve(std::string_view pskIdentity) {
  auto id = crypto::parseKeyIdentifier(pskIdentity);
  if (!id) {
    spdlog::info("refused psk_identity '{}': not a KeId or derived key identifier", pskIdentity.substr(0, 128));
    return std::nullopt;
  }
  if (id->mefFqdn != mefFqdn_) {
    spdlog::info("refused psk_identity '{}': MEF '{}' is not this target's MEF", pskIdentity, id->mefFqdn);
    return std::nullopt;
  }
  if (id->suid && *id->suid != suid_) {
    spdlog::info("refused psk_identity '{}': usage {} is not served here", pskIdentity, *id->suid);
    return std::nullopt;
  }

  std::vector<std::string> expired;
  auto cached = cache_.find(id->relativeKeId, now(), expired);
  for (const auto& credentialId : expired) {
    rule_.erase(credentialId);
    spdlog::info("refused '{}': its key passed its Lifetime and was erased ({})", pskIdentity, credentialId);
  }
  if (!expired.empty()) return std::nullopt;  // 8.3.2.1 NOTE: the Enrolee must enrol again

  if (cached && now() - cached->fetchedAt >= revalidateAfter_ && !confirm(id->relativeKeId, pskIdentity, *cached))
    return std::nullopt;
  if (!cached) {
    try {
      auto fetched = fetcher_.fetch(crypto::makeKeId(id->relativeKeId, mefFqdn_), suid_);
      if (fetched.lifetime <= now()) {
        spdlog::info("refused '{}': the MEF's key is already past its Lifetime", pskIdentity);
        return std::nullopt;
      }
      fetched.fetchedAt = now();
      cache_.put(id->relativeKeId, fetched);
      cached = std::move(fetched);
    } catch (const std::exception& e) {
      spdlog::info("refused '{}': {}", pskIdentity, e.what());
      return std::nullopt;
    }
  }
  tls::ResolvedPsk resolved;
  resolved.psk = std::move(cached->key);
  resolved.framework = kTargetKeyFramework;
  resolved.principal = cached->enroleeId;
  resolved.attributes["credentialId"] = cached->credentialId;
  resolved.attributes["lifetime"] = toRfc3339(cached->lifetime);
  resolved.attributes[kRelativeKeIdAttribute] = id->relativeKeId;
  if (!cached->kcId.empty()) resolved.attributes[kKcIdAttribute] = cached->kcId;
  std::string usages;
  for (const auto& u : cached->usages) usages += (usages.empty() ? "" : ",") + u;
  if (!cached->usages.empty()) resolved.attributes[kUsagesAttribute] = usages;
  return resolved;
}

}  // namespace rspf::target
