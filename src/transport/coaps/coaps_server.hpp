#pragma once
// The CoAPS binding's server (RFC 7252 over DTLS 1.2; PROTOCOL.md 7): libcoap with its OpenSSL back
// end, one network thread. The DTLS profile of tls/dtls_profile.hpp (PSK-AES128-CCM8, PSK-AES128-GCM,
// with a certificate ECDHE-ECDSA-AES128-CCM8, -GCM; every other suite refused, per connection before the suite is
// chosen and again when the session connects), libcoap's stateless HelloVerifyRequest cookie before any session exists,
// no resumption, SNI checked. Once connected, tls::authenticatedPeerOf makes the peer, the codec (coap_codec.hpp) makes
// the neutral request, and the handler answers it; Block1/Block2 (RFC 7959) are libcoap's, with an assembled request
// over maxBodyBytes refused 4.13. A session past its request budget is answered 5.03 (a CON flood from one peer costs
// bounded work).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "tls/authenticated_peer.hpp"
#include "tls/certificate_profile.hpp"
#include "tls/psk_identity_resolver.hpp"
#include "transport/message.hpp"
#include "transport/server_observer.hpp"

namespace rspf::transport {

// An RFC 5705 export a handler calls for: its label and length.
struct KeyingMaterialExport {
  std::string label;
  std::size_t length = 0;
};

struct CoapsServerSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5684;  // 0: any free port (see CoapsServer::port)
  std::string serverName;     // this server's FQDN; a client's SNI must match it when sent
  std::string identityHint;   // psk_identity_hint (GBA: TS 24.109 annex F)
  // The certificate frameworks over DTLS (TS-0003 10.2: TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, or
  // AES-128-GCM): the server's certificate and the client anchors; `certificateResolver` maps a verified
  // client certificate to its peer. Unset: PSK frameworks only.
  std::optional<tls::CertificateServerCredentials> certificate;
  tls::CertificatePeerResolver* certificateResolver = nullptr;
  std::size_t maxBodyBytes = 16 * 1024;
  std::size_t maxSessions = 256;  // established and handshaking DTLS sessions, each
  // Request handlers off the network thread (they may block: a durable store commit), each answer a
  // separate response (RFC 7252 5.2.2), at most maxQueuedRequests in hand (5.03 past it). 0: the
  // handlers run on the network thread (cheap ones: a target's).
  int workers = 0;
  std::size_t maxQueuedRequests = 256;
  // With workers: the export a request's handler will call for, if any (the MEF's Enrolment Exchange).
  // It is made on the network thread, where libcoap's SSL object lives, as the request is handed to a
  // worker, so the worker does not wait for that thread; any other export a handler calls does.
  std::function<std::optional<KeyingMaterialExport>(const Request& request)> exportAhead;
  // Each authenticated session's request budget (coaps/request_budget.hpp): `requestBurst` requests at
  // once, refilled at `requestsPerSecond`; past it 5.03 with Max-Age, and the handler does not run.
  double requestsPerSecond = 200;
  double requestBurst = 100;
  ServerObserver* observer = nullptr;
  // Called on the network thread once a session is authenticated (the target's rule update).
  std::function<void(const tls::AuthenticatedPeer& peer)> onAuthenticated;
};

using CoapsRequestHandler = std::function<Response(const tls::AuthenticatedPeer& peer, const Request& request)>;

class CoapsServer {
 public:
  // Binds immediately (throws Error(Config) if the address is taken); serves after start().
  CoapsServer(CoapsServerSettings settings, tls::PskIdentityResolver& resolver, CoapsRequestHandler handler);
  ~CoapsServer();
  CoapsServer(const CoapsServer&) = delete;
  CoapsServer& operator=(const CoapsServer&) = delete;

  std::uint16_t port() const;
  bool listening() const;
  void start();
  void stop();  // safe from any thread
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rspf::transport
