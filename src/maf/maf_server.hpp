#pragma once
// A MAF as Enrolment Target (seed 8.3.3.4, 8.3.3.6), as a process: authenticates to the MEF by its
// certificate for MEF Key Retrieval, and serves Enrolees over TLS-PSK (KeId / KmId, Km from the
// MEF) or by certificate (the Enrolee's EST certificate).
//   GET  /enrolment   the Remote MAF Enrolment's first request: Enrolee ID, the KmId this MAF
//                     assigned (symmetric), Credential-ID, the usages it may serve, Lifetime
//   GET  /whoami      the same
//   POST /facilitate  {"usage": "SAEF"|"ESPrim"|"ESData"}: 200 when the MAF may be used for it,
//                     403 otherwise (a stand-in for the MAF-based procedures of TS-0003 8.8,
//                     which are outside issue 5)
#include <memory>

#include "maf/maf_config.hpp"
#include "maf/own_certificate_renewer.hpp"

namespace rspf::maf {

class MafServer {
 public:
  // Loads its certificate and anchors, binds; renews the certificate with `certificateRenewer` (which
  // must outlive the server).
  MafServer(const MafConfig& config, OwnCertificateRenewer& certificateRenewer);
  ~MafServer();
  std::uint16_t port() const;
  void start();
  void stop();
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rspf::maf
