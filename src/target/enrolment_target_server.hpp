#pragma once
// An Enrolment Target (CSE or AE) as a process: takes its own enrolment with the MEF (a KreId/Kre
// for Key Retrieval, seed 8.3.3.6 pre-conditions) from an OwnEnrolmentSource and re-keys it in time,
// and serves Enrolees over TLS-PSK with provisioned keys.
//   GET /whoami                      the authenticated Enrolee's ID and Credential-ID
//   GET /serviceSubscribedAppRule    applicableCredIDs and allowedAEs of the Enrolee itself (the whole
//                                    record is on the observability listener, for the operator)
#include <memory>

#include "target/own_enrolment_source.hpp"
#include "target/target_config.hpp"

namespace rspf::target {

class EnrolmentTargetServer {
 public:
  // Obtains its enrolment from `ownEnrolment` (which must outlive the server), binds.
  EnrolmentTargetServer(const TargetConfig& config, OwnEnrolmentSource& ownEnrolment);
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
