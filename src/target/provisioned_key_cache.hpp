#pragma once
// Keys an Enrolment Target fetched from the MEF, cached until their Lifetime (PROTOCOL.md 5).
// Looked up by RelativeKeId, so the KeId and the derived key identifier find the same entry.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"
#include "crypto/secret_bytes.hpp"

namespace rspf::target {

struct ProvisionedKey {
  crypto::SecretBytes key;
  std::string enroleeId;
  std::string credentialId;
  TimePoint lifetime{};  // the key is not used at or after this instant
  // For a MAF: the communication security types it may facilitate for this Enrolee (the MEF's
  // "Usages", seed 8.3.3.4); empty for a CSE/AE target.
  std::vector<std::string> usages;
  std::string kcId;       // For a MAF: the Master Credential Identifier the MEF answered (seed 8.3.3.4 step 6)
  TimePoint fetchedAt{};  // when the MEF last confirmed it (revalidation, EnrolmentTargetFramework)
};

class ProvisionedKeyCache {
 public:
  void put(const std::string& relativeKeId, ProvisionedKey key);
  // Erases the entry (a key the MEF no longer serves); returns its Credential-ID, if there was one.
  std::optional<std::string> erase(const std::string& relativeKeId);
  // The entry if still within its Lifetime; an expired one is erased and its Credential-ID
  // reported through `expired`.
  std::optional<ProvisionedKey> find(const std::string& relativeKeId, TimePoint now, std::vector<std::string>& expired);
  // When the entry's key lapses and when the MEF last confirmed it, expired or not; changes
  // nothing and copies no secret.
  struct Freshness {
    TimePoint lifetime;
    TimePoint fetchedAt;
  };
  std::optional<Freshness> freshness(const std::string& relativeKeId) const;
  // Erases every entry past its Lifetime; returns their Credential-IDs.
  std::vector<std::string> eraseExpired(TimePoint now);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, ProvisionedKey> keys_;
};

}  // namespace rspf::target
