#pragma once
// The (D)TLS-PSK profile of TS-0003 10.2.2 (PROTOCOL.md section 2), for servers and clients.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <openssl/ssl.h>

#include "crypto/secret_bytes.hpp"
#include "tls/psk_identity_resolver.hpp"

namespace rspf::tls {

// TLS 1.2: the mandatory TLS_PSK_WITH_AES_128_CBC_SHA256, plus AES-128-GCM and ECDHE-PSK.
inline constexpr const char* kTls12PskCipherList =
    "PSK-AES128-GCM-SHA256:PSK-AES128-CBC-SHA256:ECDHE-PSK-AES128-CBC-SHA256";
// TLS 1.3 external PSKs are bound to SHA-256.
inline constexpr const char* kTls13PskCipherSuites = "TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256";

struct PskServerSettings {
  std::string serverName;  // this server's FQDN; a client's SNI must match it when sent
  bool tls13 = false;      // allow TLS 1.3 external PSK (off by default, PROTOCOL.md 2)
  std::string identityHint;
};

// Configures `ctx` as a PSK server that asks `resolver` for keys. The resolver must outlive ctx.
void configurePskServer(SSL_CTX* ctx, const PskServerSettings& settings, PskIdentityResolver* resolver);

// What the resolver said about this connection's peer, once the handshake has chosen a PSK.
const ResolvedPsk* resolvedPskOf(const SSL* ssl);
// True when a PSK actually authenticated the handshake (TLS 1.3: session resumed with it).
bool pskAuthenticated(const SSL* ssl);

struct PskClientCredentials {
  PskClientCredentials() = default;
  PskClientCredentials(std::string identity, crypto::SecretBytes key)
      : pskIdentity(std::move(identity)), psk(std::move(key)) {}

  std::string pskIdentity;
  crypto::SecretBytes psk;
  // When set, the key is derived once the server has chosen the cipher suite (GBA: Ks_NAF depends
  // on NAF_Id, which holds the suite) and `psk` is not used.
  std::function<crypto::SecretBytes(std::uint16_t cipherSuite)> pskForCipherSuite;
};
struct PskClientSettings {
  std::string serverName;  // sent as SNI
  bool tls13 = false;
};

// Configures a client context (versions, suites); credentials are set per connection.
void configurePskClient(SSL_CTX* ctx, const PskClientSettings& settings);
// Attaches credentials and SNI to a connection. `credentials` must outlive `ssl`'s handshake.
void attachPskClientCredentials(SSL* ssl, const PskClientSettings& settings, const PskClientCredentials* credentials);

// RFC 5705 exporter without context (PITFALLS: "no context" differs from "empty context").
crypto::SecretBytes exportKeyingMaterial(SSL* ssl, std::string_view label, std::size_t length);

// A one-line, user-actionable reason for a failed handshake (alert names, not OpenSSL jargon).
std::string describeHandshakeFailure(const std::string& opensslErrors);

}  // namespace rspf::tls
