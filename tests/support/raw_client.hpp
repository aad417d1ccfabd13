#pragma once
// A client that sends exact bytes to a listener (plain TCP, TLS-PSK, or TLS without a client
// credential) and reads whatever comes back: for the hardening tests, whose inputs no well-behaved
// HTTP client would send.
#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace rspf::testing {

struct RawTls {
  enum class Kind { None, Psk, ServerAuthOnly } kind = Kind::None;
  std::string serverName;  // SNI
  std::string pskIdentity;
  std::string pskHex;  // the key, hex
};

class RawClient {
 public:
  // Connects to 127.0.0.1:`port` from `bindAddress` (any 127.x.y.z, to act as another source).
  RawClient(std::uint16_t port, RawTls tls = {}, const std::string& bindAddress = "127.0.0.1");
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  // TLS: runs the handshake (up to `timeout`); plain: true. False when refused or closed.
  bool handshake(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // False when the connection is gone.
  bool send(std::string_view bytes);
  // Everything received until the peer closes or the timeout passes.
  std::string receive(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads one HTTP response (header and Content-Length body), or what arrived before the timeout/close.
  std::string receiveResponse(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when the peer has closed the connection (a read returns 0 or an error) within `timeout`.
  bool closedByPeer(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Half-closes: a FIN, the connection still open for reading.
  void shutdownSend();
  void close();

 private:
  // >0 bytes read, 0 closed, -1 timeout/would block.
  long readSome(char* buffer, std::size_t size, std::chrono::milliseconds timeout);
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  RawTls tls_;
  bool peerClosed_ = false;
};

// The status code of an HTTP response text, or 0.
int statusOf(const std::string& response);
// The body of an HTTP response text (after the blank line).
std::string bodyOf(const std::string& response);

// One request over a fresh connection; the response text ("" when none came).
std::string rawExchange(std::uint16_t port, const std::string& bytes, RawTls tls = {},
                        const std::string& bindAddress = "127.0.0.1");

}  // namespace rspf::testing
