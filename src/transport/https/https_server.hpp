#pragma once
// The HTTPS binding's server: asynchronous (Boost.Beast over Asio), one session object per
// connection, a small pool of network threads, TLS-PSK authentication through a resolver.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "tls/authenticated_peer.hpp"
#include "tls/certificate_profile.hpp"
#include "tls/psk_profile.hpp"
#include "transport/https/http_message.hpp"
#include "transport/server_observer.hpp"

namespace rspf::transport {

struct HttpsServerSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (see HttpsServer::port)
  int threads = 2;         // network threads: handshakes, parsing, writing
  int workers = 8;         // request handlers; they may block (a durable store commit), network threads never do
  std::size_t maxBodyBytes = 16 * 1024;
  std::chrono::seconds idleTimeout{30};
  tls::PskServerSettings tls;
  // Also offer the certificate framework (ECDHE-ECDSA, mutual authentication) when set.
  std::optional<tls::CertificateServerCredentials> certificate;
  tls::CertificatePeerResolver* certificateResolver = nullptr;
  // Serve clients that present no certificate (with certificate->clientCertificateRequired false):
  // their peer has an empty framework and principal, and handlers decide what they may do.
  bool anonymousClients = false;
  ServerObserver* observer = nullptr;  // metrics; not owned, may be null
};

using RequestHandler = std::function<HttpResponse(const tls::AuthenticatedPeer& peer, const HttpRequest& request)>;
using HandshakeObserver = std::function<void(const tls::AuthenticatedPeer& peer)>;

class HttpsServer {
 public:
  // Binds immediately (throws Error(Config) if the address is taken); serves after start().
  HttpsServer(HttpsServerSettings settings, tls::PskIdentityResolver& resolver, RequestHandler handler,
              HandshakeObserver onHandshake = {});
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  std::uint16_t port() const;
  bool listening() const;  // started, not stopped, and accepting connections
  void start();
  void stop();  // safe from any thread, including a signal-watching one
  void wait();  // until stopped

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The JSON error body of PROTOCOL.md section 4: {"Status": false, "ErrorString": reason}.
HttpResponse errorResponse(int status, const std::string& reason);

}  // namespace rspf::transport
