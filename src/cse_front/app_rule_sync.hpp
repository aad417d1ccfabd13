#pragma once
// The CSE's own <serviceSubscribedAppRule> (TS-0004 7.4.29, ty=19, short name m2m:asar), kept up
// to date by the front (seed 8.3.1.2 NOTE 1-2; issue 15 item 4): on an Enrolee's first contact its
// Credential-ID goes into applicableCredIDs (apci) and its originator into allowedAEs (aae); when
// the key expires or is revoked both are removed again (the Enrolee's originator only when no other
// credential of it remains). The front speaks as the CSE's admin originator, retrieves the
// resource, and updates it with its own entries added or removed; entries it did not add are
// kept. A missing resource is created below its parent. A CSE that refuses the resource type
// (400, 405, 415, 501) is recorded as not supporting it: the Enrolment Target's local record
// (target/service_subscribed_app_rule) stays the only one. Changes are applied in order on one
// thread, so a handshake never waits for the CSE; failures are retried every `retryAfter`.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "cse_front/cse_front.hpp"
#include "cse_front/upstream_pool.hpp"

namespace rspf::cse_front {

class AppRuleSync {
 public:
  enum class State { Pending, InSync, Unsupported, Failing };

  AppRuleSync(UpstreamPool& pool, AppRuleSettings settings,
              std::chrono::milliseconds retryAfter = std::chrono::seconds(2));
  ~AppRuleSync();
  AppRuleSync(const AppRuleSync&) = delete;
  AppRuleSync& operator=(const AppRuleSync&) = delete;

  void admitted(const std::string& credentialId, const std::string& originator);
  void erased(const std::string& credentialId);

  State state() const;
  // Until every change so far has reached the CSE (or the CSE is known not to support the
  // resource), at most `timeout`; false on timeout. For tests and the demo.
  bool waitUntilSettled(std::chrono::milliseconds timeout) const;

 private:
  void run();
  // One retrieve-and-update round with `desired`; returns the state it leaves.
  State apply(const std::map<std::string, std::string>& desired);

  UpstreamPool& pool_;
  AppRuleSettings settings_;
  std::chrono::milliseconds retryAfter_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::string, std::string> desired_;                     // Credential-ID -> originator
  std::set<std::string> managedCredentials_, managedOriginators_;  // what the front put there
  std::uint64_t version_ = 0, appliedVersion_ = 0, requests_ = 0;
  State state_ = State::Pending;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rspf::cse_front
