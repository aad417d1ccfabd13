#pragma once
// An Enrolment Target (CSE or AE) as a process: enrols itself with the MEF (so it holds a
// KreId/Kre for Key Retrieval), then serves Enrolees over TLS-PSK with provisioned keys.
//   GET /whoami                      the authenticated Enrolee's ID and Credential-ID
//   GET /serviceSubscribedAppRule    applicableCredIDs and allowedAEs of the Enrolee itself (the whole
//                                    record is on the observability listener, for the operator)
#include <memory>

#include "target/target_config.hpp"

namespace rspf::target {

class EnrolmentTargetServer {
 public:
  explicit EnrolmentTargetServer(const TargetConfig& config);  // enrols (or reuses a valid enrolment), binds
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
