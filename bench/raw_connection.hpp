#pragma once
// The raw OpenSSL load clients' connection: a blocking TCP socket with timeouts and TCP_NODELAY,
// a TLS client on it, HTTP/1.1 requests one after another (keep-alive), and a close that leaves no
// TIME_WAIT behind (the load generator must not run out of ports). Every failure throws its reason.
#include <netinet/in.h>
#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <string>

namespace rspf::bench {

// 127.0.0.1:`port` (throws for a host that is not an IPv4 literal).
sockaddr_in loopbackAddress(const std::string& host, std::uint16_t port);

class RawTlsConnection {
 public:
  RawTlsConnection(const sockaddr_in& address, SSL_CTX* ctx, std::chrono::milliseconds timeout);
  ~RawTlsConnection();
  RawTlsConnection(const RawTlsConnection&) = delete;
  RawTlsConnection& operator=(const RawTlsConnection&) = delete;

  SSL* ssl() const { return ssl_.get(); }
  // The full handshake with SNI `serverName` (none when empty); when `checkName`, the server's certificate must carry
  // it.
  void handshake(const std::string& serverName, bool checkName);
  // Sends `head` (request line and headers, each ending in CRLF, no blank line) with `body` and its
  // Content-Length; returns the response body on 200, else throws naming `what`.
  std::string request(const std::string& head, const std::string& body, const char* what);
  // One close_notify (no wait for the peer's), then a reset instead of a FIN.
  void close();

 private:
  int fd_ = -1;
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl_;
};

}  // namespace rspf::bench
