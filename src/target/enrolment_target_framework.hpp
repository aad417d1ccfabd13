#pragma once
// The Enrolment Target's handshake with an Enrolee (PROTOCOL.md 5): psk_identity is a KeId or a
// derived key identifier of the configured MEF; the key comes from the cache or, the first time,
// from MEF Key Retrieval during the handshake. A key past its Lifetime is erased and refused.
#include <string>

#include "target/mef_key_fetcher.hpp"
#include "target/provisioned_key_cache.hpp"
#include "target/service_subscribed_app_rule.hpp"
#include "tls/psk_identity_resolver.hpp"

namespace rspf::target {

inline constexpr const char* kTargetKeyFramework = "target-key";
// The AuthenticatedPeer attribute with the usages the MEF allowed (comma-separated; MAF keys only).
inline constexpr const char* kUsagesAttribute = "usages";

class EnrolmentTargetFramework : public tls::PskIdentityResolver {
 public:
  EnrolmentTargetFramework(std::string mefFqdn, int suid, MefKeyFetcher& fetcher, ProvisionedKeyCache& cache,
                           ServiceSubscribedAppRule& rule)
      : mefFqdn_(std::move(mefFqdn)), suid_(suid), fetcher_(fetcher), cache_(cache), rule_(rule) {}

  std::optional<tls::ResolvedPsk> resolve(std::string_view pskIdentity) override;

 private:
  std::string mefFqdn_;
  int suid_;
  MefKeyFetcher& fetcher_;
  ProvisionedKeyCache& cache_;
  ServiceSubscribedAppRule& rule_;
};

}  // namespace rspf::target
