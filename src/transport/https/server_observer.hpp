#pragma once
// What the HTTPS binding reports about its traffic (handshakes, requests), for metrics. The server
// calls it from its network and worker threads: implementations must be thread-safe.
#include <chrono>
#include <string_view>

namespace rspf::transport {

class ServerObserver {
 public:
  virtual ~ServerObserver() = default;
  // A finished handshake: `framework` is the bootstrap framework that authenticated the peer
  // ("psk", "reauth", "cert", ...), or "none" when the handshake was refused.
  virtual void handshake(std::string_view framework, bool accepted) = 0;
  // A request answered with `status`, `latency` from the full request to the response's hand-off.
  virtual void request(int status, std::chrono::nanoseconds latency) = 0;
};

}  // namespace rspf::transport
