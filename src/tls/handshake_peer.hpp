#pragma once
// The one handshake-to-peer step (ARCHITECTURE.md) that every binding calls once its (D)TLS
// handshake has finished: which bootstrap framework vouched for the client, as whom, with which
// grants, and the session's RFC 5705 exporter. Nothing above tls/ reads an SSL* for this.
#include <openssl/ssl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tls/authenticated_peer.hpp"

namespace rspf::tls {

struct PeerPolicy {
  // Serve clients that present no certificate and no PSK (a listener with
  // clientCertificateRequired false): their peer has an empty framework and principal.
  bool anonymousClients = false;
  // IANA values of the cipher suites a session may use; empty: whatever the context allows.
  // DTLS: libcoap cannot restrict the server's list (PITFALLS), so the suite is checked here.
  std::vector<std::uint16_t> allowedSuites;
};

struct HandshakeOutcome {
  std::optional<AuthenticatedPeer> peer;  // set when the handshake authenticated someone
  std::string refusal;                    // otherwise why not, for the log (never a key)
  std::string presentedPskIdentity;       // what the client presented, if anything (an identifier)
  std::string protocol;                   // "TLSv1.2", "DTLSv1.2"
  std::string cipher;                     // "PSK-AES128-GCM-SHA256"
};

// The negotiated protocol and suite of a session ("TLSv1.2", "PSK-AES128-CBC-SHA256").
std::string protocolVersionOf(const SSL* ssl);
std::string cipherNameOf(const SSL* ssl);

// `transportError`: why the binding's handshake failed ("" when it completed). The exporter of the
// returned peer uses `ssl`: valid while the session lives. Drains the thread's OpenSSL error queue.
HandshakeOutcome authenticatedPeerOf(SSL* ssl, std::string_view transportError, const PeerPolicy& policy,
                                     std::string remoteAddress);

}  // namespace rspf::tls
