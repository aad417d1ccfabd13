#pragma once
// The BSF's Ub reference point (TS 33.220 4.5.2; TS 24.109 4.5.2; RFC 3310): HTTP Digest AKA with
// the UE (here: the Enrolee). The HSS part (authentication vectors, SQN, resynchronisation) runs
// against the SubscriberStore.
//
// 1. GET / with `Authorization: Digest username="<IMPI>", realm, nonce="", uri="/", response=""`
//    -> 401 with `WWW-Authenticate: Digest realm, nonce=base64(RAND || AUTN), algorithm=AKAv1-MD5,
//    qop="auth-int", opaque`. The vector is kept for `challengeLifetime` and used at most once.
// 2. GET / with the Digest response computed with RES as the password -> 200, body
//    <BootstrappingInfo><btid>…</btid><lifetime>…</lifetime></BootstrappingInfo> (TS 24.109 annex C);
//    or, with `auts=`, the response computed with an empty password (RFC 3310 3.4) -> the HSS
//    resynchronises SQN and a fresh 401 challenge follows.
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "bsf/subscriber_store.hpp"
#include "crypto/aka.hpp"
#include "transport/https/digest_header.hpp"
#include "transport/https/http_message.hpp"

namespace rspf::bsf {

struct BootstrappingSettings {
  std::string fqdn;                            // the realm, and the B-TID's suffix
  std::chrono::seconds btidLifetime{3600};     // Ks lifetime (TS 33.220 4.5.2 step 6)
  std::chrono::seconds challengeLifetime{30};  // a vector unanswered this long is dropped
  // Unanswered challenges are limited per IMPI and per source address (503 until some expire), so one
  // client, or one IMPI an attacker knows, can neither deny the other subscribers nor burn more than
  // maxChallengesPerImpi SQNs per challengeLifetime. maxPendingChallenges only bounds the memory a
  // distributed flood (thousands of sources) may take.
  std::size_t maxChallengesPerImpi = 4;
  std::size_t maxChallengesPerSource = 64;
  std::size_t maxPendingChallenges = 100000;
};

class BootstrappingFunction {
 public:
  BootstrappingFunction(SubscriberStore& store, BootstrappingSettings settings);
  // `source`: the client's address ("address:port" or "address"), for the per-source limit.
  transport::HttpResponse handle(const transport::HttpRequest& request, std::string_view source = "");

 private:
  struct PendingChallenge {
    std::string impi;
    std::string source;
    crypto::AuthenticationVector vector;
    std::string opaque;
    bool uicc = false;
    TimePoint expiry{};
  };

  transport::HttpResponse challenge(const std::string& impi, const std::string& source, bool stale);
  transport::HttpResponse answer(const std::string& impi, const std::string& source, const std::string& nonce,
                                 const transport::DigestParameters& digest, const transport::HttpRequest& request);
  std::optional<PendingChallenge> takePending(const std::string& nonce);
  // Under mutex_: drops expired challenges; throws Error(Unavailable) when `impi` or `source` has
  // as many unanswered challenges as allowed.
  void admitChallenge(const std::string& impi, const std::string& source);
  void forget(std::map<std::string, PendingChallenge>::iterator it);

  SubscriberStore& store_;
  BootstrappingSettings settings_;
  std::mutex mutex_;
  std::map<std::string, PendingChallenge> pending_;  // by nonce
  std::map<std::string, std::size_t> pendingPerImpi_;
  std::map<std::string, std::size_t> pendingPerSource_;
};

}  // namespace rspf::bsf
