#pragma once
// The baseline: the least a TLS 1.2 PSK HTTP server can do. One thread, blocking accept loop, the
// project's cipher list, one fixed PSK for every identity; per connection: handshake, read one
// HTTP/1.1 request, answer a small fixed 200 JSON body, one close_notify, close.
#include <atomic>
#include <cstdint>
#include <thread>

#include "crypto/secret_bytes.hpp"
#include "raw_tls.hpp"

namespace rspf::bench {

class RawOpenSslPskServer {
 public:
  // Binds 127.0.0.1:0 at once; serves from start() until stop().
  explicit RawOpenSslPskServer(crypto::SecretBytes psk);
  ~RawOpenSslPskServer();
  RawOpenSslPskServer(const RawOpenSslPskServer&) = delete;
  RawOpenSslPskServer& operator=(const RawOpenSslPskServer&) = delete;

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
  int listenFd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> served_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::thread thread_;
};

}  // namespace rspf::bench
