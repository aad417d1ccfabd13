#pragma once
// The Enrolment Target's handshake with an Enrolee (PROTOCOL.md 5): psk_identity is a KeId or a
// derived key identifier of the configured MEF; the key comes from the cache or, the first time,
// from MEF Key Retrieval during the handshake. A key past its Lifetime is erased and refused.
//
// Revocation bound (issue 5 item 5): a cached key is confirmed with the MEF again at the first
// handshake after `revalidateAfter` since the MEF last served it. When the MEF answers that it no
// longer serves the key (the Enrolee was disabled or removed: 404/403), the key and its
// ServiceSubscribedAppRule entries are erased and the handshake is refused. So a revoked Enrolee
// is refused at most `revalidateAfter` after its revocation. When the MEF cannot be reached, the
// cached key keeps being used until its Lifetime (availability over a bound the MEF cannot enforce
// then), with a warning in the log.
//
// Off the network thread (issue 10 item 10): the HTTPS server reads the psk_identity in the client's
// handshake bytes and calls prepare(), which runs the fetch (or the revalidation) resolve() would
// need on a fetch thread of its own; concurrent first contacts for one key share one fetch, and the
// handshakes resume when it ends. Each of their resolve() calls then answers from the cache and from
// that fetch's outcome without a MEF round trip; a later handshake asks the MEF again (so an Enrolee
// enabled again is served at once). A server that does not call prepare() (or
// an identity it could not read) still gets the key fetched inside resolve().
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "target/mef_key_fetcher.hpp"
#include "target/provisioned_key_cache.hpp"
#include "target/service_subscribed_app_rule.hpp"
#include "tls/authenticated_peer.hpp"
#include "tls/psk_identity_resolver.hpp"

namespace rspf::target {

inline constexpr const char* kTargetKeyFramework = "target-key";
// The AuthenticatedPeer attribute with the usages the MEF allowed (comma-separated; MAF keys only).
inline constexpr const char* kUsagesAttribute = "usages";
// The AuthenticatedPeer attribute naming the Enrolment Key the session's key was derived from.
using tls::kRelativeKeIdAttribute;
// The AuthenticatedPeer attribute with the MEF's KcId (MAF keys only).
inline constexpr const char* kKcIdAttribute = "kcId";

class EnrolmentTargetFramework : public tls::PskIdentityResolver {
 public:
  static constexpr std::chrono::seconds kDefaultRevalidateAfter{60};
  static constexpr std::size_t kFetchThreads = 4;  // distinct keys fetched at once
  // How long a fetch's outcome waits for the handshakes that waited for it (each reads it once).
  static constexpr std::chrono::seconds kRecentFetch{2};

  EnrolmentTargetFramework(std::string mefFqdn, int suid, MefKeyFetcher& fetcher, ProvisionedKeyCache& cache,
                           ServiceSubscribedAppRule& rule,
                           std::chrono::seconds revalidateAfter = kDefaultRevalidateAfter)
      : mefFqdn_(std::move(mefFqdn)),
        suid_(suid),
        fetcher_(fetcher),
        cache_(cache),
        rule_(rule),
        revalidateAfter_(revalidateAfter) {}
  ~EnrolmentTargetFramework() override { stopPreparing(); }

  std::optional<tls::ResolvedPsk> resolve(std::string_view pskIdentity) override;
  bool prepare(std::string_view pskIdentity, std::function<void()> ready) override;
  // Refuses new preparations and waits for the fetches started (each calls its waiters). Call it
  // before the server whose handshakes wait is destroyed.
  void stopPreparing();
  // Fetches from the MEF run by prepare() so far (tests, diagnostics).
  std::uint64_t preparedFetches() const;

  // Sessions bounded by their key (issue 10 item 2; seed 8.3.2.1 NOTE: the lifetime of the security
  // association "cannot exceed the Enrolment Expiry"): why the next request on `peer`'s session must
  // be refused (its key passed its Lifetime, was erased, or the MEF no longer serves it when
  // confirmed again after `revalidateAfter`), or nullopt. Blocks for a MEF round trip at most.
  std::optional<std::string> refusalFor(const tls::AuthenticatedPeer& peer);

 private:
  // Confirms a cached key with the MEF; false when the MEF no longer serves it (then erased).
  bool confirm(const std::string& relativeKeId, std::string_view pskIdentity, ProvisionedKey& cached);
  // What prepare()'s fetch found: refused (with the reason resolve() logs), or the cache is current.
  struct Outcome {
    std::chrono::steady_clock::time_point at;
    bool refused = false;
    std::string reason;
    int uses = 0;  // handshakes that waited for it and have not read it yet
  };
  Outcome fetchForHandshake(const std::string& relativeKeId, std::string_view pskIdentity, bool revalidating);
  std::optional<Outcome> recentOutcome(const std::string& relativeKeId);

  std::string mefFqdn_;
  int suid_;
  MefKeyFetcher& fetcher_;
  ProvisionedKeyCache& cache_;
  ServiceSubscribedAppRule& rule_;
  std::chrono::seconds revalidateAfter_;

  mutable std::mutex mutex_;  // guards what follows
  bool stopping_ = false;
  std::uint64_t preparedFetches_ = 0;
  std::map<std::string, std::vector<std::function<void()>>> waiting_;  // RelativeKeId -> handshakes
  std::map<std::string, Outcome> recent_;                              // RelativeKeId -> unread outcome
  boost::asio::thread_pool fetchers_{kFetchThreads};
};

}  // namespace rspf::target
