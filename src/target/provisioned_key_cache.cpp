#include "target/provisioned_key_cache.hpp"

namespace rspf::target {

void ProvisionedKeyCache::put(const std::string& relativeKeId, ProvisionedKey key) {
  std::lock_guard lock(mutex_);
  keys_[relativeKeId] = std::move(key);
}

std::optional<ProvisionedKey> ProvisionedKeyCache::find(const std::string& relativeKeId, TimePoint now,
                                                        std::vector<std::string>& expired) {
  std::lock_guard lock(mutex_);
  auto it = keys_.find(relativeKeId);
  if (it == keys_.end()) return std::nullopt;
  if (it->second.lifetime <= now) {
    expired.push_back(it->second.credentialId);
    keys_.erase(it);  // SecretBytes wipes the key
    return std::nullopt;
  }
  return it->second;
}

std::vector<std::string> ProvisionedKeyCache::eraseExpired(TimePoint now) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> expired;
  for (auto it = keys_.begin(); it != keys_.end();) {
    if (it->second.lifetime <= now) {
      expired.push_back(it->second.credentialId);
      it = keys_.erase(it);
    } else {
      ++it;
    }
  }
  return expired;
}

std::optional<std::string> ProvisionedKeyCache::erase(const std::string& relativeKeId) {
  std::lock_guard lock(mutex_);
  auto it = keys_.find(relativeKeId);
  if (it == keys_.end()) return std::nullopt;
  auto credentialId = it->second.credentialId;
  keys_.erase(it);
  return credentialId;
}

std::optional<ProvisionedKeyCache::Freshness> ProvisionedKeyCache::freshness(const std::string& relativeKeId) const {
  std::lock_guard lock(mutex_);
  auto it = keys_.find(relativeKeId);
  if (it == keys_.end()) return std::nullopt;
  return Freshness{it->second.lifetime, it->second.fetchedAt};
}

std::size_t ProvisionedKeyCache::size() const {
  std::lock_guard lock(mutex_);
  return keys_.size();
}

}  // namespace rspf::target
