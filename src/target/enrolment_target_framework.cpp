#include "target/enrolment_target_framework.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

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

bool EnrolmentTargetFramework::prepare(std::string_view pskIdentity, std::function<void()> ready) {
  auto id = crypto::parseKeyIdentifier(pskIdentity);
  if (!id || id->mefFqdn != mefFqdn_ || (id->suid && *id->suid != suid_)) return false;  // resolve() refuses
  const std::string relativeKeId = id->relativeKeId;
  auto cached = cache_.freshness(relativeKeId);
  if (cached && cached->lifetime <= now()) return false;  // resolve() erases and refuses it
  const bool revalidating = cached.has_value();
  if (cached && now() - cached->fetchedAt < revalidateAfter_) return false;  // at hand
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  auto [waiting, first] = waiting_.try_emplace(relativeKeId);
  waiting->second.push_back(std::move(ready));
  if (!first) return true;  // a fetch of this key is running: it completes this handshake too
  ++preparedFetches_;
  boost::asio::post(fetchers_, [this, relativeKeId, identity = std::string(pskIdentity), revalidating] {
    Outcome outcome = fetchForHandshake(relativeKeId, identity, revalidating);
    std::vector<std::function<void()>> ready;
    {
      std::lock_guard lock(mutex_);
      const auto at = outcome.at;
      ready = std::move(waiting_[relativeKeId]);
      waiting_.erase(relativeKeId);
      auto& recent = recent_[relativeKeId];
      outcome.uses = recent.uses + static_cast<int>(ready.size());  // one per handshake that waited
      recent = std::move(outcome);
      std::erase_if(recent_, [&](const auto& r) { return at - r.second.at >= kRecentFetch; });
    }
    for (auto& r : ready) r();
  });
  return true;
}

EnrolmentTargetFramework::Outcome EnrolmentTargetFramework::fetchForHandshake(const std::string& relativeKeId,
                                                                              std::string_view pskIdentity,
                                                                              bool revalidating) {
  Outcome outcome;
  try {
    if (revalidating) {
      ProvisionedKey cached;
      if (!confirm(relativeKeId, pskIdentity, cached)) {
        outcome.refused = true;
        outcome.reason = "the MEF no longer serves its key";
      }
    } else {
      auto fetched = fetcher_.fetch(crypto::makeKeId(relativeKeId, mefFqdn_), suid_);
      if (fetched.lifetime <= now()) {
        outcome.refused = true;
        outcome.reason = "the MEF's key is already past its Lifetime";
      } else {
        fetched.fetchedAt = now();
        cache_.put(relativeKeId, std::move(fetched));
      }
    }
  } catch (const std::exception& e) {
    outcome.refused = true;
    outcome.reason = e.what();
  } catch (...) {
    outcome.refused = true;
    outcome.reason = "the key fetch failed";
  }
  outcome.at = std::chrono::steady_clock::now();
  return outcome;
}

std::optional<EnrolmentTargetFramework::Outcome> EnrolmentTargetFramework::recentOutcome(
    const std::string& relativeKeId) {
  std::lock_guard lock(mutex_);
  auto r = recent_.find(relativeKeId);
  if (r == recent_.end()) return std::nullopt;
  if (std::chrono::steady_clock::now() - r->second.at >= kRecentFetch) {
    recent_.erase(r);
    return std::nullopt;
  }
  Outcome outcome = r->second;
  if (--r->second.uses <= 0) recent_.erase(r);  // each handshake that waited reads it once
  return outcome;
}

void EnrolmentTargetFramework::stopPreparing() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  fetchers_.join();  // the fetches queued run (each bounded by the fetcher's timeout) and call their waiters
}

std::uint64_t EnrolmentTargetFramework::preparedFetches() const {
  std::lock_guard lock(mutex_);
  return preparedFetches_;
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

  // What prepare() fetched just now, if it ran for this key: its outcome stands, no second round trip.
  const auto recent = recentOutcome(id->relativeKeId);
  if (recent && recent->refused && !cached) {
    spdlog::info("refused '{}': {}", pskIdentity, recent->reason);
    return std::nullopt;
  }
  if (cached && !recent && now() - cached->fetchedAt >= revalidateAfter_ &&
      !confirm(id->relativeKeId, pskIdentity, *cached))
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
