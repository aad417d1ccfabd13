#pragma once
// The Enrolment Target's side of MEF Key Retrieval (seed 8.3.3.6): a session with the MEF, then
// GET /fetchCredentials/<KeId>/<SUID> with X-M2M-Origin = its ID. A CSE/AE target authenticates with
// its own KreId/Kre; a MAF with its certificate (8.3.3.6 pre-conditions: a MAF's credentials with
// the MEF are arranged case by case).
#include <optional>
#include <string>

#include "ca/openssl_objects.hpp"
#include "common/time.hpp"
#include "crypto/secret_bytes.hpp"
#include "target/provisioned_key_cache.hpp"
#include "transport/https/http_message.hpp"

namespace rspf::target {

// The target's own enrolment with the MEF (it enrolled as an Enrolee does, seed 8.3.3.1): the
// KreId/Kre it authenticates to the MEF with for Key Retrieval, and until when they serve.
struct OwnEnrolment {
  std::string mefUrl;
  std::string mefFqdn;
  std::string kreId;
  crypto::SecretBytes kre;
  TimePoint expiry{};
};

// A certificate the MEF maps to the target's registered identity, and the anchors of the MEF's.
struct MefCertificateCredentials {
  std::string mefUrl;
  std::string mefFqdn;
  ca::X509Ptr certificate;
  ca::EvpPkeyPtr privateKey;
  ca::X509StorePtr mefTrustAnchors;
};

class MefKeyFetcher {
 public:
  MefKeyFetcher(std::string targetId, OwnEnrolment own) : targetId_(std::move(targetId)), own_(std::move(own)) {}
  MefKeyFetcher(std::string targetId, MefCertificateCredentials certificate);
  // Throws Error with the MEF's reason (NotFound for an unknown or expired key, Forbidden, ...).
  ProvisionedKey fetch(const std::string& keId, int suid) const;
  // When the credential the target authenticates to the MEF with expires; no key can be fetched after it.
  TimePoint enrolmentExpiry() const { return credentialExpiry_ ? *credentialExpiry_ : own_.expiry; }

 private:
  transport::HttpResponse get(const std::string& path) const;

  std::string targetId_;
  OwnEnrolment own_;
  std::optional<MefCertificateCredentials> certificate_;
  std::optional<TimePoint> credentialExpiry_;
};

}  // namespace rspf::target
