#include "bootstrap/gba/gba_framework.hpp"

#include <spdlog/spdlog.h>

#include "crypto/encoding.hpp"
#include "crypto/gba_key_derivation.hpp"

namespace rspf::bootstrap {
namespace {

constexpr std::size_t kMaxCachedKeys = 10000;

}  // namespace

GbaFramework::GbaFramework(std::string mefFqdn, ZnKeyFetch fetch, ImpiToEnrolee enroleeOf,
                           std::chrono::seconds cacheLifetime)
    : mefFqdn_(std::move(mefFqdn)),
      fetch_(std::move(fetch)),
      enroleeOf_(std::move(enroleeOf)),
      cacheLifetime_(cacheLifetime) {}

std::optional<NafKeys> GbaFramework::keysFor(const std::string& btid, const crypto::Bytes& nafId) {
  std::string key = btid + "|" + crypto::toHex(nafId);
  auto t = now();
  {
    std::lock_guard lock(mutex_);
    std::erase_if(cache_, [&](const auto& entry) { return entry.second.until <= t; });
    if (auto it = cache_.find(key); it != cache_.end()) return it->second.keys;
  }
  auto fetched = fetch_(btid, nafId);  // outside the lock: a network round trip
  if (!fetched || fetched->expiry <= t) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kMaxCachedKeys) cache_.clear();
  cache_[key] = CachedKeys{*fetched, std::min(fetched->expiry, t + cacheLifetime_)};
  return fetched;
}

std::optional<tls::ResolvedPsk> GbaFramework::resolveInHandshake(std::string_view identity,
                                                                 const tls::HandshakeContext& context) {
  bool uicc = identity.starts_with(crypto::kGbaUiccPskIdentityPrefix);
  if (!uicc && !identity.starts_with(crypto::kGbaPskIdentityPrefix)) return std::nullopt;
  std::string btid(
      identity.substr(uicc ? crypto::kGbaUiccPskIdentityPrefix.size() : crypto::kGbaPskIdentityPrefix.size()));
  if (btid.empty() || context.cipherSuite == 0) return std::nullopt;
  auto nafId = crypto::nafId(mefFqdn_, context.cipherSuite);
  std::optional<NafKeys> keys;
  try {
    keys = keysFor(btid, nafId);
  } catch (const std::exception& e) {
    spdlog::warn("GBA: no Ks_NAF for B-TID {}: {}", btid, e.what());
    return std::nullopt;
  }
  if (!keys) {
    spdlog::info("GBA: the BSF does not know B-TID {} (unknown or expired)", btid);
    return std::nullopt;
  }
  if (uicc && !keys->ksIntNaf) {
    spdlog::info("GBA: B-TID {} is not a GBA_U bootstrapping; the -uicc identity is refused", btid);
    return std::nullopt;
  }
  auto enroleeId = enroleeOf_(keys->impi);
  if (!enroleeId) {
    spdlog::info("GBA: IMPI {} (B-TID {}) is registered to no Enrolee", keys->impi, btid);
    return std::nullopt;
  }
  tls::ResolvedPsk resolved;
  resolved.psk = uicc ? std::move(*keys->ksIntNaf) : std::move(keys->ksNaf);
  resolved.framework = kGbaFramework;
  resolved.principal = *enroleeId;
  resolved.attributes["btid"] = btid;
  resolved.attributes["impi"] = keys->impi;
  resolved.attributes["gba"] = uicc ? "GBA_U" : "GBA_ME";
  return resolved;
}

}  // namespace rspf::bootstrap
