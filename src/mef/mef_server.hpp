#pragma once
// The M2M Enrolment Function as a process: store, bootstrap frameworks, procedures, HTTPS binding.
#include <memory>

#include "mef/mef_config.hpp"

namespace rspf::mef {

class MefServer {
 public:
  explicit MefServer(const MefConfig& config);  // opens the store and binds the listener
  ~MefServer();
  std::uint16_t port() const;
  std::uint16_t coapsPort() const;  // the CoAPS listener's UDP port; 0 without [mef] listen_coaps
  void start();
  void stop();
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rspf::mef
