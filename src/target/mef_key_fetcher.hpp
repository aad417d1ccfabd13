#pragma once
// The Enrolment Target's side of MEF Key Retrieval (seed 8.3.3.6): a TLS-PSK session with the MEF
// using the target's own KreId/Kre, GET /fetchCredentials/<KeId>/<SUID>, X-M2M-Origin = its ID.
#include <string>

#include "enrolee/enrolee_credentials.hpp"
#include "target/provisioned_key_cache.hpp"

namespace rspf::target {

class MefKeyFetcher {
 public:
  MefKeyFetcher(std::string targetId, enrolee::EnroleeCredentials own)
      : targetId_(std::move(targetId)), own_(std::move(own)) {}
  // Throws Error with the MEF's reason (NotFound for an unknown or expired key, Forbidden, ...).
  ProvisionedKey fetch(const std::string& keId, int suid) const;
  // The Enrolment Expiry of the target's own enrolment; no key can be fetched after it.
  TimePoint enrolmentExpiry() const { return own_.expiry; }

 private:
  std::string targetId_;
  enrolee::EnroleeCredentials own_;
};

}  // namespace rspf::target
