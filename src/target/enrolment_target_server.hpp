#pragma once
// An Enrolment Target (CSE or AE) as a process: with its own enrolment at the MEF (a KreId/Kre for
// Key Retrieval, made by the caller: cli/target_enrolment.cpp), it serves Enrolees over TLS-PSK
// with provisioned keys.
//   GET /whoami                      the authenticated Enrolee's ID and Credential-ID
//   GET /serviceSubscribedAppRule    applicableCredIDs and allowedAEs
#include <memory>

#include "target/mef_key_fetcher.hpp"
#include "target/target_config.hpp"

namespace rspf::target {

class EnrolmentTargetServer {
 public:
  EnrolmentTargetServer(const TargetConfig& config, OwnEnrolment own);  // binds
  ~EnrolmentTargetServer();
  std::uint16_t port() const;
  void start();
  void stop();
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rspf::target
