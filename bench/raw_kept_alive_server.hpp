#pragma once
// The baseline for kept-alive sessions: the least a TLS 1.2 PSK HTTP/1.1 server can do on a session
// that stays open. A thread per connection (blocking), the same TLS context as the other baselines
// (raw_tls.hpp), one fixed PSK; per request: read it, answer a fixed 200 JSON body, keep the session.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "crypto/secret_bytes.hpp"
#include "raw_tls.hpp"

namespace rspf::bench {

class RawKeptAliveServer {
 public:
  // Binds 127.0.0.1:0 at once; serves from start() until stop(). Every answer carries `body`.
  RawKeptAliveServer(crypto::SecretBytes psk, std::string body);
  ~RawKeptAliveServer();
  RawKeptAliveServer(const RawKeptAliveServer&) = delete;
  RawKeptAliveServer& operator=(const RawKeptAliveServer&) = delete;

  std::uint16_t port() const { return port_; }
  void start();
  void stop();  // ends every session and joins every thread

 private:
  void acceptLoop();
  void serveSession(int fd);

  crypto::SecretBytes psk_;
  std::string response_;
  SslCtxPtr ctx_;
  int listenFd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<int> sessionFds_;
  std::vector<std::thread> sessions_;
};

}  // namespace rspf::bench
