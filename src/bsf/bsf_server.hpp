#pragma once
// The GBA Bootstrapping Server Function with its HSS as a process: one HTTPS listener with the
// BSF's certificate. Enrolees run Ub (GET /) without a client certificate; NAFs (the MEF) fetch
// Ks_NAF on Zn (GET /zn/keys) with theirs, verified against the NAF trust anchors.
#include <memory>

#include "bsf/bsf_config.hpp"

namespace rspf::bsf {

class BsfServer {
 public:
  explicit BsfServer(const BsfConfig& config);  // opens the store and binds the listener
  ~BsfServer();
  std::uint16_t port() const;
  void start();
  void stop();
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rspf::bsf
