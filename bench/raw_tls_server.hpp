#pragma once
// The baselines' server: the least a TLS 1.2 HTTP/1.1 server can do. A blocking accept loop, no
// tickets, no session cache (raw_tls.hpp); per connection: the handshake, then each request read whole
// and answered 200, until the client closes or says `Connection: close` (then one close_notify and
// close). One connection at a time on the accepting thread, or (kept-alive sessions, which would hold
// it) a thread per connection.
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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

enum class RawSessions { OneAtATime, ThreadEach };

class RawTlsServer {
 public:
  // The PSK baseline: the project's PSK cipher list, `psk` for every identity, every answer the JSON
  // `body`. Binds 127.0.0.1:0 at once; serves from start() until stop().
  explicit RawTlsServer(crypto::SecretBytes psk, std::string body = "{\"Status\":true}",
                        RawSessions sessions = RawSessions::OneAtATime);
  // Any server context (e.g. newRawCertificateServerContext), each request answered by `handler`.
  RawTlsServer(SslCtxPtr ctx, RawHandler handler, RawSessions sessions = RawSessions::OneAtATime);
  ~RawTlsServer();
  RawTlsServer(const RawTlsServer&) = delete;
  RawTlsServer& operator=(const RawTlsServer&) = delete;

  std::uint16_t port() const { return port_; }
  void start();
  void stop();  // ends every session and joins every thread

  std::uint64_t served() const { return served_.load(); }
  std::uint64_t failed() const { return failed_.load(); }

 private:
  void serve();
  void serveOne(int fd);
  void serveOnItsOwnThread(int fd);

  crypto::SecretBytes psk_;
  SslCtxPtr ctx_;
  RawHandler handler_;
  RawSessions sessions_;
  int listenFd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> served_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::thread thread_;
  std::mutex mutex_;             // ThreadEach: the open sessions
  std::vector<int> sessionFds_;  // shut down by stop() so that a blocked read returns
  std::vector<std::thread> sessionThreads_;
};

}  // namespace rspf::bench
