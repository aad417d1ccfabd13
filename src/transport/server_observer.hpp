#pragma once
// What the HTTPS binding reports about its traffic (handshakes, requests), for metrics. The server
// calls it from its network and worker threads: implementations must be thread-safe.
#include <chrono>
#include <string_view>

namespace rspf::transport {

struct HandshakeReport {
  std::string_view framework;  // the bootstrap framework that authenticated the peer; "none" when refused
  bool accepted = false;
  std::string_view principal;    // accepted: the identity the peer is authenticated as
  std::string_view pskIdentity;  // the psk_identity the client presented, if any (an identifier, not a key)
  std::string_view remote;       // "address:port"
  std::string_view reason;       // refused: why
};

class ServerObserver {
 public:
  virtual ~ServerObserver() = default;
  // A finished handshake, accepted or refused.
  virtual void handshake(const HandshakeReport& report) = 0;
  // A request answered with `status`, `latency` from the full request to the response's hand-off.
  virtual void request(int status, std::chrono::nanoseconds latency) = 0;
  // A connection or request refused by `listener` under its limits (transport::refusalName: listener_full,
  // source_full, source_handshaking, queue_full, accept_failed, handler_failed).
  virtual void refused(std::string_view listener, std::string_view reason) {
    (void)listener;
    (void)reason;
  }
};

// Passes on only the refusals: for a listener whose own traffic is not the role's (the admin API,
// observability), so that its requests and handshakes do not mix into the role's metrics.
class RefusalsOnly final : public ServerObserver {
 public:
  explicit RefusalsOnly(ServerObserver* next) : next_(next) {}
  void handshake(const HandshakeReport&) override {}
  void request(int, std::chrono::nanoseconds) override {}
  void refused(std::string_view listener, std::string_view reason) override {
    if (next_) next_->refused(listener, reason);
  }

 private:
  ServerObserver* next_;
};

}  // namespace rspf::transport
