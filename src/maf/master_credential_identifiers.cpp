#include "maf/master_credential_identifiers.hpp"

#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"

namespace rspf::maf {

bool isKmIdForm(std::string_view identity) { return identity.starts_with(kKmIdPrefix); }

std::string MasterCredentialIdentifiers::assign(const std::string& relativeKeId, const std::string& credentialId) {
  std::lock_guard lock(mutex_);
  for (const auto& [kmId, entry] : byKmId_)
    if (entry.relativeKeId == relativeKeId) return kmId;
  std::string kmId = std::string(kKmIdPrefix) + crypto::toHex(crypto::randomBytes(16)) + "@" + mafId_;
  byKmId_.emplace(kmId, Entry{relativeKeId, credentialId});
  return kmId;
}

std::optional<std::string> MasterCredentialIdentifiers::relativeKeIdOf(std::string_view kmId) const {
  std::lock_guard lock(mutex_);
  auto it = byKmId_.find(kmId);
  if (it == byKmId_.end()) return std::nullopt;
  return it->second.relativeKeId;
}

void MasterCredentialIdentifiers::eraseKey(const std::string& relativeKeId) {
  std::lock_guard lock(mutex_);
  std::erase_if(byKmId_, [&](const auto& e) { return e.second.relativeKeId == relativeKeId; });
}

void MasterCredentialIdentifiers::eraseCredential(const std::string& credentialId) {
  std::lock_guard lock(mutex_);
  std::erase_if(byKmId_, [&](const auto& e) { return e.second.credentialId == credentialId; });
}

std::size_t MasterCredentialIdentifiers::size() const {
  std::lock_guard lock(mutex_);
  return byKmId_.size();
}

}  // namespace rspf::maf
