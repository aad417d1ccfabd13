#pragma once
// `rspf ca serve` as a process: the CA's store, its EST service, an HTTPS listener with mutual TLS.
#include <cstdint>
#include <memory>

#include "ca_server/ca_server_config.hpp"

namespace rspf::ca_server {

class CaServer {
 public:
  explicit CaServer(const CaServerConfig& config);  // opens the store, loads the CA, binds
  ~CaServer();
  std::uint16_t port() const;
  void start();
  void stop();
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rspf::ca_server
