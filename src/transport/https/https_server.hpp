#pragma once
// The HTTPS binding's server: asynchronous (Boost.Beast over Asio), one session object per
// connection, a small pool of network threads, TLS-PSK authentication through a resolver. Every
// listener of ours runs on it (plainHttp: the observability listener) and so shares its bounds:
// ListenerLimits (caps, timeouts, a request queue), a bounded parser (header, trailer and body),
// RFC 9112 framing checks, and last-resort handlers so that no input or handler ends the process.
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
#include "transport/listener_limits.hpp"
#include "transport/server_observer.hpp"

namespace rspf::transport {

// Runs on a network thread once a request's header is read and before its body is: a response
// refuses the request at once (the body is discarded, never buffered); nullopt lets it through.
// `head` has no body. It must be quick (no store access).
using HeaderCheck =
    std::function<std::optional<HttpResponse>(const tls::AuthenticatedPeer& peer, const HttpRequest& head)>;

struct HttpsServerSettings {
  std::string name = "https";  // this listener in logs and metrics: "mef", "admin_api", "observability", ...
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (see HttpsServer::port)
  int threads = 2;         // network threads: handshakes, parsing, writing
  int workers = 8;         // request handlers; they may block (a durable store commit), network threads never do
  std::size_t maxBodyBytes = 16 * 1024;
  ListenerLimits limits;  // maxConnections 0: sized from the file-descriptor limit
  // stop() first lets requests being handled finish, for at most this long (SIGTERM drains).
  std::chrono::milliseconds drainTimeout{10000};
  HeaderCheck checkHeader;  // e.g. the admin API's credentials, before a 4 MiB body is read
  // Requests this answers true for are handled on the network thread, without the two thread
  // hand-offs of a worker (issue 14 item 4): only for short handlers that never wait (the MEF's Key
  // Retrieval on an embedded store: a few reads). Called on the network thread, with the whole request.
  std::function<bool(const HttpRequest& request)> handleInline;
  // No TLS (the observability listener): every peer is anonymous (empty framework and principal).
  bool plainHttp = false;
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
  // Stops accepting, waits up to drainTimeout for requests being handled to be answered, then
  // closes everything. Safe from any thread, including a signal-watching one (not from a handler).
  void stop();
  void wait();  // until stopped

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The JSON error body of PROTOCOL.md section 4: {"Status": false, "ErrorString": reason}. It cannot
// throw on any reason (bytes that are not UTF-8 become U+FFFD, the reason is cut at 1024 bytes on a
// character boundary): safe to build in a catch block.
HttpResponse errorResponse(int status, std::string_view reason);
// 503 with Retry-After: the listener's refusal under overload.
HttpResponse overloadedResponse(std::chrono::seconds retryAfter);

}  // namespace rspf::transport
