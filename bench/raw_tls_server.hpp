#pragma once
// The baselines' server: the least a TLS 1.2 HTTP/1.1 server can do. One thread, blocking accept
// loop, one connection at a time, no tickets, no session cache (raw_tls.hpp); per connection: the
// handshake, then each request read whole and answered 200, until the client closes or says
// `Connection: close` (then one close_notify and close).
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "crypto/secret_bytes.hpp"
#include "raw_http.hpp"
#include "raw_tls.hpp"

namespace rspf::bench {

struct RawAnswer {
  std::string contentType = "application/json";
  std::string body;
};
// Answers one request; an exception fails the connection (counted in failed()).
using RawHandler = std::function<RawAnswer(const RawHttpMessage& request)>;

class RawTlsServer {
 public:
  // The PSK baseline: the project's PSK cipher list, `psk` for every identity, every answer
  // {"Status":true}. Binds 127.0.0.1:0 at once; serves from start() until stop().
  explicit RawTlsServer(crypto::SecretBytes psk);
  // Any server context (e.g. newRawCertificateServerContext), each request answered by `handler`.
  RawTlsServer(SslCtxPtr ctx, RawHandler handler);
  ~RawTlsServer();
  RawTlsServer(const RawTlsServer&) = delete;
  RawTlsServer& operator=(const RawTlsServer&) = delete;

  std::uint16_t port() const { return port_; }
  void start();
  void stop();  // joins the thread

  std::uint64_t served() const { return served_.load(); }
  std::uint64_t failed() const { return failed_.load(); }

 private:
  void serve();
  void serveOne(int fd);

  crypto::SecretBytes psk_;
  SslCtxPtr ctx_;
  RawHandler handler_;
  int listenFd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> served_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::thread thread_;
};

}  // namespace rspf::bench
